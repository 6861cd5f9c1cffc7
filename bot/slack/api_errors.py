"""What went wrong with a Web API call, said one way for every sender (the outbox, the
digest): Slack's error code when Slack answered, else whether the call timed out or the
network failed. Whether to retry is each sender's call; this only describes."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.runtime.http_refusal import HttpRefused

# What a Web API call raises when Slack refuses it or no answer comes back (and what a webhook
# raises when its receiver refuses it).
SEND_ERRORS = (SlackApiError, OSError, http.client.HTTPException, HttpRefused)
SLACK, TIMEOUT, NETWORK = "slack", "timeout", "network"
HTTP = "http"  # a receiver other than Slack answered with an error status


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
        """Slack (or a webhook's receiver) answered, so it did not act; after a timeout or
        network error it may have."""
        return self.kind in (SLACK, HTTP)

    @property
    def redirected(self) -> bool:
        """A webhook's receiver answered with a redirect, which is never followed."""
        return self.kind == HTTP and 300 <= self.status < 400

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


def describe(
    error: SlackApiError | OSError | http.client.HTTPException | HttpRefused,
) -> Failure:
    """The failure ``error`` stands for."""
    if isinstance(error, HttpRefused):
        retry_after = 1.0 if error.retry_after is None else error.retry_after
        return Failure(HTTP, f"http_{error.status}", error.status, retry_after)
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
