"""One HTTP POST to a webhook URL, with a timeout, never following a redirect.

A 2xx answer is delivered. Any other status is raised as ``HttpRefused`` (with the seconds
a 429's Retry-After asks for); no answer at all (timeout, refused connection, reset) is
raised as the ``OSError`` it is. The outbox decides what to retry.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from bot.runtime.http_refusal import HttpRefused

# A 429 whose Retry-After is missing or unreadable waits this long; no receiver makes
# delivery wait longer than the cap.
DEFAULT_RETRY_AFTER = 30.0
MAX_RETRY_AFTER = 3600.0
_READ_LIMIT = 64 * 1024  # of an answer's body, read only to finish the exchange


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the error it is for a webhook: its URL needs fixing."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: Mapping[str, str], *, timeout: float) -> int:
    """POST ``body`` to ``url``; the status of a 2xx answer, else raises (see above)."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(_READ_LIMIT)
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            refused = HttpRefused(error.code, retry_after=_retry_after(error.code, error.headers))
        raise refused from None


def _retry_after(status: int, headers: Message | None) -> float | None:
    """The seconds a 429's Retry-After (seconds, or an HTTP date) asks for, capped."""
    if status != 429:
        return None
    value = (headers.get("Retry-After") if headers is not None else None) or ""
    seconds = _seconds(value.strip(), headers.get("Date") if headers is not None else None)
    return DEFAULT_RETRY_AFTER if seconds is None else min(MAX_RETRY_AFTER, max(0.0, seconds))


def _seconds(value: str, date: str | None) -> float | None:
    if value.isdigit():
        return float(value)
    try:
        until = parsedate_to_datetime(value)
        sent = parsedate_to_datetime(date) if date else datetime.now(UTC)
    except (TypeError, ValueError, IndexError):
        return None
    if until.tzinfo is None or sent.tzinfo is None:
        return None
    return (until - sent).total_seconds()
