"""Webhooks end to end: a report filed through signed Slack requests and acknowledged with the
post's button reaches a webhook receiver on loopback as two signed, verifiable requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import Bot, settings_for, wait_until
from tests.e2e.test_triage import click, post_of, report
from tests.webhooks.conftest import webhook_rows
from tests.webhooks.receiver import Receiver, documented_verify, running_receiver

SECRET = "e2e-webhook-secret-5b2f9c"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback answering 200."""
    with running_receiver() as running:
        yield running


@pytest.fixture
def hooked_bot(fake: FakeSlackAPI, db_url: str, receiver: Receiver) -> Iterator[Bot]:
    """The bot in HTTP mode with the receiver as its one webhook URL."""
    settings = settings_for(fake, db_url, webhook_urls=receiver.url, webhook_secret=SECRET)
    running = Bot(fake, settings).start()
    yield running
    running.stop()


def test_report_and_acknowledge_reach_the_webhook_signed(
    hooked_bot: Bot, fake: FakeSlackAPI, receiver: Receiver
) -> None:
    """Filing a report in the modal and pressing Acknowledge send incident.created then
    incident.acknowledged, each verified by the documented snippet."""
    key = report(hooked_bot)
    click(hooked_bot, fake, post_of(hooked_bot, fake, key), "incident_ack", user="UTRIAGE1")
    created, acknowledged = receiver.wait_for(2)
    assert [created.json()["type"], acknowledged.json()["type"]] == [
        "incident.created",
        "incident.acknowledged",
    ]
    assert {created.json()["incident"]["key"], acknowledged.json()["incident"]["key"]} == {key}
    assert acknowledged.json()["change"] == {
        "from": "new",
        "to": "acknowledged",
        "actor": "UTRIAGE1",
        "note": None,
    }
    verify = documented_verify()
    assert verify(SECRET, created.headers, created.body)
    assert verify(SECRET, acknowledged.headers, acknowledged.body)
    assert created.delivery != acknowledged.delivery


def test_a_failing_receiver_gets_the_report_again_with_the_same_delivery_id(
    fake: FakeSlackAPI, db_url: str, receiver: Receiver
) -> None:
    """The running bot's outbox retries a webhook answered 503, then 429, with the same
    delivery id and body, and stops once it is answered 200."""
    settings = settings_for(
        fake, db_url, webhook_urls=receiver.url, webhook_secret=SECRET, outbox_retry_base=0.1
    )
    receiver.answer(503)
    receiver.answer(429, {"Retry-After": "0"})
    bot = Bot(fake, settings).start()
    try:
        report(bot)
        attempts = receiver.wait_for(3)
        wait_until(
            lambda: [r.status for r in webhook_rows(bot.services.db)] == ["sent"],
            what="the webhook to be delivered",
        )
    finally:
        bot.stop()
    assert len(receiver.requests) == 3
    assert len({r.delivery for r in attempts}) == 1
    assert len({r.body for r in attempts}) == 1
    assert documented_verify()(SECRET, attempts[-1].headers, attempts[-1].body)
