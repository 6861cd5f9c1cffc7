"""Reading incidents within an open session: by key (optionally locked for a change), with
their page, their categories, the root of a chain of duplicates, and filtered lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from bot.incidents.errors import InvalidInput, NotFound
from bot.incidents.filters import IncidentFilter
from bot.incidents.records import EVIDENCE_KIND, IncidentDetail
from bot.store.models import (
    Event,
    Evidence,
    Finding,
    Incident,
    IncidentCategory,
    IncidentFile,
)

CHECKS = "checks"  # the source of the quick checks' findings (a judge's is ``judge:<model>``)


def by_idempotency_key(session: Session, key: str) -> Incident | None:
    """The incident stored under an idempotency key, if any."""
    return session.scalars(select(Incident).where(col(Incident.idempotency_key) == key)).first()


def load(session: Session, key: str, *, lock: bool = False) -> Incident:
    """The incident with ``key`` (any case), optionally locked for a change; else NotFound."""
    statement = select(Incident).where(col(Incident.key) == (key or "").strip().upper())
    if lock:
        statement = statement.with_for_update()
    incident = session.scalars(statement).first()
    if incident is None:
        raise NotFound(f"There is no incident {(key or '').strip()[:40]!r}.")
    return incident


def evidence_file(session: Session, incident_id: int) -> IncidentFile | None:
    """The file of an incident's whole evidence that the bot posted, if it did."""
    return session.scalars(
        select(IncidentFile)
        .where(col(IncidentFile.incident_id) == incident_id)
        .where(col(IncidentFile.kind) == EVIDENCE_KIND)
    ).first()


def detail(session: Session, incident: Incident) -> IncidentDetail:
    """The incident with its evidence, categories, findings, timeline and links."""
    evidence = session.scalars(
        select(Evidence).where(col(Evidence.incident_id) == incident.id)
    ).one()
    findings = session.scalars(
        select(Finding).where(col(Finding.incident_id) == incident.id).order_by(col(Finding.id))
    ).all()
    events = session.scalars(
        select(Event).where(col(Event.incident_id) == incident.id).order_by(col(Event.id))
    ).all()
    files = session.scalars(
        select(IncidentFile)
        .where(col(IncidentFile.incident_id) == incident.id)
        .order_by(col(IncidentFile.id))
    ).all()
    duplicate_of = key_of(session, incident.duplicate_of_id)
    duplicates = session.scalars(
        select(col(Incident.key)).where(col(Incident.duplicate_of_id) == incident.id)
    ).all()
    return IncidentDetail(
        incident=incident,
        evidence=evidence,
        categories=categories_of(session, [incident.id or 0])[incident.id or 0],
        findings=[f for f in findings if f.source == CHECKS],
        events=list(events),
        duplicate_of=duplicate_of,
        duplicates=list(duplicates),
        files=list(files),
        judge_findings=[f for f in findings if f.source != CHECKS],
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


def root(session: Session, incident: Incident) -> Incident:
    """Follow ``duplicate_of`` links to the incident they end at; refuse a cycle."""
    seen = {incident.id}
    while incident.duplicate_of_id is not None:
        parent = session.get(Incident, incident.duplicate_of_id)
        if parent is None or parent.id in seen:
            raise InvalidInput(f"{incident.key} is in a cycle of duplicates; fix the links first.")
        seen.add(parent.id)
        incident = parent
    return incident


def key_of(session: Session, incident_id: int | None) -> str | None:
    """The key of the incident with row id ``incident_id``, if any."""
    if incident_id is None:
        return None
    return session.execute(
        select(col(Incident.key)).where(col(Incident.id) == incident_id)
    ).scalar_one_or_none()


def filtered(statement: Select[Any], where: IncidentFilter) -> Select[Any]:
    """``statement`` restricted to the incidents ``where`` selects."""
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
    if where.eval_name:
        statement = statement.where(func.lower(col(Incident.eval_name)) == where.eval_name.lower())
    if where.run_id:
        statement = statement.where(func.lower(col(Incident.run_id)) == where.run_id.lower())
    if where.since:
        statement = statement.where(col(Incident.created_at) >= where.since)
    if not where.include_restricted:
        statement = statement.where(col(Incident.restricted).is_(False))
    return statement
