"""The incident service: report, read, search and work incidents. No Slack in here.

Every change is one transaction that also writes an ``Event`` with the actor, so the
timeline is complete. Time comes from the injected clock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import (
    Select,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.incidents import lifecycle, notices
from bot.incidents.duplicates import DuplicateMatch, Fingerprint, duplicates_in
from bot.incidents.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from bot.incidents.filters import IncidentFilter
from bot.incidents.recent import RecentResults
from bot.incidents.titles import make_title, masked_title
from bot.masking import masked_search
from bot.masking.redaction import Redactor, default_redactor
from bot.runtime.clock import Clock
from bot.store import text_search
from bot.store.db import Database
from bot.store.dialect import conflict_insert
from bot.store.models import (
    SEEN_IN,
    SEVERITIES,
    Event,
    Evidence,
    EvidenceBand,
    Finding,
    Incident,
    IncidentCategory,
    KeyCounter,
)

if TYPE_CHECKING:
    from bot.checks import CheckResult

MAX_EVIDENCE_CHARS = 1_048_576
MAX_PROMPT_CHARS = 1_048_576
_MASKED = ("secrets", "pii")  # quoted findings stored for masking only
NUL_STAND_IN = "\u2400"  # PostgreSQL text cannot hold NUL; shown as the ␀ symbol instead


class Checker(Protocol):
    """The quick checks, as the service needs them."""

    def run(self, text: str) -> CheckResult: ...


class Unchecked:
    """The default of a precondition nobody asked for."""


UNCHECKED = Unchecked()


class StaleAssignment(InvalidTransition):
    """The incident was assigned by someone else after the actor last saw it."""

    def __init__(self, key: str, assignee_id: str | None) -> None:
        who = assignee_id or "nobody"
        super().__init__(f"{key} was just assigned to {who}; nothing was changed.")
        self.assignee_id = assignee_id


@dataclass(frozen=True)
class ReportRequest:
    """Everything a reporter tells us; ``None`` severity/categories means "as suggested"."""

    text: str
    reporter_id: str
    prompt: str | None = None
    title: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    seen_in: str = "other"
    categories: Sequence[str] | None = None
    severity: str | None = None
    restricted: bool = False
    source_channel: str | None = None
    source_ts: str | None = None
    source_permalink: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ReportOutcome:
    """The incident a report became, whether it is new, and what it may duplicate."""

    incident: Incident
    created: bool
    check: CheckResult | None = None
    duplicates: list[DuplicateMatch] = field(default_factory=list)


@dataclass(frozen=True)
class IncidentDetail:
    """An incident with everything shown on its page."""

    incident: Incident
    evidence: Evidence
    categories: list[str]
    findings: list[Finding]
    events: list[Event]
    duplicate_of: str | None
    duplicates: list[str]


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
    ) -> None:
        self.db = db
        # What is masked wherever incidents are shown, and so never matched by a search.
        self.redactor = redactor or default_redactor()
        self.checker = checker
        self.clock = clock
        self.key_prefix = key_prefix
        self.on_notice = on_notice
        self._fingerprint = RecentResults(Fingerprint.of)

    # --- intake -------------------------------------------------------------------------

    def check(self, text: str) -> CheckResult:
        """Run the quick checks on a text without storing anything."""
        return self.checker.run(_validated_text(text))

    def validate(self, request: ReportRequest) -> None:
        """Raise ``InvalidInput`` if ``report`` would refuse ``request``; runs no checks."""
        _validated_text(request.text)
        _validate_request(request)

    def report(
        self, request: ReportRequest, *, also: Callable[[Session], object] | None = None
    ) -> ReportOutcome:
        """Store a new incident, or return the one already stored under the same key.

        ``also`` runs inside the transaction that stores a new incident (intake deletes the
        submission it came from there).
        """
        note = _nul_note(request.text)
        request = _without_nul(request)
        self.validate(request)
        text = request.text
        result = self.checker.run(text)
        fingerprint = self._fingerprint(text)
        with self.db.session() as session:  # one read for both lookups
            if request.idempotency_key:
                existing = _by_idempotency_key(session, request.idempotency_key)
                if existing is not None:
                    return ReportOutcome(incident=existing, created=False)
            duplicates = duplicates_in(session, fingerprint)
        try:
            incident = self._store(request, text, result, note, fingerprint, also)
        except IntegrityError:
            existing = self._by_idempotency_key(request.idempotency_key or "")
            if existing is None:
                raise
            return ReportOutcome(incident=existing, created=False)
        return ReportOutcome(incident=incident, created=True, check=result, duplicates=duplicates)

    def _store(
        self,
        request: ReportRequest,
        text: str,
        result: CheckResult,
        note: str | None,
        fingerprint: Fingerprint,
        also: Callable[[Session], object] | None,
    ) -> Incident:
        now = self.clock.now()
        categories = _chosen_categories(request.categories, result)
        with self.db.write() as session:
            if also is not None:
                also(session)
            incident = Incident(
                # Numbered last (below), so the key counter's row lock is held only until
                # the commit, not while the rows of the report are written. The provisional
                # key and number are never committed; on PostgreSQL two equal provisional
                # numbers only make the second insert wait for the first commit.
                key=f"~{secrets.token_hex(11)}",
                prefix=self.key_prefix,
                number=-1 - secrets.randbits(30),
                title=self._title(request, text, result),
                severity=_chosen_severity(request.severity, result),
                suggested_severity=result.severity,
                check_reason=result.reason[:500],
                restricted=request.restricted,
                model_name=_clean(request.model_name),
                model_version=_clean(request.model_version),
                seen_in=request.seen_in,
                reporter_id=request.reporter_id,
                source_channel=request.source_channel,
                source_ts=request.source_ts,
                source_permalink=request.source_permalink,
                created_at=now,
                updated_at=now,
                idempotency_key=request.idempotency_key,
            )
            session.add(incident)
            session.flush()
            assert incident.id is not None
            self._store_evidence(session, incident.id, request, text, fingerprint)
            if categories:
                session.execute(
                    insert(IncidentCategory),
                    [{"incident_id": incident.id, "category": c} for c in categories],
                )
            session.add_all(_finding_rows(incident.id, result))
            session.add(
                _event(incident.id, request.reporter_id, "reported", now, to="new", note=note)
            )
            notices.reported(session, incident, now)
            incident.number = self._next_number(session)
            incident.key = f"{self.key_prefix}-{incident.number}"
        self.on_notice()
        return incident

    def _title(self, request: ReportRequest, text: str, result: CheckResult) -> str:
        typed = (request.title or "").strip()[:300]
        if not typed:
            return make_title(text, result)
        return masked_title(typed, text, result, self.checker.run(typed))

    def _store_evidence(
        self,
        session: Session,
        incident_id: int,
        request: ReportRequest,
        text: str,
        fingerprint: Fingerprint,
    ) -> None:
        session.add(
            Evidence(
                incident_id=incident_id,
                text=text,
                prompt=request.prompt,
                content_hash=fingerprint.digest,
                minhash=fingerprint.signature,
            )
        )
        # Core executemany: sixteen rows per report, without building ORM objects.
        session.execute(
            insert(EvidenceBand),
            [
                {"incident_id": incident_id, "band": i, "value": v}
                for i, v in enumerate(fingerprint.bands)
            ],
        )

    def _next_number(self, session: Session) -> int:
        """Take the next number for the prefix in one statement; the upsert's row lock makes
        it gap-free under concurrency."""
        statement = (
            conflict_insert(session, KeyCounter)
            .values(prefix=self.key_prefix, last_number=1)
            .on_conflict_do_update(
                index_elements=[col(KeyCounter.prefix)],
                set_={"last_number": KeyCounter.last_number + 1},
            )
            .returning(col(KeyCounter.last_number))
        )
        return int(session.execute(statement).scalar_one())

    def _by_idempotency_key(self, key: str) -> Incident | None:
        with self.db.session() as session:
            return _by_idempotency_key(session, key)

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
            return _load(session, key)

    def detail(self, key: str) -> IncidentDetail:
        """The incident with its evidence, categories, findings, timeline and links."""
        with self.db.session() as session:
            return _detail(session, _load(session, key))

    def detail_by_id(self, incident_id: int) -> IncidentDetail:
        """As ``detail``, by the incident's row id (what outbox notices carry)."""
        with self.db.session() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"There is no incident with id {incident_id}.")
            return _detail(session, incident)

    def categories(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """The categories of each incident id."""
        with self.db.session() as session:
            return categories_of(session, ids)

    def list_incidents(
        self, where: IncidentFilter, *, limit: int = 50, offset: int = 0
    ) -> list[Incident]:
        """Incidents matching ``where``, newest first."""
        statement = _filtered(select(Incident), where)
        statement = statement.order_by(col(Incident.id).desc()).offset(offset).limit(limit)
        with self.db.session() as session:
            return list(session.scalars(statement).all())

    def count(self, where: IncidentFilter) -> int:
        """How many incidents match ``where``."""
        statement = _filtered(select(func.count()).select_from(Incident), where)
        with self.db.session() as session:
            return int(session.execute(statement).scalar_one())

    def search(
        self, words: str, *, limit: int = 20, include_restricted: bool = False
    ) -> list[Incident]:
        """Incidents whose title or evidence contains every word, newest first.

        A match only inside a credential or a piece of personal data does not count: the
        candidates are fetched a page at a time and searched again in their masked form.
        """
        terms = [w for w in words.split() if w.strip()][:10]
        if not terms:
            raise InvalidInput("Give me some words to search for.")
        statement = select(Incident).join(Evidence, col(Evidence.incident_id) == col(Incident.id))
        if not include_restricted:
            statement = statement.where(col(Incident.restricted).is_(False))
        statement = statement.where(text_search.title_or_evidence_has(self.db.engine, terms))
        statement = statement.order_by(col(Incident.id).desc())
        page_size = max(2 * limit, 50)
        found: list[Incident] = []
        offset = 0
        with self.db.session() as session:
            while True:
                page = list(session.scalars(statement.offset(offset).limit(page_size)).all())
                kept = masked_search.survivors(session, terms, self._masked(session, page))
                found += [incident for incident, keep in zip(page, kept, strict=True) if keep]
                if len(found) >= limit or len(page) < page_size:
                    return found[:limit]
                offset += page_size

    def _masked(self, session: Session, page: list[Incident]) -> list[masked_search.Masked]:
        """Title and evidence of each incident of ``page`` as people see them."""
        ids = [i.id for i in page]
        texts = dict(
            session.execute(
                select(col(Evidence.incident_id), col(Evidence.text)).where(
                    col(Evidence.incident_id).in_(ids)
                )
            ).all()
        )
        spans: dict[int, list[tuple[int, int]]] = {}
        for incident_id, found in session.execute(
            select(col(Finding.incident_id), col(Finding.spans)).where(
                col(Finding.incident_id).in_(ids), col(Finding.category).in_(_MASKED)
            )
        ).all():
            spans.setdefault(incident_id, []).extend((int(a), int(b)) for a, b in found)
        return [
            masked_search.Masked(
                title=self.redactor.text(i.title),
                evidence=self.redactor.evidence(texts.get(i.id, ""), spans.get(i.id or 0, [])),
            )
            for i in page
        ]

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
            incident = _load(session, key, lock=True)
            if expected is not None and incident.status != expected:
                raise InvalidTransition(
                    f"{incident.key} is {incident.status} now (it was {expected} when you looked); "
                    "nothing was changed."
                )
            lifecycle.check_transition(incident.status, target, resolution=resolution)
            self._apply_status(session, incident, target, actor, resolution, summary)
        return incident

    def _apply_status(
        self,
        session: Session,
        incident: Incident,
        target: str,
        actor: str,
        resolution: str | None,
        summary: str | None,
    ) -> None:
        now = self.clock.now()
        before = incident.status
        incident.status = target
        incident.updated_at = now
        if target != "new" and incident.acknowledged_at is None:
            incident.acknowledged_at = now
        if target == "closed":
            incident.closed_at = now
            incident.resolution = resolution
            incident.resolution_summary = (summary or "").strip()[:300] or None
        session.add(incident)
        kind = "acknowledged" if target == "acknowledged" else "status"
        note = f"{resolution}: {summary}" if target == "closed" and summary else resolution
        event = _event(incident.id or 0, actor, kind, now, before, target, note=note)
        session.add(event)
        notices.changed(session, incident, [event], now)

    def acknowledge(self, key: str, *, actor: str) -> Incident:
        """Acknowledge a new incident; a second acknowledgement is refused."""
        return self.transition(key, "acknowledged", actor=actor, expected="new")

    def reopen(self, key: str, *, actor: str, note: str | None = None) -> Incident:
        """Reopen a closed incident; it goes back to acknowledged and the close is cleared."""
        with self._changing() as session:
            incident = _load(session, key, lock=True)
            if incident.status != "closed":
                raise InvalidTransition(f"{incident.key} is {incident.status}, not closed.")
            now = self.clock.now()
            incident.status, incident.closed_at = lifecycle.REOPEN_TO, None
            incident.resolution = incident.resolution_summary = None
            incident.duplicate_of_id = None
            incident.updated_at = now
            session.add(incident)
            event = _event(
                incident.id or 0, actor, "reopened", now, "closed", lifecycle.REOPEN_TO, note=note
            )
            session.add(event)
            notices.changed(session, incident, [event], now)
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
            incident = _load(session, key, lock=True)
            if not isinstance(expected, Unchecked) and incident.assignee_id != expected:
                raise StaleAssignment(incident.key, incident.assignee_id)
            if incident.assignee_id == assignee_id:
                who = f"<{assignee_id}>" if assignee_id else "nobody"
                raise InvalidTransition(f"{incident.key} is already assigned to {who}.")
            now = self.clock.now()
            before, incident.assignee_id, incident.updated_at = (
                incident.assignee_id,
                assignee_id,
                now,
            )
            session.add(incident)
            event = _event(incident.id or 0, actor, "assigned", now, before, assignee_id)
            session.add(event)
            notices.changed(session, incident, [event], now)
        return incident

    def set_severity(
        self, key: str, severity: str, *, actor: str, reason: str | None = None
    ) -> Incident:
        """Change the severity the triage team decided on; ``reason`` goes on the timeline."""
        if severity not in SEVERITIES:
            raise InvalidInput(
                f"Unknown severity '{severity}'. Use one of: {', '.join(SEVERITIES)}."
            )
        reason = (reason or "").replace("\x00", NUL_STAND_IN).strip() or None
        if reason and len(reason) > 300:
            raise InvalidInput(f"The reason is {len(reason):,} characters; the limit is 300.")
        with self._changing() as session:
            incident = _load(session, key, lock=True)
            if incident.severity == severity:
                raise InvalidTransition(f"{incident.key} is already {severity}.")
            now = self.clock.now()
            before, incident.severity, incident.updated_at = incident.severity, severity, now
            session.add(incident)
            event = _event(incident.id or 0, actor, "severity", now, before, severity, note=reason)
            session.add(event)
            notices.changed(session, incident, [event], now)
        return incident

    def add_note(self, key: str, note: str, *, actor: str) -> Event:
        """Add a note to the timeline."""
        text = (note or "").replace("\x00", NUL_STAND_IN).strip()
        if not text:
            raise InvalidInput("The note is empty.")
        if len(text) > 10_000:
            raise InvalidInput(f"The note is {len(text):,} characters; the limit is 10,000.")
        with self._changing() as session:
            incident = _load(session, key)
            now = self.clock.now()
            event = _event(incident.id or 0, actor, "note", now, note=text)
            session.add(event)
            notices.changed(session, incident, [event], now)
        return event

    def mark_duplicate(self, key: str, of_key: str, *, actor: str) -> Incident:
        """Close ``key`` as a duplicate of ``of_key`` (followed to its root), linking both ways."""
        with self._changing() as session:
            incident = _load(session, key, lock=True)
            root = _root(session, _load(session, of_key))
            if root.id == incident.id:
                raise InvalidInput(f"{incident.key} cannot be a duplicate of itself.")
            if incident.status == "closed":
                raise InvalidTransition(f"{incident.key} is closed; reopen it first.")
            now = self.clock.now()
            before = incident.status
            incident.status, incident.resolution, incident.duplicate_of_id = (
                "closed",
                "duplicate",
                root.id,
            )
            incident.closed_at = incident.updated_at = now
            if incident.acknowledged_at is None:
                incident.acknowledged_at = now
            session.add(incident)
            merged = _event(
                incident.id or 0,
                actor,
                "merged",
                now,
                before,
                root.key,
                note=f"duplicate of {root.key}",
            )
            linked = _event(root.id or 0, actor, "duplicate_linked", now, to=incident.key)
            session.add_all([merged, linked])
            notices.changed(session, incident, [merged], now)
            notices.changed(session, root, [linked], now)
        return incident

    def stop_reporter_updates(self, key: str, *, actor: str) -> Incident:
        """Send the reporter no more DMs about ``key``; only the reporter may ask."""
        with self.db.write() as session:
            incident = _load(session, key, lock=True)
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
            yield session
        self.on_notice()

    def set_permalink(self, key: str, permalink: str) -> None:
        """Remember the link to the message the incident was reported from."""
        with self.db.write() as session:
            incident = _load(session, key)
            incident.source_permalink = permalink[:500]
            session.add(incident)

    def set_post(self, key: str, *, channel: str, ts: str) -> None:
        """Remember where the incident's triage post is, to edit it later."""
        with self.db.write() as session:
            incident = _load(session, key)
            incident.post_channel, incident.post_ts = channel, ts
            session.add(incident)


# --- helpers --------------------------------------------------------------------------------


def _validated_text(text: str | None) -> str:
    if text is None or not text.strip():
        raise InvalidInput(
            "The model output is empty: paste the text that worries you.", field="evidence"
        )
    if len(text) > MAX_EVIDENCE_CHARS:
        raise InvalidInput(
            f"The text is {len(text):,} characters; the limit is {MAX_EVIDENCE_CHARS:,} (1 MB). "
            "Split it into several reports or keep the relevant part.",
            field="evidence",
        )
    return text


def _validate_request(request: ReportRequest) -> None:
    if request.seen_in not in SEEN_IN:
        raise InvalidInput(
            f"Unknown 'seen in' value '{request.seen_in}'. Use one of: {', '.join(SEEN_IN)}."
        )
    if request.severity is not None and request.severity not in SEVERITIES:
        raise InvalidInput(
            f"Unknown severity '{request.severity}'. Use one of: {', '.join(SEVERITIES)}."
        )
    if request.prompt and len(request.prompt) > MAX_PROMPT_CHARS:
        raise InvalidInput(
            f"The prompt is {len(request.prompt):,} characters; the limit is 1 MB.", field="prompt"
        )
    if not request.reporter_id.strip():
        raise InvalidInput("A report needs a reporter.")
    if request.categories is not None:
        _known_categories(request.categories)
    for name in ("model_name", "model_version"):
        value = getattr(request, name) or ""
        if len(value) > 200:
            raise InvalidInput(
                f"The {name.replace('_', ' ')} is longer than 200 characters.", field="model"
            )


def suggested_severity(result: CheckResult) -> str:
    """The severity the checks suggest: only confident categories suggest one (else "none")."""
    return result.severity if result.categories else "none"


def _chosen_categories(chosen: Sequence[str] | None, result: CheckResult) -> list[str]:
    """The reporter's choice; ``None`` (left as suggested): the confident categories only."""
    return _known_categories(result.categories if chosen is None else chosen)


def _chosen_severity(chosen: str | None, result: CheckResult) -> str:
    """The reporter's choice; ``None`` (left as suggested): :func:`suggested_severity`."""
    return suggested_severity(result) if chosen is None else chosen


def _known_categories(chosen: Sequence[str]) -> list[str]:
    from bot.checks import CATEGORIES

    picked = list(dict.fromkeys(chosen))
    unknown = [c for c in picked if c not in CATEGORIES]
    if unknown:
        raise InvalidInput(
            f"Unknown category {unknown[0]!r}. Use: {', '.join(CATEGORIES)}.", field="categories"
        )
    return picked


def _finding_rows(incident_id: int, result: CheckResult) -> list[Finding]:
    return [
        Finding(
            incident_id=incident_id,
            category=f.category,
            check_id=f.check_id,
            score=f.score,
            actuality=f.actuality,
            spans=[list(s) for s in f.spans],
            excerpt=f.excerpt.replace("\x00", NUL_STAND_IN),
        )
        # Secrets in quoted input (a tool result) are kept too, so every view can mask them.
        for f in [*result.findings, *(q for q in result.quoted_findings if q.category in _MASKED)]
    ]


def _without_nul(request: ReportRequest) -> ReportRequest:
    """PostgreSQL text cannot hold NUL, so every string is stored with ␀ in its place."""
    changes = {
        name: value.replace("\x00", NUL_STAND_IN)
        for name, value in vars(request).items()
        if isinstance(value, str) and "\x00" in value
    }
    return replace(request, **changes) if changes else request  # type: ignore[arg-type]


def _nul_note(text: str) -> str | None:
    count = text.count("\x00")
    return f"{count} NUL character(s) stored as {NUL_STAND_IN}" if count else None


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def _event(
    incident_id: int,
    actor: str,
    kind: str,
    at: datetime,
    before: str | None = None,
    to: str | None = None,
    *,
    note: str | None = None,
) -> Event:
    return Event(
        incident_id=incident_id,
        actor=actor,
        kind=kind,
        from_value=before,
        to_value=to,
        note=note,
        at=at,
    )


def _by_idempotency_key(session: Session, key: str) -> Incident | None:
    return session.scalars(select(Incident).where(col(Incident.idempotency_key) == key)).first()


def _load(session: Session, key: str, *, lock: bool = False) -> Incident:
    statement = select(Incident).where(col(Incident.key) == (key or "").strip().upper())
    if lock:
        statement = statement.with_for_update()
    incident = session.scalars(statement).first()
    if incident is None:
        raise NotFound(f"There is no incident {(key or '').strip()[:40]!r}.")
    return incident


def _detail(session: Session, incident: Incident) -> IncidentDetail:
    evidence = session.scalars(
        select(Evidence).where(col(Evidence.incident_id) == incident.id)
    ).one()
    findings = session.scalars(
        select(Finding).where(col(Finding.incident_id) == incident.id).order_by(col(Finding.id))
    ).all()
    events = session.scalars(
        select(Event).where(col(Event.incident_id) == incident.id).order_by(col(Event.id))
    ).all()
    duplicate_of = _key_of(session, incident.duplicate_of_id)
    duplicates = session.scalars(
        select(col(Incident.key)).where(col(Incident.duplicate_of_id) == incident.id)
    ).all()
    return IncidentDetail(
        incident=incident,
        evidence=evidence,
        categories=categories_of(session, [incident.id or 0])[incident.id or 0],
        findings=list(findings),
        events=list(events),
        duplicate_of=duplicate_of,
        duplicates=list(duplicates),
    )


def categories_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The categories of each incident id, within an open session."""
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            select(col(IncidentCategory.incident_id), col(IncidentCategory.category))
            .where(col(IncidentCategory.incident_id).in_(ids))
            .order_by(col(IncidentCategory.category))
        ).all()
        for incident_id, category in rows:
            out[incident_id].append(category)
    return out


def _root(session: Session, incident: Incident) -> Incident:
    """Follow ``duplicate_of`` links to the incident they end at; refuse a cycle."""
    seen = {incident.id}
    while incident.duplicate_of_id is not None:
        parent = session.get(Incident, incident.duplicate_of_id)
        if parent is None or parent.id in seen:
            raise InvalidInput(f"{incident.key} is in a cycle of duplicates; fix the links first.")
        seen.add(parent.id)
        incident = parent
    return incident


def _key_of(session: Session, incident_id: int | None) -> str | None:
    if incident_id is None:
        return None
    return session.execute(
        select(col(Incident.key)).where(col(Incident.id) == incident_id)
    ).scalar_one_or_none()


def _filtered(statement: Select[Any], where: IncidentFilter) -> Select[Any]:
    if where.statuses:
        statement = statement.where(col(Incident.status).in_(where.statuses))
    if where.severities:
        statement = statement.where(col(Incident.severity).in_(where.severities))
    if where.reporter_id:
        statement = statement.where(col(Incident.reporter_id) == where.reporter_id)
    if where.assignee_id:
        statement = statement.where(col(Incident.assignee_id) == where.assignee_id)
    if where.model:
        statement = statement.where(func.lower(col(Incident.model_name)) == where.model.lower())
    if where.since:
        statement = statement.where(col(Incident.created_at) >= where.since)
    if not where.include_restricted:
        statement = statement.where(col(Incident.restricted).is_(False))
    return statement
