"""Delivery of reminders and nudges (``bot.incidents.reminders`` enqueues them).

A reminder goes to the triage channel, in the incident post's thread and broadcast to the
channel, mentioning the triage user group when there is one. A nudge goes to the assignee
as a direct message without the title of a restricted incident, or to the triage channel
when nobody is assigned. A notice that no longer applies (acknowledged, moved on) is dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.incidents import notices
from bot.incidents.records import IncidentDetail
from bot.slack import present
from bot.slack.delivery import Delivery

log = logging.getLogger(__name__)


class ReminderPosts:
    """Senders of ``reminder`` and ``nudge`` notices."""

    def __init__(self, delivery: Delivery, *, usergroup: str | None = None) -> None:
        self.delivery = delivery
        self.usergroup = usergroup

    def register(self) -> None:
        """Teach delivery both kinds."""
        self.delivery.register(notices.REMINDER, self.reminder)
        self.delivery.register(notices.NUDGE, self.nudge)

    def reminder(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Ping the triage channel about an incident still waiting for acknowledgement."""
        incident = _need(detail).incident
        channel = incident.post_channel or self.delivery.triage_channel
        if incident.status != "new" or not channel:
            return
        minutes = int(data.get("waited_minutes") or 0)
        message = self.delivery.renderer.render_message(
            "messages/reminder",
            incident=present.incident(incident, _need(detail).categories),
            waited=_duration(minutes),
            number=int(data.get("number") or 1),
            limit=int(data.get("limit") or 1),
            ping=f"<!subteam^{self.usergroup}>" if self.usergroup else "",
        )
        if incident.post_ts and incident.post_channel:
            self.delivery.post(channel, thread_ts=incident.post_ts, reply_broadcast=True, **message)
        else:
            self.delivery.post(channel, **message)

    def nudge(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Remind the assignee (or the triage channel) of an idle investigation."""
        incident = _need(detail).incident
        if incident.status != "investigating":
            return
        to_channel = not incident.assignee_id
        channel = self.delivery.triage_channel if to_channel else incident.assignee_id
        if not channel:
            log.warning("%s is idle, unassigned, and there is no triage channel", incident.key)
            return
        message = self.delivery.renderer.render_message(
            "messages/nudge",
            incident=present.incident(incident, _need(detail).categories),
            idle_days=int(data.get("idle_days") or 7),
            show_title=to_channel or not incident.restricted,
        )
        self.delivery.post(channel, **message)


def _need(detail: IncidentDetail | None) -> IncidentDetail:
    if detail is None:
        raise LookupError("a reminder needs an incident")
    return detail


def _duration(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes} minutes"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // (24 * 60)} days"
