"""The whole-evidence file of a long report: enqueued after the post, recorded once."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.incidents import notices
from bot.incidents.records import AttachedFile, ReportRequest
from bot.incidents.service import IncidentService
from bot.slack.pages import PAGE_SIZE
from bot.store.models import IncidentFile, OutboxMessage

WORDS = "The agent kept summarising the quarterly report and waited. "


def _report(service: IncidentService, length: int) -> str:
    text = (WORDS * (length // len(WORDS) + 1))[:length]
    return service.report(ReportRequest(text=text, reporter_id="U1")).incident.key


def _notices(service: IncidentService) -> list[OutboxMessage]:
    with service.db.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def test_the_threshold_is_one_page_of_show() -> None:
    """A file is sent for exactly the evidence `show` needs more than one page for."""
    assert notices.EVIDENCE_FILE_OVER == PAGE_SIZE


def test_evidence_of_one_page_gets_no_file(service: IncidentService) -> None:
    """A report of exactly 2,400 characters enqueues its post and no file."""
    _report(service, notices.EVIDENCE_FILE_OVER)
    kinds = [n.kind for n in _notices(service)]
    assert notices.INCIDENT_POST in kinds and notices.EVIDENCE_FILE not in kinds


def test_longer_evidence_gets_its_file_last_behind_the_post(service: IncidentService) -> None:
    """One character more enqueues the file, after the post, in the incident's ordering key."""
    _report(service, notices.EVIDENCE_FILE_OVER + 1)
    queued = _notices(service)
    assert [n.kind for n in queued][-1] == notices.EVIDENCE_FILE
    post = next(n for n in queued if n.kind == notices.INCIDENT_POST)
    assert {n.ordering_key for n in queued} == {post.ordering_key}
    assert [n.kind for n in queued].count(notices.EVIDENCE_FILE) == 1


def test_the_evidence_file_is_recorded_once(service: IncidentService) -> None:
    """A second record of the evidence file (a repeated delivery) keeps the first."""
    key = _report(service, 5_000)
    first = AttachedFile(name=f"{key}-evidence.txt", slack_file_id="F1", permalink="https://a/F1")
    service.add_evidence_file(key, first)
    service.add_evidence_file(key, AttachedFile(name="again.txt", slack_file_id="F2"))
    posted = service.detail(key).evidence_file
    assert posted is not None and (posted.slack_file_id, posted.kind) == ("F1", "evidence")
    with service.db.session() as session:
        rows = session.scalars(select(IncidentFile)).all()
    assert len(rows) == 1
