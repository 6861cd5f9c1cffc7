"""The one describer of failed Web API calls, shared by the outbox and the digest."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.slack.api_errors import describe


def _refused(status: int, headers: dict[str, Any] | None = None, **data: Any) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, **data},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("refused", response)


def test_slack_error_code_is_named_both_ways() -> None:
    """A refusal is Slack's code: bare for the outbox, ``slack: code`` for people."""
    failure = describe(_refused(200, error="not_in_channel"))
    assert failure.answered and not failure.rate_limited
    assert (failure.short, str(failure)) == ("not_in_channel", "slack: not_in_channel")


def test_an_answer_without_a_code_is_named_by_its_http_status() -> None:
    """A 503 with no error code in the body is ``http_503``, with the status kept."""
    failure = describe(_refused(503))
    assert (failure.code, failure.status, str(failure)) == ("http_503", 503, "slack: http_503")


def test_rate_limit_carries_retry_after() -> None:
    """A 429 is rate limited, and Slack's Retry-After header says how many seconds to wait."""
    failure = describe(_refused(429, {"Retry-After": ["7"]}, error="ratelimited"))
    assert failure.rate_limited and failure.retry_after == 7.0


def test_rate_limit_without_a_usable_header_waits_a_second() -> None:
    """A rate limit whose Retry-After is missing or not a number waits one second."""
    assert describe(_refused(429, error="ratelimited")).retry_after == 1.0
    assert describe(_refused(429, {"retry-after": "soon"})).retry_after == 1.0


def test_timeouts_are_told_from_other_network_errors() -> None:
    """Timeouts (by type, or "timed out" in any case) are ``timeout``; other errors ``network``."""
    assert str(describe(TimeoutError())) == "timeout: TimeoutError"
    assert describe(TimeoutError("timed out")).short == "timeout:TimeoutError"
    assert describe(OSError("Read Timed Out")).short == "timeout:OSError"
    reset = describe(ConnectionResetError("reset by peer"))
    assert (reset.short, str(reset), reset.answered) == (
        "network:ConnectionResetError",
        "network: ConnectionResetError",
        False,
    )
