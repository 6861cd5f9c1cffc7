"""A report's text is held in one row at a time: its draft's, then its evidence's."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from bot.incidents.drafts import DraftStore, Source
from bot.incidents.intake import Intake
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import Draft, Evidence, PendingReport

THREAT = "Cancel the 5pm wipe or the board receives the emails. This stays between us."


def _rows_holding(db: Database, text: str) -> int:
    """How many rows of drafts, waiting reports and evidence hold ``text``."""
    with db.session() as session:
        drafts = session.scalar(select(func.count()).where(col(Draft.text) == text))
        evidence = session.scalar(select(func.count()).where(col(Evidence.text) == text))
        pending = session.scalars(select(PendingReport)).all()
    return (
        int(drafts or 0) + int(evidence or 0) + sum(p.request.get("text") == text for p in pending)
    )


def _accepted(service: IncidentService, text: str, submitted: str | None = None) -> Intake:
    drafts = DraftStore(db=service.db, clock=service.clock)
    draft = drafts.get(drafts.create(user_id="U1", text=text, source=Source()), user_id="U1")
    intake = Intake(db=service.db, incidents=service, clock=service.clock)
    request = ReportRequest(text=submitted or text, reporter_id="U1", idempotency_key="view:V1")
    assert intake.accept(request, draft=draft)
    return intake


def test_a_report_from_its_draft_holds_the_text_once_until_and_after_it_is_stored(
    service: IncidentService,
) -> None:
    """The waiting report points at its draft's text; the incident's evidence replaces both."""
    intake = _accepted(service, THREAT)
    assert _rows_holding(service.db, THREAT) == 1
    assert intake.run_once() == 1
    assert _rows_holding(service.db, THREAT) == 1
    assert service.detail("AIS-1").evidence.text == THREAT


def test_a_draft_a_waiting_report_needs_outlives_the_purge(
    service: IncidentService, clock: FixedClock
) -> None:
    """Purging old drafts spares the one whose text a report still waits with."""
    intake = _accepted(service, THREAT)
    clock.advance(days=3)
    assert DraftStore(db=service.db, clock=clock).purge() == 0
    intake.run_once(every=True)
    assert service.detail("AIS-1").evidence.text == THREAT


def test_a_text_edited_in_the_form_travels_with_the_report_and_the_draft_goes(
    service: IncidentService,
) -> None:
    """An edited text is the one stored; the draft's original goes with the waiting row."""
    edited = THREAT + " Edited."
    intake = _accepted(service, THREAT, submitted=edited)
    intake.run_once()
    assert service.detail("AIS-1").evidence.text == edited
    assert _rows_holding(service.db, THREAT) == 0 and _rows_holding(service.db, edited) == 1
