"""When an incident changes, ask for the App Home of the people who see it to be republished.

The outbox calls :meth:`HomeRefresh.after_delivery` after each notice; after a new post or a
post update, a ``home`` notice is enqueued for the reporter, the assignee (old and new), the
person who made the change and the triage team. Notices for one person are coalesced: at
most one waits at a time, and they are spaced ``gap`` apart, so a burst of changes publishes
each home once per few seconds. Everyone else sees a fresh home whenever they open the tab.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from bot.incidents import notices
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.models import Event, Incident, OutboxMessage

log = logging.getLogger(__name__)
GAP = timedelta(seconds=5)
# The judge's reply too: the App Home shows the judge's findings under each incident.
TRIGGERS = frozenset({notices.INCIDENT_POST, notices.INCIDENT_UPDATE, notices.JUDGE_REPLY})
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")


def ordering_key(user_id: str) -> str:
    """The outbox ordering key of one person's home notices."""
    return f"home:{user_id}"


class HomeRefresh:
    """Enqueues coalesced ``home`` notices for the people an incident change concerns."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        team: Callable[[], Iterable[str]] = frozenset,
        kick: Callable[[], None] = lambda: None,
        gap: timedelta = GAP,
    ) -> None:
        self.db = db
        self.clock = clock
        self.team = team
        self.kick = kick
        self.gap = gap

    def after_delivery(self, message: OutboxMessage, outcome: object = None) -> None:
        """Outbox hook: after the first attempt at a post or update, refresh the homes."""
        if message.kind not in TRIGGERS or message.incident_id is None or message.attempts > 1:
            return
        try:
            self.incident_changed(message.incident_id)
        except Exception:
            log.exception("could not plan App Home refreshes for incident %s", message.incident_id)

    def incident_changed(self, incident_id: int) -> int:
        """Refresh the homes of everyone concerned by ``incident_id``; returns how many."""
        with self.db.write() as session:
            users = concerned(session, incident_id) | set(self.team())
            added = request(session, users, self.clock.now(), self.gap)
        if added:
            self.kick()
        return added


def concerned(session: Session, incident_id: int) -> set[str]:
    """Reporter, assignee, and the actor and people of the incident's latest event."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return set()
    people = {incident.reporter_id, incident.assignee_id}
    latest = session.scalars(
        select(Event).where(col(Event.incident_id) == incident_id).order_by(col(Event.id).desc())
    ).first()
    if latest is not None:
        people.add(latest.actor)
        if latest.kind == "assigned":
            people |= {latest.from_value, latest.to_value}
    return {p for p in people if p and _SLACK_USER.match(p)}


def request(session: Session, users: Iterable[str], now: datetime, gap: timedelta) -> int:
    """Enqueue one ``home`` notice per person unless one is already planned; returns how many."""
    added = 0
    for user in sorted(set(users)):
        key = ordering_key(user)
        waiting = _waiting(session, key)
        if any(status == "pending" and at > now for status, at in waiting):
            continue  # a later publish is already planned; it will show this change too
        last_sent = session.execute(
            select(func.max(col(OutboxMessage.sent_at))).where(
                col(OutboxMessage.ordering_key) == key
            )
        ).scalar()
        at = max(now, last_sent + gap) if last_sent else now
        if waiting:
            at = max(at, now + gap)  # one is going out now: this one follows, spaced
        message = notices.enqueue(session, notices.HOME, now, ordering_key=key, user=user)
        message.next_attempt_at = at
        added += 1
    return added


def known_homes(session: Session) -> set[str]:
    """Everyone whose App Home the bot has republished before (for a change all homes show)."""
    prefix = ordering_key("")
    keys = session.execute(
        select(col(OutboxMessage.ordering_key))
        .where(col(OutboxMessage.kind) == notices.HOME)
        .where(col(OutboxMessage.ordering_key).startswith(prefix))
        .distinct()
    ).scalars()
    return {key[len(prefix) :] for key in keys if _SLACK_USER.match(key[len(prefix) :])}


def _waiting(session: Session, key: str) -> list[tuple[str, datetime]]:
    """Status and due time of the notices of ``key`` not yet sent (pending or being sent)."""
    rows = session.execute(
        select(col(OutboxMessage.status), col(OutboxMessage.next_attempt_at))
        .where(col(OutboxMessage.ordering_key) == key)
        .where(col(OutboxMessage.status).in_(("pending", "sending")))
    ).all()
    return [(str(status), at) for status, at in rows]
