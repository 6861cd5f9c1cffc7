"""Delivery of the direct messages a change sends (``bot.incidents.notices`` enqueues them).

The new assignee gets the incident with its triage buttons (no title when it is restricted,
as with nudges). The reporter is told of acknowledgement, severity and status changes and
the close, unless the workspace turned that off (``SAFETYBOT_REPORTER_UPDATES``) or they
stopped it for this incident; the check is made when sending, so a DM still waiting after
"Stop updates" is dropped too.
"""

from __future__ import annotations

from typing import Any

from bot.incidents import notices
from bot.incidents.records import IncidentDetail
from bot.incidents.vocab import RESOLUTION_LABELS, SEVERITY_LABELS, STATUS_LABELS
from bot.slack import present
from bot.slack.delivery import Delivery
from bot.store.models import Event


class PeoplePosts:
    """Senders of ``assigned_dm`` and ``reporter_update`` notices."""

    def __init__(self, delivery: Delivery, *, reporter_updates: bool = True) -> None:
        self.delivery = delivery
        self.reporter_updates = reporter_updates

    def register(self) -> None:
        """Teach delivery both kinds."""
        self.delivery.register(notices.ASSIGNED, self.assigned)
        self.delivery.register(notices.REPORTER_UPDATE, self.reporter_update)

    def assigned(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """DM the assignee the incident and its buttons, while they are still its assignee."""
        detail = _need(detail)
        incident, event = detail.incident, _event(detail, data)
        if event is None or incident.assignee_id != event.to_value:
            return  # reassigned (or unassigned) before the DM went out
        message = self.delivery.renderer.render_message(
            "messages/assigned",
            incident=present.incident(incident, detail.categories),
            actor=present.mention(event.actor),
            show_title=not incident.restricted,
        )
        self.delivery.post(str(event.to_value), **message)

    def reporter_update(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """DM the reporter what changed, unless updates are off."""
        detail = _need(detail)
        incident, event = detail.incident, _event(detail, data)
        if event is None or not (self.reporter_updates and incident.reporter_updates):
            return
        message = self.delivery.renderer.render_message(
            "messages/reporter_update", **update_context(detail, event)
        )
        self.delivery.post(incident.reporter_id, **message)


def update_context(detail: IncidentDetail, event: Event) -> dict[str, Any]:
    """Template data of a reporter update: what changed, in labels; texts raw for the filters."""
    incident = detail.incident
    labels = SEVERITY_LABELS if event.kind == "severity" else STATUS_LABELS
    closed = event.kind == "status" and event.to_value == "closed"
    return {
        "kind": "closed" if closed else event.kind,
        "key": incident.key,
        "title": incident.title,
        "actor": present.mention(event.actor),
        "before": labels.get(event.from_value or "", event.from_value or ""),
        "after": labels.get(event.to_value or "", event.to_value or ""),
        "resolution": RESOLUTION_LABELS.get(incident.resolution or "", "") if closed else "",
        "summary": (incident.resolution_summary or "") if closed else "",
        "reason": (event.note or "") if event.kind == "severity" else "",
        "duplicate_of": detail.duplicate_of or "",
    }


def _event(detail: IncidentDetail, data: dict[str, Any]) -> Event | None:
    return next((e for e in detail.events if e.id == data.get("event_id")), None)


def _need(detail: IncidentDetail | None) -> IncidentDetail:
    if detail is None:
        raise LookupError("a direct message about a change needs an incident")
    return detail
