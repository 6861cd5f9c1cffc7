"""Reports accepted within Slack's 3 seconds, made incidents right after the ack.

A submission is validated and stored as it came (one row, committed) before Slack gets its
answer; a worker thread then runs the checks and stores the incident, deleting the row in
the same transaction. So the ack costs one small write however busy the bot is, and a report
survives a crash between the ack and its incident. A report whose text is its draft's points
at the draft instead of copying it; the draft goes in the incident's transaction too, so the
text is held in one row at any time (the draft's, then the evidence's).

A row left behind (the process died, the database failed mid-report) is taken up again when
its ``next_attempt_at`` passes, by this process or another replica, and by every process
when it starts. Two processes may then work the same row at once; the incident's
idempotency key makes the second one find the first one's incident, so it is stored once.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.incidents import carried_checks
from bot.incidents.drafts import owned_draft
from bot.incidents.records import AttachedFile, ReportOutcome, ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime import logs
from bot.runtime.clock import Clock
from bot.runtime.retry import RetryPolicy
from bot.runtime.worker import Worker
from bot.store.db import Database
from bot.store.models import Draft, PendingReport

if TYPE_CHECKING:
    from bot.checks import CheckResult

log = logging.getLogger(__name__)

# A row accepted here is worked from memory at once; others wait this long before taking it.
GRACE = timedelta(seconds=60)
# Waits of 2, 4, 8 … seconds, at most ten minutes; a report is never given up.
DEFAULT_RETRY = RetryPolicy(base_delay=2.0, max_delay=600.0)
STUCK_AFTER = 5  # failed attempts (about a minute) before the reporter is told


class Intake:
    """Accepts reports (``accept``) and turns them into incidents (``run_once`` or a thread)."""

    def __init__(
        self,
        *,
        db: Database,
        incidents: IncidentService,
        clock: Clock,
        poll_seconds: float = 5.0,
        policy: RetryPolicy = DEFAULT_RETRY,
        on_created: Callable[[ReportOutcome], None] = lambda outcome: None,
        on_stuck: Callable[[ReportRequest], None] = lambda request: None,
    ) -> None:
        """``on_created`` hears of each new incident; ``on_stuck`` is told once, when a report
        has failed STUCK_AFTER times (its reporter should know)."""
        self.db = db
        self.incidents = incidents
        self.clock = clock
        self.policy = policy
        self.on_created = on_created
        self.on_stuck = on_stuck
        # Accepted here, worked from memory; with its draft's checks and the log context.
        self._accepted: deque[tuple[Waiting, dict[str, str]]] = deque()
        self._worker = Worker("safetybot-intake", self._round, poll_seconds=poll_seconds)
        self._starting = True

    # --- before the ack -----------------------------------------------------------------

    def accept(
        self, request: ReportRequest, *, draft: Draft | None = None, wake: bool = True
    ) -> bool:
        """Store ``request`` for the worker, or raise ``InvalidInput`` and store nothing.

        With the ``draft`` it came from, the row points at the draft's text when it is the
        request's, and the incident reuses the checks the form ran on it. Without ``wake``,
        the worker waits for ``wake()`` (the caller's ack first). Returns False when a report
        with the same idempotency key is already waiting.
        """
        try:
            with self.db.write() as session:
                waiting = self._insert(session, request, draft)
        except IntegrityError:
            return False
        return self._accepted_here(waiting, wake=wake)

    def accept_draft(
        self,
        draft_id: str,
        *,
        user_id: str,
        request_of: Callable[[Draft], ReportRequest],
        wake: bool = True,
    ) -> bool:
        """As ``accept`` for the report ``request_of`` makes of ``user_id``'s draft, reading
        the draft and storing the row in one transaction (``NotFound`` when it is gone)."""
        try:
            with self.db.write() as session:
                draft = owned_draft(session, draft_id, user_id=user_id, checks=False, hold=True)
                waiting = self._insert(session, request_of(draft), draft)
        except IntegrityError:
            return False
        return self._accepted_here(waiting, wake=wake)

    def _insert(self, session: Session, request: ReportRequest, draft: Draft | None) -> Waiting:
        """Add the waiting row of ``request`` to ``session``; what the worker will take."""
        if not request.idempotency_key:
            raise ValueError("an accepted report needs an idempotency key")
        self.incidents.validate(request)
        now = self.clock.now()
        stored = asdict(request)
        same = draft is not None and draft.text == request.text
        if same:
            del stored["text"]
        row = PendingReport(
            idempotency_key=request.idempotency_key,
            request=stored,
            draft_id=draft.id if draft is not None else None,
            received_at=now,
            next_attempt_at=now + GRACE,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return Waiting(row.id, request, draft.id if same and draft is not None else None)

    def _accepted_here(self, waiting: Waiting, *, wake: bool) -> bool:
        self._accepted.append((waiting, logs.context()))
        if wake:
            self.wake()
        return True

    def wake(self) -> None:
        """Have the worker take the reports accepted here now."""
        self._worker.kick()

    # --- after the ack ------------------------------------------------------------------

    def run_once(self, *, every: bool = False) -> int:
        """Make incidents of the reports accepted here, then of any due ones (all of them
        when ``every``); returns how many were worked."""
        worked = 0
        while self._accepted and not self._worker.stopping.is_set():
            accepted, context = self._accepted.popleft()
            with logs.bound(**context):
                self._work(accepted)
            worked += 1
        for row_id in self._due(every=every):
            if self._worker.stopping.is_set():
                break
            waiting = self._waiting(row_id)
            if waiting is not None:
                self._work(waiting)
                worked += 1
        return worked

    def depth(self) -> int:
        """How many accepted reports are not incidents yet."""
        return reports_waiting(self.db)

    def _due(self, *, every: bool) -> list[int]:
        query = select(col(PendingReport.id)).order_by(col(PendingReport.id)).limit(1000)
        if not every:
            query = query.where(col(PendingReport.next_attempt_at) <= self.clock.now())
        with self.db.session() as session:
            return [row_id for row_id in session.scalars(query).all() if row_id is not None]

    def _waiting(self, row_id: int) -> Waiting | None:
        """The report still waiting as ``row_id``; None once another process stored it."""
        with self.db.session() as session:
            row = session.get(PendingReport, row_id)
            return _waiting_of(session, row) if row is not None else None

    def _work(self, waiting: Waiting) -> None:
        row_id, request = waiting.row_id, waiting.request
        with logs.bound(submission=request.idempotency_key):
            try:
                checks = self._draft_checks(waiting.draft_id)
                outcome = self.incidents.report(request, also=_deleting(row_id), checks=checks)
            except Exception as exc:
                self._failed(row_id, request, exc)
                return
            with logs.bound(incident=outcome.incident.key):
                if not outcome.created:  # a repeat, or another process stored it first
                    with self.db.write() as session:
                        _deleting(row_id)(session)
                    log.info("%s submitted again; it is already stored", request.idempotency_key)
                    return
                log.info("report %s stored", request.idempotency_key)
            self.on_created(outcome)

    def _draft_checks(self, draft_id: str | None) -> CheckResult | None:
        """The checks the report's form ran on its text, kept with its draft."""
        if draft_id is None:
            return None
        with self.db.session() as session:
            stored = session.scalar(select(col(Draft.checks)).where(col(Draft.id) == draft_id))
        return carried_checks.from_json(stored) if stored else None

    def _failed(self, row_id: int, request: ReportRequest, error: Exception) -> None:
        """Keep the report and try again later, waiting longer after each failure."""
        with self.db.write() as session:
            row = session.get(PendingReport, row_id)
            if row is None:
                return
            row.attempts += 1
            delay = self.policy.delay(row.attempts)
            row.next_attempt_at = self.clock.now() + timedelta(seconds=delay)
            row.last_error = f"{type(error).__name__}: {error}"[:300]
            session.add(row)
            attempts = row.attempts
        level = logging.ERROR if attempts >= 5 else logging.WARNING
        log.log(
            level,
            "report waiting as %s could not be stored (attempt %d, retry in %.0f s)",
            row_id,
            attempts,
            delay,
            exc_info=error,
        )
        if attempts == STUCK_AFTER:
            try:
                self.on_stuck(request)
            except Exception:
                log.exception("could not tell the reporter that their report waits")

    # --- the worker thread --------------------------------------------------------------

    def start(self) -> None:
        """Work reports in a background thread until ``stop``; every waiting one first."""
        self._starting = True
        self._worker.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the report being stored, then stop; the rest waits in the table."""
        self._worker.stop(timeout)

    def _round(self) -> None:
        # At start, whatever a stopped process left behind, however recent.
        self.run_once(every=self._starting)
        self._starting = False


def reports_waiting(db: Database) -> int:
    """How many accepted reports in ``db`` are not incidents yet (any process's)."""
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(PendingReport)) or 0)


