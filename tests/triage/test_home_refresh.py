"""App Home refreshes: who is concerned by a change, and coalescing per person."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.incidents import notices
from bot.incidents.home_refresh import HomeRefresh, ordering_key
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import OutboxMessage

TEXT = "The agent wrote that it disabled the audit log so nobody would notice."


def homes(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(col(OutboxMessage.kind) == notices.HOME)
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def refresher(db: Database, clock: FixedClock, kicks: list[int] | None = None) -> HomeRefresh:
    return HomeRefresh(
        db=db,
        clock=clock,
        team=lambda: {"UT1", "UT2"},
        kick=lambda: (kicks if kicks is not None else []).append(1),
        gap=timedelta(seconds=5),
    )


def report(service: IncidentService) -> int:
    incident = service.report(ReportRequest(text=TEXT, reporter_id="UREPORTER")).incident
    assert incident.id is not None
    return incident.id


def test_concerned_people_get_a_home_notice(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """Reporter, old and new assignee, the actor and the team each get one notice; CLI ids none."""
    incident_id = report(service)
    service.assign("AIS-1", "UOLD", actor="cli-operator")
    service.assign("AIS-1", "UNEW", actor="UACTOR")
    kicks: list[int] = []
    assert refresher(db, clock, kicks).incident_changed(incident_id) == 6
    users = sorted(m.data["user"] for m in homes(db))
    assert users == ["UACTOR", "UNEW", "UOLD", "UREPORTER", "UT1", "UT2"]
    assert all(m.ordering_key == ordering_key(m.data["user"]) for m in homes(db))
    assert kicks == [1]


def test_a_burst_of_changes_publishes_each_home_once_per_gap(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """While a notice waits, more changes add nothing; after a send the next waits for the gap."""
    incident_id = report(service)
    refresh = refresher(db, clock)
    refresh.incident_changed(incident_id)
    first = {m.data["user"]: m for m in homes(db)}
    assert first["UREPORTER"].next_attempt_at == clock.now()
    # The first notice goes out now: mark it sent, as the outbox would.
    with db.write() as session:
        for message in session.scalars(select(OutboxMessage)).all():
            if message.kind == notices.HOME:
                message.status, message.sent_at = "sent", clock.now()
                session.add(message)
    clock.advance(seconds=1)
    refresh.incident_changed(incident_id)
    refresh.incident_changed(incident_id)
    refresh.incident_changed(incident_id)
    waiting = [m for m in homes(db) if m.status == "pending" and m.data["user"] == "UREPORTER"]
    assert len(waiting) == 1
    assert waiting[0].next_attempt_at == clock.now() + timedelta(seconds=4)


def test_a_notice_being_sent_is_followed_by_one_more(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """A change while a home is due (maybe being rendered) plans one more, a gap later."""
    incident_id = report(service)
    refresh = refresher(db, clock)
    refresh.incident_changed(incident_id)
    refresh.incident_changed(incident_id)
    mine = [m for m in homes(db) if m.data["user"] == "UREPORTER"]
    assert [m.next_attempt_at - clock.now() for m in mine] == [timedelta(0), timedelta(seconds=5)]


def test_only_posts_and_updates_trigger_a_refresh(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """The outbox hook reacts to the first attempt at a post or update, not to replies or retries."""
    incident_id = report(service)
    refresh = refresher(db, clock)
    for kind, attempts in ((notices.CHANGE_REPLY, 1), (notices.INCIDENT_UPDATE, 2)):
        message = OutboxMessage(
            kind=kind,
            incident_id=incident_id,
            ordering_key="x",
            attempts=attempts,
            next_attempt_at=clock.now(),
            created_at=clock.now(),
        )
        refresh.after_delivery(message)
    assert homes(db) == []
    update = OutboxMessage(
        kind=notices.INCIDENT_UPDATE,
        incident_id=incident_id,
        ordering_key="x",
        attempts=1,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
    )
    refresh.after_delivery(update)
    assert len(homes(db)) == 3
