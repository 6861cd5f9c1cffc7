"""Webhook delivery faults: 5xx and unreachable receivers are retried with the same delivery
id, 429 waits for Retry-After, other 4xx and redirects fail for good and are logged once."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest

from bot.checks import CheckEngine
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.webhooks.targets import target_id
from tests.webhooks.conftest import PLAIN, Hooked, make_outbox, webhook_rows


def test_server_error_is_retried_and_delivered_once_with_the_same_id(hooked: Hooked) -> None:
    """A 500 is retried after the backoff; the retry carries the same delivery id and body,
    and once answered 200 the webhook is never sent again."""
    key = hooked.report()
    hooked.receiver.answer(500)
    assert hooked.deliver(key) == 1
    [row] = hooked.rows(key)
    assert (row.status, row.last_error, row.attempts) == ("pending", "http_500", 1)
    assert hooked.deliver(key) == 0, "not due before its backoff"
    hooked.clock.advance(seconds=3)
    assert hooked.deliver(key) == 1
    failed, delivered = hooked.receiver.requests
    assert failed.delivery == delivered.delivery
    assert failed.body == delivered.body
    [row] = hooked.rows(key)
    assert (row.status, row.attempts) == ("sent", 2)
    hooked.clock.advance(minutes=30)
    assert hooked.deliver(key) == 0
    assert len(hooked.receiver.requests) == 2


@pytest.mark.parametrize("status", [400, 404, 410])
def test_client_error_fails_for_good_and_is_logged_once(
    hooked: Hooked, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A 4xx other than 408 and 429 is not retried; the failure is logged once."""
    key = hooked.report()
    hooked.receiver.answer(status)
    with caplog.at_level(logging.WARNING, logger="bot.slack.outbox"):
        assert hooked.deliver(key) == 1
        hooked.clock.advance(hours=2)
        assert hooked.deliver(key) == 0
    [row] = hooked.rows(key)
    assert (row.status, row.last_error) == ("failed", f"http_{status}")
    assert len(hooked.receiver.requests) == 1
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert hooked.receiver.url not in caplog.text


def test_rate_limit_waits_for_retry_after(hooked: Hooked) -> None:
    """A 429 is retried exactly when its Retry-After says, not before."""
    key = hooked.report()
    hooked.receiver.answer(429, {"Retry-After": "7"})
    assert hooked.deliver(key) == 1
    [row] = hooked.rows(key)
    assert (row.status, row.last_error) == ("pending", "http_429")
    due = row.next_attempt_at.replace(tzinfo=None) - hooked.clock.now().replace(tzinfo=None)
    assert due == timedelta(seconds=7)
    hooked.clock.advance(seconds=6)
    assert hooked.deliver(key) == 0
    hooked.clock.advance(seconds=1)
    assert hooked.deliver(key) == 1
    first, retried = hooked.receiver.requests
    assert first.delivery == retried.delivery
    assert hooked.rows(key)[0].status == "sent"


def test_redirect_is_not_followed_and_fails_for_good(hooked: Hooked) -> None:
    """A 302 is neither followed (the body would be lost on the way) nor retried."""
    key = hooked.report()
    elsewhere = hooked.receiver.url.replace("/hook", "/elsewhere")
    hooked.receiver.answer(302, {"Location": elsewhere})
    assert hooked.deliver(key) == 1
    assert [r.path for r in hooked.receiver.requests] == ["/hook"]
    [row] = hooked.rows(key)
    assert (row.status, row.last_error) == ("failed", "http_302")


def test_unreachable_receiver_is_retried(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """A refused connection is retried with backoff, never given up at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"  # nothing listens there now
    service = IncidentService(
        db=db, checker=checks, clock=clock, key_prefix="AIS", webhook_targets=[target_id(url)]
    )
    outbox = make_outbox(db, service, clock, [url])
    incident_id = service.report(PLAIN).incident.id
    assert outbox.run_once(ordering_key=f"webhook:{incident_id}:{target_id(url)}") == 1
    [row] = webhook_rows(db, incident_id)
    assert row.status == "pending" and (row.last_error or "").startswith("network:")


def test_a_url_no_longer_configured_is_skipped(
    db: Database, checks: CheckEngine, clock: FixedClock, hooked: Hooked
) -> None:
    """A waiting webhook whose URL was removed from the setting is dropped, not sent."""
    key = hooked.report()
    outbox = make_outbox(db, hooked.service, clock, urls=[])
    incident_id = hooked.service.get(key).id
    assert outbox.run_once(ordering_key=f"webhook:{incident_id}:{hooked.target}") == 1
    assert hooked.receiver.requests == []
    assert hooked.rows(key)[0].status == "sent"