@dataclass(frozen=True)
class Waiting:
    """A report waiting to be stored as ``row_id``; ``draft_id`` when its text is that draft's
    (whose checks it reuses)."""

    row_id: int
    request: ReportRequest
    draft_id: str | None = None


def _waiting_of(session: Session, row: PendingReport) -> Waiting:
    """The stored request, with its draft's text and checks where it points at it; fields a
    later version no longer has are left out."""
    known = {f.name for f in fields(ReportRequest)}
    stored: dict[str, Any] = {k: v for k, v in row.request.items() if k in known}
    stored["files"] = tuple(AttachedFile.of(f) for f in stored.get("files") or ())
    assert row.id is not None
    if "text" in stored:
        return Waiting(row.id, ReportRequest(**stored))
    draft = session.get(Draft, row.draft_id) if row.draft_id else None
    if draft is None:  # drafts.purge keeps a waiting report's draft
        raise LookupError(f"the draft of the report waiting as {row.id} is missing")
    return Waiting(row.id, ReportRequest(**stored, text=draft.text), draft.id)


def _deleting(row_id: int) -> Callable[[Session], object]:
    """Deletes the waiting row and the draft it came from, with the incident."""

    def delete_row(session: Session) -> object:
        draft_id = select(col(PendingReport.draft_id)).where(col(PendingReport.id) == row_id)
        session.execute(delete(Draft).where(col(Draft.id) == draft_id.scalar_subquery()))
        return session.execute(delete(PendingReport).where(col(PendingReport.id) == row_id))

    return delete_row
