"""Reminders: unacknowledged high/critical incidents ping the triage channel, idle ones nudge.

* A ``high`` or ``critical`` incident still ``new`` after the reminder interval gets one
  reminder per interval, at most ``max_reminders`` in all; acknowledging it stops them.
* An ``investigating`` incident with no timeline event for a week is nudged to its assignee
  (or, with nobody assigned, to the triage channel), once a week while it stays idle.

No Slack in here: each reminder is an outbox notice written in the same transaction that
counts it, so a reminder is neither lost nor sent twice, even with several replicas (rows are
claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL). Time comes from the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Select, func, or_, select
from sqlmodel import Session, col

from bot.incidents import notices
from bot.runtime.clock import Clock
from bot.runtime.scheduling import ScheduledJob
from bot.store.db import Database
from bot.store.dialect import skipping_locked
from bot.store.models import Event, Incident

URGENT = ("high", "critical")
IDLE_AFTER = timedelta(days=7)
BATCH = 200
ACK_JOB_ID = "reminders:unacknowledged"
NUDGE_JOB_ID = "reminders:idle"


@dataclass(frozen=True)
class ReminderPolicy:
    """When to remind and how often."""

    ack_after: timedelta
    max_reminders: int
    idle_after: timedelta = IDLE_AFTER


class Reminders:
    """Finds incidents that need a reminder or a nudge and enqueues it."""

    def __init__(self, *, db: Database, clock: Clock, policy: ReminderPolicy) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy

    def remind_unacknowledged(self) -> list[str]:
        """Enqueue the reminders due now; returns the keys of the incidents reminded."""
        if self.policy.max_reminders <= 0:
            return []
        now = self.clock.now()
        due = now - self.policy.ack_after
        statement = (
            select(Incident)
            .where(col(Incident.status) == "new")
            .where(col(Incident.severity).in_(URGENT))
            .where(col(Incident.created_at) <= due)
            .where(col(Incident.reminders_sent) < self.policy.max_reminders)
            .where(
                or_(col(Incident.last_reminded_at).is_(None), col(Incident.last_reminded_at) <= due)
            )
        )
        reminded = []
        with self.db.write() as session:
            for incident in session.scalars(self._claim(session, statement)).all():
                incident.reminders_sent += 1
                incident.last_reminded_at = now
                session.add(incident)
                notices.enqueue(
                    session,
                    notices.REMINDER,
                    now,
                    incident=incident,
                    number=incident.reminders_sent,
                    limit=self.policy.max_reminders,
                    waited_minutes=int((now - incident.created_at).total_seconds() // 60),
                )
                reminded.append(incident.key)
        return reminded

    def nudge_idle(self) -> list[str]:
        """Enqueue the weekly nudges due now; returns the keys of the incidents nudged."""
        now = self.clock.now()
        quiet_since = now - self.policy.idle_after
        last_event = (
            select(func.max(col(Event.at)))
            .where(col(Event.incident_id) == col(Incident.id))
            .scalar_subquery()
        )
        statement = (
            select(Incident)
            .where(col(Incident.status) == "investigating")
            .where(last_event <= quiet_since)
            .where(
                or_(
                    col(Incident.last_nudged_at).is_(None),
                    col(Incident.last_nudged_at) <= quiet_since,
                )
            )
        )
        nudged = []
        with self.db.write() as session:
            for incident in session.scalars(self._claim(session, statement)).all():
                idle_days = (now - _last_event_at(session, incident, now)).days
                incident.last_nudged_at = now
                session.add(incident)
                notices.enqueue(
                    session,
                    notices.NUDGE,
                    now,
                    incident=incident,
                    user=incident.assignee_id,
                    idle_days=idle_days,
                )
                nudged.append(incident.key)
        return nudged

    def _claim(self, session: Session, statement: Select[Any]) -> Select[Any]:
        """Oldest first, a bounded batch, and rows another replica holds are skipped."""
        statement = statement.order_by(col(Incident.id)).limit(BATCH)
        return skipping_locked(session, statement, of=Incident)


def _last_event_at(session: Session, incident: Incident, default: Any) -> Any:
    found = session.scalar(
        select(func.max(col(Event.at))).where(col(Event.incident_id) == incident.id)
    )
    return found or default


def reminder_jobs(reminders: Reminders, *, after: Callable[[], None]) -> list[ScheduledJob]:
    """The two reminder jobs; ``after`` runs when something was enqueued (kicks the outbox)."""

    def unacknowledged() -> None:
        if reminders.remind_unacknowledged():
            after()

    def idle() -> None:
        if reminders.nudge_idle():
            after()

    return [
        ScheduledJob(id=ACK_JOB_ID, func=unacknowledged, trigger=IntervalTrigger(minutes=1)),
        ScheduledJob(id=NUDGE_JOB_ID, func=idle, trigger=IntervalTrigger(minutes=30)),
    ]
