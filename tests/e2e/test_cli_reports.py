"""Reports made on the command line are posted to triage without a confirmation DM: their
reporter (``cli:NAME``) is no Slack user, and a DM to it would fail and raise the alert."""

from __future__ import annotations

from sqlmodel import col, select

from bot.incidents.records import ReportRequest
from bot.store.models import OutboxMessage
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import TRIAGE, Bot, wait_until
from tests.e2e.test_triage import THREAT


def _notices(bot: Bot, incident_id: int) -> list[OutboxMessage]:
    with bot.services.db.session() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.incident_id) == incident_id)
        return list(session.exec(query).all())


def test_cli_report_fails_no_delivery(bot: Bot, fake: FakeSlackAPI) -> None:
    """A report from `safetybot report` is posted to triage and every notice of it is delivered."""
    request = ReportRequest(text=THREAT, reporter_id="cli:root")  # as `safetybot report` files it
    incident = bot.services.incidents.report(request).incident
    assert incident.id is not None
    wait_until(
        lambda: all(n.status not in ("pending", "sending") for n in _notices(bot, incident.id)),
        what="the notices of the report to be worked",
    )
    assert {n.status for n in _notices(bot, incident.id)} == {"sent"}
    assert [c.args["channel"] for c in fake.calls_to("chat.postMessage")] == [TRIAGE]
