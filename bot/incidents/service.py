"""The incident service: report, read, search and work incidents. No Slack in here.

Every change is one transaction that also writes an ``Event`` with the actor, so the
timeline is complete. Time comes from the injected clock.

It is one class because it is the one door to the incident domain: every operation the
Slack listeners, the command line and the intake call is a method here, one transaction
each. What a method needs beyond that transaction lives beside it: the values it takes and
gives (``records``), validation, the rows a report writes (``reporting``, ``rows``),
reading (``queries``), search (``search``) and what each change writes (``changes``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.incidents import (
    changes,
    details,
    judged,
    lifecycle,
    notices,
    queries,
    reporting,
    rows,
    search,
    validation,
)
from bot.incidents.attachments import evidence_limit
from bot.incidents.duplicates import (
    DuplicateMatch,
    Fingerprint,
    ReportMatches,
    duplicates_for_report,
    duplicates_in,
)
from bot.incidents.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleAssignment,
)
from bot.incidents.filters import IncidentFilter
from bot.incidents.ports import Checker
from bot.incidents.recent import RecentResults
from bot.incidents.records import (
    UNCHECKED,
    AttachedFile,
    IncidentDetail,
    ReportOutcome,
    ReportRequest,
    Unchecked,
)
from bot.incidents.titles import make_title, masked_title
from bot.masking.redaction import Redactor, default_redactor
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.models import Event, Evidence, Incident

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.permissions import Permissions


class IncidentService:
    """Reports and works incidents in one database."""

    def __init__(
        self,
        *,
        db: Database,
        checker: Checker,
        clock: Clock,
        key_prefix: str,
        on_notice: Callable[[], None] = lambda: None,
        redactor: Redactor | None = None,
        webhook_targets: Sequence[str] = (),
        judge_reviews: bool = False,
        judge_restricted: bool = False,
    ) -> None:
        """``webhook_targets`` name the webhook URLs every report and change is also sent to
        (``bot.webhooks``); with ``judge_reviews`` each new incident (a restricted one only
        with ``judge_restricted``) is queued for the judge's second opinion (``bot.judge``)."""
        self.db = db
        # What is masked wherever incidents are shown, and so never matched by a search.
        self.redactor = redactor or default_redactor()
        self.checker = checker
        self.clock = clock
        self.key_prefix = key_prefix
        self.on_notice = on_notice
        self.webhook_targets = tuple(webhook_targets)
        self.judge_reviews = judge_reviews
        self.judge_restricted = judge_restricted
        self._fingerprint = RecentResults(Fingerprint.of)

    # --- intake -------------------------------------------------------------------------

    def check(self, text: str, *, files: Sequence[AttachedFile] = ()) -> CheckResult:
        """Run the quick checks on a text (with the text of ``files`` read into it) without
        storing anything."""
        limit = evidence_limit(files, validation.MAX_EVIDENCE_CHARS)
        return self.checker.run(validation.validated_text(text, limit))

    def validate(self, request: ReportRequest) -> None:
        """Raise ``InvalidInput`` if ``report`` would refuse ``request``; runs no checks."""
        limit = evidence_limit(request.files, validation.MAX_EVIDENCE_CHARS)
        validation.validated_text(request.text, limit)
        validation.validate_request(request)

    def report(
        self,
        request: ReportRequest,
        *,
        also: Callable[[Session], object] | None = None,
        checks: CheckResult | None = None,
    ) -> ReportOutcome:
        """Store a new incident, or return the one already stored under the same key.

        ``also`` runs inside the transaction that stores a new incident (intake deletes the
        submission it came from there). ``checks`` are those already run on ``request.text``
        (by the report form); without them the checks run here.
        """
        note = validation.nul_note(request.text)
        request = validation.without_nul(request)
        self.validate(request)
        text = request.text
        result = checks if checks is not None else self.checker.run(text)
        fingerprint = self._fingerprint(text)
        with self.db.session() as session:  # one read for both lookups
            if request.idempotency_key:
                existing = queries.by_idempotency_key(session, request.idempotency_key)
                if existing is not None:
                    return ReportOutcome(incident=existing, created=False)
            matches = duplicates_for_report(session, fingerprint, reporter=request.reporter_id)
        try:
            incident = self._store(request, text, result, note, fingerprint, also, matches)
        except IntegrityError:
            existing = self._by_idempotency_key(request.idempotency_key or "")
            if existing is None:
                raise
            return ReportOutcome(incident=existing, created=False)
        return ReportOutcome(incident=incident, created=True, check=result, duplicates=matches.team)

    def _store(
        self,
        request: ReportRequest,
        text: str,
        result: CheckResult,
        note: str | None,
        fingerprint: Fingerprint,
        also: Callable[[Session], object] | None,
        matches: ReportMatches,
    ) -> Incident:
        now = self.clock.now()
        categories = validation.chosen_categories(request.categories, result)
        with self.db.write() as session:
            notices.send_webhooks(session, self.webhook_targets)
            if self.judge_reviews:
                notices.review_by_judge(session, restricted=self.judge_restricted)
            if also is not None:
                also(session)
            incident = reporting.add_incident(
                session,
                request,
                text=text,
                result=result,
                title=self._title(request, text, result),
                categories=categories,
                note=note,
                fingerprint=fingerprint,
                key_prefix=self.key_prefix,
                now=now,
                matches=matches,
            )
        self.on_notice()
        return incident

    def _title(self, request: ReportRequest, text: str, result: CheckResult) -> str:
        typed = (request.title or "").strip()[:300]
        if not typed:
            return make_title(text, result)
        return masked_title(typed, text, result, self.checker.run(typed))

    def reported(self, idempotency_key: str) -> str | None:
        """The key of the incident a report with ``idempotency_key`` became, if it is stored."""
        incident = self._by_idempotency_key(idempotency_key)
        return incident.key if incident is not None else None

    def _by_idempotency_key(self, key: str) -> Incident | None:
        with self.db.session() as session:
            return queries.by_idempotency_key(session, key)

    # --- duplicates ---------------------------------------------------------------------

    def find_duplicates(
        self, text: str, *, limit: int = 3, reader: str | None = None
    ) -> list[DuplicateMatch]:
        """Stored incidents whose evidence is the same text, or nearly the same; with a
        ``reader``, only those that user may see (``bot.incidents.duplicates``)."""
        return self._duplicates(self._fingerprint(text), limit=limit, reader=reader)

    def duplicates_of(
        self, evidence: Evidence, *, limit: int = 3, reader: str | None = None
    ) -> list[DuplicateMatch]:
        """As ``find_duplicates`` for stored evidence, from the hashes stored with it."""
        stored = Fingerprint.stored(evidence) or self._fingerprint(evidence.text)
        return self._duplicates(stored, limit=limit, reader=reader)

    def _duplicates(
        self, fingerprint: Fingerprint, *, limit: int, reader: str | None
    ) -> list[DuplicateMatch]:
        with self.db.session() as session:
            return duplicates_in(session, fingerprint, limit=limit, reader=reader)

    # --- reading ------------------------------------------------------------------------

    def get(self, key: str) -> Incident:
        """The incident with ``key`` (any case), or NotFound."""
        with self.db.session() as session:
            return queries.load(session, key)

    def detail(self, key: str) -> IncidentDetail:
        """The incident with its evidence, categories, findings, timeline and links."""
        with self.db.session() as session:
            return queries.detail(session, queries.load(session, key))

    def detail_by_id(self, incident_id: int) -> IncidentDetail:
        """As ``detail``, by the incident's row id (what outbox notices carry)."""
        with self.db.session() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"There is no incident with id {incident_id}.")
            return queries.detail(session, incident)

    def categories(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """The categories of each incident id."""
        with self.db.session() as session:
            return queries.categories_of(session, ids)

    def list_incidents(
        self, where: IncidentFilter, *, limit: int = 50, offset: int = 0
    ) -> list[Incident]:
        """Incidents matching ``where``, newest first."""
        statement = queries.filtered(select(Incident), where)
        statement = statement.order_by(col(Incident.id).desc()).offset(offset).limit(limit)
        with self.db.session() as session:
            return list(session.scalars(statement).all())

    def count(self, where: IncidentFilter) -> int:
        """How many incidents match ``where``."""
        statement = queries.filtered(select(func.count()).select_from(Incident), where)
        with self.db.session() as session:
            return int(session.execute(statement).scalar_one())

    def search(
        self, words: str, *, limit: int = 20, include_restricted: bool = False
    ) -> list[Incident]:
        """Incidents whose title or evidence contains every word, newest first.

        A match only inside a credential or a piece of personal data does not count: the
        candidates are fetched a page at a time and searched again in their masked form.
        """
        return search.find(
            self.db, self.redactor, words, limit=limit, include_restricted=include_restricted
        )

    # --- working an incident ------------------------------------------------------------

    def transition(
        self,
        key: str,
        target: str,
        *,
        actor: str,
        resolution: str | None = None,
        summary: str | None = None,
        expected: str | None = None,
    ) -> Incident:
        """Move an incident along the lifecycle; ``expected`` refuses a change to a stale view."""
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            if expected is not None and incident.status != expected:
                raise InvalidTransition(
                    f"{incident.key} is {incident.status} now (it was {expected} when you looked); "
                    "nothing was changed."
                )
            lifecycle.check_transition(incident.status, target, resolution=resolution)
            changes.set_status(
                session,
                incident,
                target,
                actor=actor,
                resolution=resolution,
                summary=summary,
                now=self.clock.now(),
            )
        return incident

    def acknowledge(self, key: str, *, actor: str) -> Incident:
        """Acknowledge a new incident; a second acknowledgement is refused."""
        return self.transition(key, "acknowledged", actor=actor, expected="new")

    def reopen(self, key: str, *, actor: str, note: str | None = None) -> Incident:
        """Reopen a closed incident; it goes back to acknowledged and the close is cleared."""
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            changes.reopen(session, incident, actor=actor, note=note, now=self.clock.now())
        return incident

    def assign(
        self,
        key: str,
        assignee_id: str | None,
        *,
        actor: str,
        expected: str | Unchecked | None = UNCHECKED,
    ) -> Incident:
        """Assign (or with ``None`` unassign) an incident; ``expected`` (the assignee the
        actor saw, None for nobody) refuses the change when someone else assigned it since."""
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            if not isinstance(expected, Unchecked) and incident.assignee_id != expected:
                raise StaleAssignment(incident.key, incident.assignee_id)
            changes.assign(session, incident, assignee_id, actor=actor, now=self.clock.now())
        return incident

    def set_severity(
        self, key: str, severity: str, *, actor: str, reason: str | None = None
    ) -> Incident:
        """Change the severity the triage team decided on; ``reason`` goes on the timeline."""
        reason = changes.severity_reason(severity, reason)
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            now = self.clock.now()
            changes.set_severity(session, incident, severity, actor=actor, reason=reason, now=now)
        return incident

    def add_note(self, key: str, note: str, *, actor: str) -> Event:
        """Add a note to the timeline."""
        text = changes.note_text(note)
        with self._changing() as session:
            incident = queries.load(session, key)
            event = changes.add_note(session, incident, text, actor=actor, now=self.clock.now())
        return event

    def edit_details(
        self, key: str, *, actor: str, rules: Permissions, **values: str | int | None
    ) -> Event | None:
        """Change the model and sample details named in ``values`` (``bot.incidents.details``):
        triage team only; only what differs is written, with one event (``None``: no change)."""
        rules.require_triage(actor, key, "edit the details of")
        stored = details.validated(values)
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            return details.apply(session, incident, stored, actor=actor, now=self.clock.now())

    def apply_judge_categories(self, key: str, *, actor: str, rules: Permissions) -> Event | None:
        """Set the incident's categories to the judge's (``bot.incidents.judged``): triage team
        only; one event, or None when they are the judge's already."""
        rules.require_triage(actor, key, "apply the judge's categories to")
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            return judged.apply_categories(session, incident, actor=actor, now=self.clock.now())

    def mark_duplicate(self, key: str, of_key: str, *, actor: str) -> Incident:
        """Close ``key`` as a duplicate of ``of_key`` (followed to its root), linking both ways."""
        with self._changing() as session:
            incident = queries.load(session, key, lock=True)
            root = queries.root(session, queries.load(session, of_key))
            changes.merge(session, incident, root, actor=actor, now=self.clock.now())
        return incident

    def stop_reporter_updates(self, key: str, *, actor: str) -> Incident:
        """Send the reporter no more DMs about ``key``; only the reporter may ask."""
        with self.db.write() as session:
            incident = queries.load(session, key, lock=True)
            if actor != incident.reporter_id:
                raise PermissionDenied(
                    f"Only the reporter of {incident.key} can turn off its updates."
                )
            if not incident.reporter_updates:
                raise InvalidTransition(
                    f"Updates about {incident.key} are already off; nothing was changed."
                )
            incident.reporter_updates = False
            session.add(incident)
        return incident

    @contextmanager
    def _changing(self) -> Iterator[Session]:
        """A write whose notices are handed to delivery once it has committed."""
        with self.db.write() as session:
            notices.send_webhooks(session, self.webhook_targets)
            yield session
        self.on_notice()

    def set_permalink(self, key: str, permalink: str) -> None:
        """Remember the link to the message the incident was reported from."""
        with self.db.write() as session:
            incident = queries.load(session, key)
            incident.source_permalink = permalink[:500]
            session.add(incident)

    def add_evidence_file(self, key: str, posted: AttachedFile) -> None:
        """Remember the file of the whole evidence in the triage post's thread; only the
        first is kept, so a repeated delivery records it once."""
        with self.db.write() as session:
            incident = queries.load(session, key)
            assert incident.id is not None
            if queries.evidence_file(session, incident.id) is None:
                session.add(rows.evidence_file_row(incident.id, posted))

    def set_post(self, key: str, *, channel: str, ts: str) -> None:
        """Remember where the incident's triage post is, to edit it later."""
        with self.db.write() as session:
            incident = queries.load(session, key)
            incident.post_channel, incident.post_ts = channel, ts
            session.add(incident)
