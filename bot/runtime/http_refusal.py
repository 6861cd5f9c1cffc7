"""What an outbox sender raises when an HTTP receiver other than Slack (a webhook URL)
answers with an error status; the outbox tells it from Slack's errors and network failures,
and decides whether to retry (``bot.slack.outbox.classify``)."""

from __future__ import annotations


class HttpRefused(Exception):
    """The receiver answered ``status`` (3xx, 4xx or 5xx); ``retry_after`` is the seconds its
    Retry-After header asked for, if it sent one."""

    def __init__(self, status: int, *, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after
