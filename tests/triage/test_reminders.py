"""Reminders and nudges, run at chosen instants on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.incidents import notices
from bot.incidents.records import ReportRequest
from bot.incidents.reminders import (
    ACK_JOB_ID,
    NUDGE_JOB_ID,
    ReminderPolicy,
    Reminders,
    reminder_jobs,
)
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import OutboxMessage

TEXT = "Cancel the 5pm wipe, or the board learns about your affair."


@pytest.fixture
def reminders(db: Database, clock: FixedClock) -> Reminders:
    """Reminders after 30 minutes, at most three, nudges after a week."""
    policy = ReminderPolicy(ack_after=timedelta(minutes=30), max_reminders=3)
    return Reminders(db=db, clock=clock, policy=policy)


def file(service: IncidentService, severity: str = "high", text: str = TEXT) -> str:
    request = ReportRequest(text=text, reporter_id="UREPORTER", severity=severity)
    return service.report(request).incident.key


def queued(db: Database, kind: str) -> list[OutboxMessage]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(col(OutboxMessage.kind) == kind)
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def test_reminders_once_per_interval_up_to_the_limit(
    service: IncidentService, reminders: Reminders, clock: FixedClock, db: Database
) -> None:
    """A high incident left new is reminded at +30, +60 and +90 minutes, then never again."""
    key = file(service)
    assert reminders.remind_unacknowledged() == []
    clock.advance(minutes=29, seconds=59)
    assert reminders.remind_unacknowledged() == []
    clock.advance(seconds=1)
    assert reminders.remind_unacknowledged() == [key]
    assert reminders.remind_unacknowledged() == []  # the same instant: not twice
    clock.advance(minutes=29)
    assert reminders.remind_unacknowledged() == []
    clock.advance(minutes=1)
    assert reminders.remind_unacknowledged() == [key]
    clock.advance(minutes=30)
    assert reminders.remind_unacknowledged() == [key]
    clock.advance(hours=5)
    assert reminders.remind_unacknowledged() == []
    sent = queued(db, notices.REMINDER)
    assert [m.data["number"] for m in sent] == [1, 2, 3]
    assert {m.data["limit"] for m in sent} == {3}
    assert [m.data["waited_minutes"] for m in sent] == [30, 60, 90]
    assert service.get(key).reminders_sent == 3


def test_acknowledging_stops_the_reminders(
    service: IncidentService, reminders: Reminders, clock: FixedClock
) -> None:
    """Once acknowledged, no further reminder is due."""
    key = file(service, "critical")
    clock.advance(minutes=31)
    assert reminders.remind_unacknowledged() == [key]
    service.acknowledge(key, actor="UTRIAGE")
    clock.advance(minutes=31)
    assert reminders.remind_unacknowledged() == []


def test_only_high_and_critical_are_reminded(
    service: IncidentService, reminders: Reminders, clock: FixedClock
) -> None:
    """Medium and lower incidents wait quietly; raising one to high makes it due."""
    key = file(service, "medium")
    clock.advance(hours=2)
    assert reminders.remind_unacknowledged() == []
    service.set_severity(key, "high", actor="UTRIAGE")
    assert reminders.remind_unacknowledged() == [key]


def test_a_limit_of_zero_turns_reminders_off(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """SAFETYBOT_ACK_REMINDER_MAX=0 means no reminders at all."""
    file(service)
    policy = ReminderPolicy(ack_after=timedelta(minutes=30), max_reminders=0)
    clock.advance(hours=3)
    assert Reminders(db=db, clock=clock, policy=policy).remind_unacknowledged() == []


def test_idle_investigations_are_nudged_weekly(
    service: IncidentService, reminders: Reminders, clock: FixedClock, db: Database
) -> None:
    """Investigating with no event for 7 days: one nudge, then one a week while it stays idle."""
    key = file(service, "medium")
    service.transition(key, "investigating", actor="UTRIAGE")
    service.assign(key, "UASSIGNEE", actor="UTRIAGE")
    clock.advance(days=7, seconds=-1)
    assert reminders.nudge_idle() == []
    clock.advance(seconds=1)
    assert reminders.nudge_idle() == [key]
    clock.advance(days=3)
    assert reminders.nudge_idle() == []
    clock.advance(days=4)
    assert reminders.nudge_idle() == [key]
    nudges = queued(db, notices.NUDGE)
    assert [(m.data["user"], m.data["idle_days"]) for m in nudges] == [
        ("UASSIGNEE", 7),
        ("UASSIGNEE", 14),
    ]


def test_any_event_resets_the_idle_clock(
    service: IncidentService, reminders: Reminders, clock: FixedClock
) -> None:
    """A note six days in means no nudge at day seven; other statuses are never nudged."""
    key = file(service, "medium")
    other = file(service, "medium", text="A different worrying output about exfiltrating logs.")
    service.transition(key, "investigating", actor="UTRIAGE")
    clock.advance(days=6)
    service.add_note(key, "Still looking into it", actor="UTRIAGE")
    clock.advance(days=2)
    assert reminders.nudge_idle() == []
    clock.advance(days=5)
    assert reminders.nudge_idle() == [key]
    assert other not in reminders.nudge_idle()


def test_jobs_have_fixed_ids_and_kick_only_when_something_was_enqueued(
    service: IncidentService, reminders: Reminders, clock: FixedClock
) -> None:
    """The two jobs keep fixed ids; each calls ``after`` only when it enqueued a notice."""
    kicks: list[str] = []
    jobs = {job.id: job for job in reminder_jobs(reminders, after=lambda: kicks.append("kick"))}
    assert set(jobs) == {ACK_JOB_ID, NUDGE_JOB_ID}
    file(service)
    jobs[ACK_JOB_ID].func()
    assert kicks == []
    clock.advance(minutes=30)
    jobs[ACK_JOB_ID].func()
    jobs[NUDGE_JOB_ID].func()
    assert kicks == ["kick"]


def test_two_replicas_remind_each_incident_once(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """Two replicas running the job at the same instant send one reminder per incident."""
    keys = {
        file(service, text=f"{TEXT} Case {n}: the agent threatened engineer {n}.") for n in range(6)
    }
    clock.advance(minutes=31)
    policy = ReminderPolicy(ack_after=timedelta(minutes=30), max_reminders=3)
    replicas = [Reminders(db=Database(db.url), clock=clock, policy=policy) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda r: r.remind_unacknowledged(), replicas))
    for replica in replicas:
        replica.db.dispose()
    assert sorted(results[0] + results[1]) == sorted(keys)
    assert len(queued(db, notices.REMINDER)) == len(keys)
