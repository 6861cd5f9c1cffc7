"""What one model connection is: provider, model, key, endpoint and limits, read from the
settings; and the one call every caller makes (``ModelClient.complete``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

PROVIDERS = ("anthropic", "openai")
JUDGE, TARGET = "judge", "target"


@dataclass(frozen=True)
class ModelConnection:
    """One configured model: ``purpose`` is ``judge`` or ``target``; ``openai`` means any
    OpenAI-compatible endpoint (``base_url``)."""

    purpose: str
    provider: str
    model: str
    api_key: str = field(default="", repr=False)
    base_url: str | None = None
    timeout: float = 60.0
    max_retries: int = 3
    daily_requests: int = 500
    daily_tokens: int = 2_000_000
    concurrency: int = 4


@dataclass(frozen=True)
class Message:
    """One turn sent to a model: ``role`` is ``user`` or ``assistant``."""

    role: str
    content: str


@dataclass(frozen=True)
class ModelReply:
    """What a model answered, with what it cost."""

    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0

    @property
    def tokens(self) -> int:
        """Input and output tokens together, as the daily budget counts them."""
        return self.input_tokens + self.output_tokens


class ModelError(Exception):
    """A model call failed after its retries. ``status`` is the HTTP status when the API
    answered (None after a timeout or a network error); ``retry_after`` the seconds it asked
    for; ``retryable`` whether trying again later may work (429, 5xx, timeouts)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        retryable: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.retryable = retryable


class BudgetSpent(ModelError):
    """Today's budget of requests or tokens for this connection is spent; ``retry_after`` is
    the seconds until the next UTC day."""


class ModelClient(Protocol):
    """Sends one conversation to one model."""

    @property
    def model(self) -> str:
        """The model's name as configured (findings carry it as ``judge:<model>``)."""
        ...

    def complete(
        self,
        messages: list[Message],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float | None = None,
    ) -> ModelReply:
        """One completion; raises ``ModelError`` (or ``BudgetSpent``) when it cannot."""
        ...
