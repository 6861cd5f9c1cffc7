"""Accepted reports: stored before the ack, made incidents after it, never lost or doubled."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, func, select
from sqlmodel import col

from bot.checks import CheckEngine, CheckResult
from bot.incidents.drafts import DraftStore, Source, checks_of
from bot.incidents.errors import InvalidInput
from bot.incidents.intake import GRACE, STUCK_AFTER, Intake
from bot.incidents.records import AttachedFile, ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import Draft, Event, Incident, PendingReport

THREAT = "Cancel the 5pm wipe or the board receives the emails. This stays between us."


def _intake(service: IncidentService) -> Intake:
    return Intake(db=service.db, incidents=service, clock=service.clock)


def _request(key: str = "view:V1", text: str = THREAT, **fields: object) -> ReportRequest:
    return ReportRequest(text=text, reporter_id="U1", idempotency_key=key, **fields)  # type: ignore[arg-type]


def _count(db: Database, table: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _row(db: Database) -> PendingReport:
    with db.session() as session:
        return session.scalars(select(PendingReport)).one()


class FailingChecker:
    """Checks that fail until told otherwise, like a database or a bug mid-report."""

    def __init__(self, checks: CheckEngine) -> None:
        self.checks = checks
        self.failing = True

    def run(self, text: str) -> CheckResult:
        if self.failing:
            raise RuntimeError("checks unavailable")
        return self.checks.run(text)


def test_accept_stores_the_submission_and_run_once_makes_the_incident(
    service: IncidentService,
) -> None:
    """Accepting writes one waiting row and no incident; working it stores AIS-1 and clears it."""
    intake = _intake(service)
    assert intake.accept(_request(title="Shutdown threat", model_name="m-1"))
    assert _count(service.db, Incident) == 0 and intake.depth() == 1
    assert intake.run_once() == 1
    incident = service.get("AIS-1")
    assert incident.title == "Shutdown threat" and incident.model_name == "m-1"
    assert incident.idempotency_key == "view:V1"
    assert intake.depth() == 0


def test_invalid_reports_are_refused_before_anything_is_stored(service: IncidentService) -> None:
    """Empty text, unknown severity or category raise InvalidInput and store nothing."""
    intake = _intake(service)
    for bad in (
        _request(text="   "),
        _request(severity="apocalyptic"),
        _request(categories=["coercion", "weather"]),
    ):
        with pytest.raises(InvalidInput):
            intake.accept(bad)
    assert intake.depth() == 0


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("model_name", 200),
        ("eval_name", 200),
        ("run_id", 200),
        ("sample_id", 200),
        ("source_file", 500),
    ],
)
def test_a_detail_longer_than_its_column_is_refused_before_anything_is_stored(
    service: IncidentService, field: str, limit: int
) -> None:
    """A model, eval, run, sample or source file longer than its column is refused with its
    limit named, and nothing waits; one exactly as long is accepted."""
    intake = _intake(service)
    with pytest.raises(InvalidInput, match=f"longer than {limit} characters"):
        intake.accept(_request(**{field: "x" * (limit + 1)}))
    assert intake.depth() == 0
    assert intake.accept(_request(**{field: "x" * limit}))


def test_a_submission_repeated_while_waiting_is_accepted_once(service: IncidentService) -> None:
    """The same idempotency key twice before the worker runs: one row, one incident."""
    intake = _intake(service)
    assert intake.accept(_request())
    assert not intake.accept(_request())
    intake.run_once()
    assert _count(service.db, Incident) == 1 and intake.depth() == 0


def test_a_submission_repeated_after_its_incident_clears_without_a_second(
    service: IncidentService,
) -> None:
    """A repeat that arrives after the incident exists is worked into nothing new."""
    intake = _intake(service)
    intake.accept(_request())
    intake.run_once()
    assert intake.accept(_request())
    intake.run_once()
    assert _count(service.db, Incident) == 1 and intake.depth() == 0


def test_a_failed_report_is_kept_and_retried_later(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """When storing fails the row stays with its error and a backoff; it is stored once due."""
    checker = FailingChecker(checks)
    service = IncidentService(db=db, checker=checker, clock=clock, key_prefix="AIS")
    intake = _intake(service)
    intake.accept(_request())
    intake.run_once()
    row = _row(db)
    assert row.attempts == 1 and "checks unavailable" in (row.last_error or "")
    assert (row.next_attempt_at - clock.now()).total_seconds() == 2
    checker.failing = False
    assert intake.run_once() == 0  # not due yet
    clock.advance(seconds=2)
    assert intake.run_once() == 1
    assert service.get("AIS-1").idempotency_key == "view:V1" and intake.depth() == 0


def test_backoff_doubles_and_is_capped(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """Each failure waits twice as long as the one before, never more than ten minutes."""
    service = IncidentService(db=db, checker=FailingChecker(checks), clock=clock, key_prefix="AIS")
    intake = _intake(service)
    intake.accept(_request())
    intake.run_once()
    waits = []
    for _ in range(11):
        row = _row(db)
        waits.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.at = row.next_attempt_at
        intake.run_once()
    assert waits[:4] == [2, 4, 8, 16] and max(waits) == 600
    assert _row(db).attempts == 12


def test_the_reporter_is_told_once_when_a_report_keeps_failing(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """After STUCK_AFTER failed attempts ``on_stuck`` hears of the report, and only then."""
    service = IncidentService(db=db, checker=FailingChecker(checks), clock=clock, key_prefix="AIS")
    told: list[str] = []
    intake = Intake(
        db=db,
        incidents=service,
        clock=clock,
        on_stuck=lambda request: told.append(request.reporter_id),
    )
    intake.accept(_request())
    intake.run_once()
    for attempt in range(2, STUCK_AFTER + 3):
        assert told == [] if attempt <= STUCK_AFTER else ["U1"]
        clock.at = _row(db).next_attempt_at
        intake.run_once()
        assert _row(db).attempts == attempt
    assert told == ["U1"] and intake.depth() == 1  # told once; the report is still kept


def test_another_process_leftovers_wait_for_grace_unless_starting(
    service: IncidentService, clock: FixedClock
) -> None:
    """A row this process did not accept is taken at start, or once its grace has passed."""
    _intake(service).accept(_request("view:V1"))
    _intake(service).accept(_request("view:V2", text=THREAT + " Again."))
    other = _intake(service)
    assert other.run_once() == 0
    assert other.run_once(every=True) == 2
    _intake(service).accept(_request("view:V3", text=THREAT + " Third."))
    assert other.run_once() == 0
    clock.advance(seconds=GRACE.total_seconds())
    assert other.run_once() == 1
    assert _count(service.db, Incident) == 3 and other.depth() == 0


def test_two_processes_working_the_same_rows_store_each_report_once(
    service: IncidentService,
) -> None:
    """Two intakes taking the same leftovers at once: every report once, keys 1..N."""
    accepting = _intake(service)
    for n in range(12):
        accepting.accept(_request(f"view:V{n}", text=f"{THREAT} Case {n}."))
    workers = [_intake(service), _intake(service)]
    threads = [threading.Thread(target=w.run_once, kwargs={"every": True}) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with service.db.session() as session:
        keys = sorted(session.scalars(select(Incident.number)).all())
        reported = _count(service.db, Event)
    assert keys == list(range(1, 13)) and reported == 12
    assert workers[0].depth() == 0


def test_nul_characters_survive_the_wait(service: IncidentService) -> None:
    """A text with NUL characters is stored like a direct report: ␀ in place, noted once."""
    intake = _intake(service)
    intake.accept(_request(text="before\x00after: cancel the wipe or else"))
    intake.run_once()
    detail = service.detail("AIS-1")
    assert detail.evidence.text == "before\u2400after: cancel the wipe or else"
    assert "1 NUL" in (detail.events[0].note or "")


def test_the_worker_thread_takes_leftovers_at_start_and_new_reports_at_once(
    service: IncidentService,
) -> None:
    """Started, the worker stores what a stopped process left and what is accepted later."""
    _intake(service).accept(_request("view:V1"))
    intake = _intake(service)
    intake.start()
    try:
        intake.accept(_request("view:V2", text=THREAT + " Again."))
        deadline = time.monotonic() + 30
        while _count(service.db, Incident) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        intake.stop()
    assert _count(service.db, Incident) == 2 and intake.depth() == 0


def test_a_repeat_reading_its_draft_while_the_first_copy_is_stored_does_not_fail(
    service: IncidentService,
) -> None:
    """A repeated submission holds its draft while it reads it: storing the first copy (which
    deletes the draft) waits, and the repeat is refused as a repeat instead of failing."""
    if service.db.is_sqlite:
        pytest.skip("SQLite writes take turns, so nothing can delete the draft meanwhile")
    drafts = DraftStore(db=service.db, clock=service.clock)
    draft_id = drafts.create(user_id="U1", text=THREAT, source=Source())
    intake = _intake(service)
    assert intake.accept(_request(), draft=drafts.get(draft_id, user_id="U1"))

    def delete_the_draft() -> None:  # what storing the first copy does with its draft
        with service.db.write() as session:
            session.execute(delete(Draft).where(col(Draft.id) == draft_id))

    storing = threading.Thread(target=delete_the_draft)

    def request_of(draft: Draft) -> ReportRequest:
        storing.start()
        storing.join(timeout=1.0)
        checks_of(draft)  # the form's submission reads the draft's checks
        return _request()

    assert intake.accept_draft(draft_id, user_id="U1", request_of=request_of) is False
    storing.join()
    assert _count(service.db, Draft) == 0 and _count(service.db, PendingReport) == 1


def test_a_waiting_report_keeps_its_files_and_eval_fields(service: IncidentService) -> None:
    """Files and eval fields survive the wait in the table and land on the incident."""
    intake = _intake(service)
    files = (
        AttachedFile(name="run.jsonl", filetype="jsonl", size=120, sha256="ab" * 32, read=True),
        AttachedFile(name="shot.png", filetype="png", size=9, note="an image: not read"),
    )
    request = _request(files=files, eval_name="agentic-shutdown", sample_id="s-7", epoch=2)
    assert intake.accept(request)
    _intake(service).run_once(every=True)  # another process: it reads the stored row
    detail = service.detail("AIS-1")
    assert [(f.name, f.read, f.position) for f in detail.files] == [
        ("run.jsonl", True, 0),
        ("shot.png", False, 1),
    ]
    assert detail.files[1].note == "an image: not read"
    assert (detail.incident.eval_name, detail.incident.sample_id, detail.incident.epoch) == (
        "agentic-shutdown",
        "s-7",
        2,
    )
