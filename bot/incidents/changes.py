"""What each change to an incident writes, inside the transaction the service opened.

A change sets the incident's fields, adds its event to the timeline and writes the notices
it causes (``notices``), or refuses with ``InvalidTransition`` / ``InvalidInput`` and
writes nothing. The service loads and locks the incident; no Slack in here.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.incidents import notices, rows
from bot.incidents.errors import InvalidInput, InvalidTransition
from bot.incidents.lifecycle import REOPEN_TO
from bot.incidents.validation import NUL_STAND_IN
from bot.store.models import SEVERITIES, Event, Incident

MAX_REASON = 300
MAX_NOTE = 10_000


def set_status(
    session: Session,
    incident: Incident,
    target: str,
    *,
    actor: str,
    resolution: str | None,
    summary: str | None,
    now: datetime,
) -> None:
    """Move ``incident`` to ``target`` (already checked against the lifecycle)."""
    before = incident.status
    incident.status = target
    incident.updated_at = now
    if target != "new" and incident.acknowledged_at is None:
        incident.acknowledged_at = now
    if target == "closed":
        incident.closed_at = now
        incident.resolution = resolution
        incident.resolution_summary = (summary or "").strip()[:300] or None
    kind = "acknowledged" if target == "acknowledged" else "status"
    note = f"{resolution}: {summary}" if target == "closed" and summary else resolution
    event = rows.event(incident.id or 0, actor, kind, now, before, target, note=note)
    _record(session, incident, event, now)


def reopen(
    session: Session, incident: Incident, *, actor: str, note: str | None, now: datetime
) -> None:
    """Reopen a closed incident: back to acknowledged, the close cleared."""
    if incident.status != "closed":
        raise InvalidTransition(f"{incident.key} is {incident.status}, not closed.")
    incident.status, incident.closed_at = REOPEN_TO, None
    incident.resolution = incident.resolution_summary = None
    incident.duplicate_of_id = None
    incident.updated_at = now
    event = rows.event(incident.id or 0, actor, "reopened", now, "closed", REOPEN_TO, note=note)
    _record(session, incident, event, now)


def assign(
    session: Session, incident: Incident, assignee_id: str | None, *, actor: str, now: datetime
) -> None:
    """Give ``incident`` to ``assignee_id`` (None: to nobody)."""
    if incident.assignee_id == assignee_id:
        who = f"<{assignee_id}>" if assignee_id else "nobody"
        raise InvalidTransition(f"{incident.key} is already assigned to {who}.")
    before, incident.assignee_id, incident.updated_at = incident.assignee_id, assignee_id, now
    event = rows.event(incident.id or 0, actor, "assigned", now, before, assignee_id)
    _record(session, incident, event, now)


def severity_reason(severity: str, reason: str | None) -> str | None:
    """The reason for a severity change as stored; an unknown severity or a long reason is refused."""
    if severity not in SEVERITIES:
        raise InvalidInput(f"Unknown severity '{severity}'. Use one of: {', '.join(SEVERITIES)}.")
    reason = (reason or "").replace("\x00", NUL_STAND_IN).strip() or None
    if reason and len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is {len(reason):,} characters; the limit is {MAX_REASON}.")
    return reason


def set_severity(
    session: Session,
    incident: Incident,
    severity: str,
    *,
    actor: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Change the severity (``reason`` from :func:`severity_reason`)."""
    if incident.severity == severity:
        raise InvalidTransition(f"{incident.key} is already {severity}.")
    before, incident.severity, incident.updated_at = incident.severity, severity, now
    event = rows.event(incident.id or 0, actor, "severity", now, before, severity, note=reason)
    _record(session, incident, event, now)


def note_text(note: str | None) -> str:
    """A timeline note as stored; an empty or overlong note is refused."""
    text = (note or "").replace("\x00", NUL_STAND_IN).strip()
    if not text:
        raise InvalidInput("The note is empty.")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"The note is {len(text):,} characters; the limit is {MAX_NOTE:,}.")
    return text


def add_note(
    session: Session, incident: Incident, text: str, *, actor: str, now: datetime
) -> Event:
    """Add a note (from :func:`note_text`) to the timeline; the incident itself is unchanged."""
    event = rows.event(incident.id or 0, actor, "note", now, note=text)
    session.add(event)
    notices.changed(session, incident, [event], now)
    return event


def merge(
    session: Session, incident: Incident, root: Incident, *, actor: str, now: datetime
) -> None:
    """Close ``incident`` as a duplicate of ``root``, with an event on each timeline."""
    if root.id == incident.id:
        raise InvalidInput(f"{incident.key} cannot be a duplicate of itself.")
    if incident.status == "closed":
        raise InvalidTransition(f"{incident.key} is closed; reopen it first.")
    before = incident.status
    incident.status, incident.resolution, incident.duplicate_of_id = "closed", "duplicate", root.id
    incident.closed_at = incident.updated_at = now
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now
    session.add(incident)
    merged = rows.event(
        incident.id or 0, actor, "merged", now, before, root.key, note=f"duplicate of {root.key}"
    )
    linked = rows.event(root.id or 0, actor, "duplicate_linked", now, to=incident.key)
    session.add_all([merged, linked])
    notices.changed(session, incident, [merged], now)
    notices.changed(session, root, [linked], now)


def _record(session: Session, incident: Incident, event: Event, now: datetime) -> None:
    """Store the changed incident and its event, and the notices the change causes."""
    session.add(incident)
    session.add(event)
    notices.changed(session, incident, [event], now)
