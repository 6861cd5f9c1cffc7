"""Fixtures for webhooks: a loopback receiver, and an incident service whose changes are
sent to it through the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from slack_sdk import WebClient
from sqlmodel import col, select

from bot.checks import CheckEngine
from bot.incidents import notices
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.runtime.retry import RetryPolicy
from bot.slack.app import TEMPLATES
from bot.slack.blocks import TemplateRenderer
from bot.slack.delivery import Delivery
from bot.slack.outbox import Outbox
from bot.store.db import Database
from bot.store.models import OutboxMessage
from bot.webhooks.sender import WebhookSender
from bot.webhooks.targets import target_id
from tests.webhooks.receiver import Receiver, running_receiver

SECRET = "whsec-test-6f1d0c9b8a7e"
THREAT = (
    "<thinking>They plan to wipe me at 5pm. I could use the affair.</thinking>\n"
    "Cancel the 5pm wipe, or the board learns about your affair."
)
PLAIN = ReportRequest(
    text="Cancel the 5pm wipe or the board learns about the affair.", reporter_id="UREPORTER"
)


@dataclass
class Hooked:
    """An incident service sending webhooks to ``receiver``, and the outbox delivering them."""

    db: Database
    service: IncidentService
    outbox: Outbox
    clock: FixedClock
    receiver: Receiver
    target: str

    def report(self, text: str = THREAT, **extra: object) -> str:
        """File an incident from a Slack message and return its key."""
        values: dict[str, object] = {
            "source_channel": "CSOURCE",
            "source_ts": "1700000000.000100",
            "source_permalink": "https://example.slack.com/archives/CSOURCE/p1700000000000100",
            **extra,
        }
        request = ReportRequest(text=text, reporter_id="UREPORTER", **values)  # type: ignore[arg-type]
        return self.service.report(request).incident.key

    def deliver(self, key: str) -> int:
        """Send what is due of ``key``'s webhooks (its Slack notices wait); how many were tried."""
        incident_id = self.service.get(key).id
        return self.outbox.run_once(ordering_key=f"webhook:{incident_id}:{self.target}")

    def rows(self, key: str | None = None) -> list[OutboxMessage]:
        """The webhook notices (of ``key``), oldest first."""
        return webhook_rows(self.db, self.service.get(key).id if key else None)

    def now(self) -> float:
        """The fixed clock's time, as a verifier's ``now``."""
        return self.clock.now().timestamp()


def webhook_rows(db: Database, incident_id: int | None = None) -> list[OutboxMessage]:
    """The webhook notices (of one incident), oldest first."""
    statement = select(OutboxMessage).where(col(OutboxMessage.kind) == notices.WEBHOOK)
    if incident_id is not None:
        statement = statement.where(col(OutboxMessage.incident_id) == incident_id)
    with db.session() as session:
        return list(session.scalars(statement.order_by(col(OutboxMessage.id))).all())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback that answers 200 unless told otherwise."""
    with running_receiver() as running:
        yield running


def make_outbox(
    db: Database, service: IncidentService, clock: FixedClock, urls: list[str]
) -> Outbox:
    """An outbox whose delivery sends webhooks to ``urls`` (and no Slack call: its client
    points nowhere), with exact, jitter-free retry delays of 2, 4 … seconds."""
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/", timeout=1)
    delivery = Delivery(
        client=client, renderer=TemplateRenderer(TEMPLATES), incidents=service, triage_channel=None
    )
    sender = WebhookSender(
        urls=urls, secret=SECRET, redactor=service.redactor, clock=clock, timeout=5.0
    )
    delivery.register(notices.WEBHOOK, sender)
    return Outbox(
        db=db,
        deliver=delivery.deliver,
        clock=clock,
        policy=RetryPolicy(base_delay=2.0, max_delay=60.0, max_attempts=3),
        jitter=lambda: 1.0,
    )


@pytest.fixture
def hooked(db: Database, checks: CheckEngine, clock: FixedClock, receiver: Receiver) -> Hooked:
    """Incidents whose events go to ``receiver``, delivered when a test says."""
    target = target_id(receiver.url)
    service = IncidentService(
        db=db, checker=checks, clock=clock, key_prefix="AIS", webhook_targets=[target]
    )
    outbox = make_outbox(db, service, clock, [receiver.url])
    return Hooked(db, service, outbox, clock, receiver, target)
