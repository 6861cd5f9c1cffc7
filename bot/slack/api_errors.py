"""What went wrong with a Web API call, said one way for every sender (the outbox, the
digest): Slack's error code when Slack answered, else whether the call timed out or the
network failed. Whether to retry is each sender's call; this only describes."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

# What a Web API call raises when Slack refuses it or no answer comes back.
SEND_ERRORS = (SlackApiError, OSError, http.client.HTTPException)
SLACK, TIMEOUT, NETWORK = "slack", "timeout", "network"


@dataclass(frozen=True)
class Failure:
    """One failed call: ``kind`` is slack, timeout or network; ``code`` is Slack's error
    code (``http_<status>`` when it gave none), or the exception's class name."""

    kind: str
    code: str
    status: int = 200
    retry_after: float = 1.0  # seconds, as Slack's Retry-After header says

    @property
    def answered(self) -> bool:
        """Slack answered, so it did not act; after a timeout or network error it may have."""
        return self.kind == SLACK

    @property
    def rate_limited(self) -> bool:
        """Slack asked us to slow down."""
        return self.answered and (self.status == 429 or self.code == "ratelimited")

    @property
    def short(self) -> str:
        """``not_in_channel``, ``timeout:TimeoutError``: the form the outbox records."""
        return self.code if self.answered else f"{self.kind}:{self.code}"

    def __str__(self) -> str:
        """``slack: not_in_channel``, ``timeout: TimeoutError``: the form people read."""
        return f"{self.kind}: {self.code}"


def describe(error: SlackApiError | OSError | http.client.HTTPException) -> Failure:
    """The failure ``error`` stands for."""
    if isinstance(error, SlackApiError):
        response = error.response
        status = getattr(response, "status_code", 200)
        code = str(response.get("error") or f"http_{status}") if response is not None else "error"
        return Failure(SLACK, code, status, _retry_after(response))
    name = type(error).__name__
    timed_out = isinstance(error, TimeoutError) or "timed out" in str(error).lower()
    return Failure(TIMEOUT if timed_out else NETWORK, name)


def _retry_after(response: Any) -> float:
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                break
    return 1.0
