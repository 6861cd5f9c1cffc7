"""The judge's second opinion as stored on an incident: its ``judge`` timeline event and its
findings (source ``judge:<model>``), and triage applying its categories. No Slack, no model.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlmodel import Session, col

from bot.incidents import notices, rows
from bot.incidents.errors import InvalidInput
from bot.incidents.queries import CHECKS, categories_of
from bot.store.models import Event, Finding, Incident, IncidentCategory

JUDGE_EVENT = "judge"
CATEGORIES_EVENT = "categories"
# The ``to_value`` of a judge event whose answer could not be read (else: its severity).
UNREADABLE = "unreadable"
JUDGE_PREFIX = "judge:"


def source_of(model: str) -> str:
    """The source a judge's findings carry: ``judge:<model>`` (within the column's 120)."""
    return (JUDGE_PREFIX + model)[:120]


def review_event(session: Session, incident_id: int) -> Event | None:
    """The incident's judge event (the second opinion was recorded), if any."""
    return session.scalars(
        select(Event)
        .where(col(Event.incident_id) == incident_id, col(Event.kind) == JUDGE_EVENT)
        .order_by(col(Event.id).desc())
        .limit(1)
    ).first()


def judge_categories(findings: Sequence[Finding]) -> list[str]:
    """The categories the judge found, sorted, once each."""
    return sorted({f.category for f in findings if f.source != CHECKS})


def judged_categories(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The categories the judge found on each incident id that has any (App Home rows)."""
    found: dict[int, set[str]] = {}
    if ids:
        pairs = session.execute(
            select(col(Finding.incident_id), col(Finding.category)).where(
                col(Finding.incident_id).in_(ids), col(Finding.source) != CHECKS
            )
        ).all()
        for incident_id, category in pairs:
            found.setdefault(incident_id, set()).add(category)
    return {i: sorted(c) for i, c in found.items()}


def apply_categories(
    session: Session, incident: Incident, *, actor: str, now: datetime
) -> Event | None:
    """Set ``incident``'s categories to those the judge found, with one ``categories`` event;
    None when they are those already. Refused when the judge gave no readable opinion."""
    assert incident.id is not None
    review = review_event(session, incident.id)
    if review is None or review.to_value == UNREADABLE:
        raise InvalidInput(
            f"The judge has given no readable second opinion on {incident.key}; "
            "nothing was changed."
        )
    findings = session.scalars(select(Finding).where(col(Finding.incident_id) == incident.id)).all()
    wanted = judge_categories(findings)
    current = categories_of(session, [incident.id])[incident.id]
    if wanted == sorted(current):
        return None
    session.execute(
        delete(IncidentCategory).where(col(IncidentCategory.incident_id) == incident.id)
    )
    if wanted:
        session.execute(
            insert(IncidentCategory), [{"incident_id": incident.id, "category": c} for c in wanted]
        )
    incident.updated_at = now
    before, after = ", ".join(current) or "none", ", ".join(wanted) or "none"
    event = rows.event(incident.id, actor, CATEGORIES_EVENT, now, before, after)
    session.add(incident)
    session.add(event)
    notices.changed(session, incident, [event], now)
    return event
