"""How the outbox classifies a webhook receiver's answers, and how a Retry-After is read;
Slack's errors keep their own classification."""

from __future__ import annotations

from email.message import Message

import pytest

from bot.runtime.http_refusal import HttpRefused
from bot.runtime.retry import RetryPolicy
from bot.slack.outbox import classify
from bot.webhooks import posting

POLICY = RetryPolicy(base_delay=2.0, max_delay=60.0, max_attempts=5)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_and_request_timeouts_are_retried_with_backoff(status: int) -> None:
    """5xx and 408 are retried after the policy's backoff."""
    outcome = classify(HttpRefused(status), attempts=2, policy=POLICY, jitter=1.0)
    assert (outcome.status, outcome.error, outcome.delay) == ("retry", f"http_{status}", 4.0)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422, 301, 302, 307, 308])
def test_client_errors_and_redirects_fail_for_good(status: int) -> None:
    """Any other 4xx, and a redirect, is a permanent failure."""
    outcome = classify(HttpRefused(status), attempts=1, policy=POLICY, jitter=1.0)
    assert (outcome.status, outcome.error) == ("failed", f"http_{status}")


def test_rate_limit_waits_as_asked() -> None:
    """A 429 is retried after its Retry-After, whatever the backoff would say."""
    outcome = classify(HttpRefused(429, retry_after=42.0), attempts=1, policy=POLICY, jitter=1.0)
    assert (outcome.status, outcome.delay) == ("retry", 42.0)


def test_retries_stop_after_the_last_attempt() -> None:
    """A receiver still failing at the last attempt is given up on."""
    outcome = classify(HttpRefused(503), attempts=5, policy=POLICY, jitter=1.0)
    assert outcome.status == "failed" and "gave up after 5 attempts" in outcome.error


def _headers(**values: str) -> Message:
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry_After": "12"}, 12.0),
        (
            {
                "Retry_After": "Wed, 18 Nov 2026 12:01:30 GMT",
                "Date": "Wed, 18 Nov 2026 12:00:00 GMT",
            },
            90.0,
        ),
        ({"Retry_After": "soon"}, posting.DEFAULT_RETRY_AFTER),
        ({}, posting.DEFAULT_RETRY_AFTER),
        ({"Retry_After": "86400"}, posting.MAX_RETRY_AFTER),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date_and_capped(
    headers: dict[str, str], seconds: float
) -> None:
    """Retry-After in seconds or as an HTTP date (against the answer's Date) is honoured, up
    to an hour; a missing or unreadable one waits the default."""
    assert posting._retry_after(429, _headers(**headers)) == seconds


def test_only_a_rate_limit_has_a_retry_after() -> None:
    """Other statuses leave the wait to the outbox's backoff."""
    assert posting._retry_after(503, _headers(Retry_After="5")) is None
