"""What one person's App Home shows: their reports, what is assigned to them, the open queue
by severity (oldest first), counts, and when the last digest went out. No Slack in here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlmodel import Session, col

from bot.incidents.judged import judged_categories
from bot.store.db import Database
from bot.store.models import OPEN_STATUSES, SEVERITIES, DigestRun, Incident

MINE_LIMIT = 5
ASSIGNED_LIMIT = 10
QUEUE_LIMIT = 15

# Most severe first: critical = 0, ..., none = 4.
_SEVERITY_RANK = case(
    {s: i for i, s in enumerate(reversed(SEVERITIES))}, value=col(Incident.severity), else_=99
)


@dataclass(frozen=True)
class DigestInfo:
    """The last weekly digest that was posted."""

    week_start: date
    posted_at: datetime
    channel: str
    partial: bool = False  # the week so far (a preview posted from the playground)


@dataclass(frozen=True)
class Overview:
    """Everything on one person's App Home."""

    mine: list[Incident]
    mine_total: int
    assigned: list[Incident]
    assigned_total: int
    queue: list[Incident]
    queue_total: int
    open_by_severity: dict[str, int] = field(default_factory=dict)
    unacknowledged: int = 0
    last_digest: DigestInfo | None = None
    # The categories the judge found, per incident id shown that has any (``bot.judge``).
    judged: dict[int, list[str]] = field(default_factory=dict)

    @property
    def open_total(self) -> int:
        """Open incidents of every severity."""
        return sum(self.open_by_severity.values())


class Overviews:
    """Builds overviews from the store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def for_user(self, user_id: str, *, triage: bool) -> Overview:
        """The overview ``user_id`` sees; restricted incidents only for triage or their reporter."""
        with self.db.session() as session:
            mine = _by_newest(select(Incident).where(col(Incident.reporter_id) == user_id))
            assigned = _by_urgency(
                _open(select(Incident)).where(col(Incident.assignee_id) == user_id)
            )
            queue = _by_urgency(_visible(_open(select(Incident)), user_id, triage))
            counts = _open_counts(session)
            shown = {
                "mine": _rows(session, mine, MINE_LIMIT),
                "assigned": _rows(session, assigned, ASSIGNED_LIMIT),
                "queue": _rows(session, queue, QUEUE_LIMIT),
            }
            ids = [i.id for rows in shown.values() for i in rows if i.id is not None]
            return Overview(
                mine=shown["mine"],
                mine_total=_count(session, mine),
                assigned=shown["assigned"],
                assigned_total=_count(session, assigned),
                queue=shown["queue"],
                # The triage team's queue is every open incident: no need to count it again.
                queue_total=sum(counts.values()) if triage else _count(session, queue),
                open_by_severity={
                    s: sum(n for (severity, _), n in counts.items() if severity == s)
                    for s in reversed(SEVERITIES)
                },
                unacknowledged=sum(n for (_, status), n in counts.items() if status == "new"),
                last_digest=_last_digest(session),
                judged=judged_categories(session, ids),
            )


def _open(statement: Select[Any]) -> Select[Any]:
    return statement.where(col(Incident.status).in_(OPEN_STATUSES))


def _visible(statement: Select[Any], user_id: str, triage: bool) -> Select[Any]:
    if triage:
        return statement
    return statement.where(
        or_(col(Incident.restricted).is_(False), col(Incident.reporter_id) == user_id)
    )


def _by_urgency(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(_SEVERITY_RANK, col(Incident.created_at), col(Incident.id))


def _by_newest(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(col(Incident.id).desc())


def _rows(session: Session, statement: Select[Any], limit: int) -> list[Incident]:
    return list(session.scalars(statement.limit(limit)).all())


def _count(session: Session, statement: Select[Any]) -> int:
    counted = statement.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    return int(session.scalar(counted) or 0)


def _open_counts(session: Session) -> dict[tuple[str, str], int]:
    """Open incidents per (severity, status), in one pass over the open ones."""
    rows = session.execute(
        select(col(Incident.severity), col(Incident.status), func.count())
        .where(col(Incident.status).in_(OPEN_STATUSES))
        .group_by(col(Incident.severity), col(Incident.status))
    ).all()
    return {(severity, status): int(n) for severity, status, n in rows}


def _last_digest(session: Session) -> DigestInfo | None:
    """The newest digest post: a week's, or a preview of the week so far."""
    run = session.scalars(
        select(DigestRun)
        .where(col(DigestRun.status).in_(("posted", "preview")))
        .order_by(col(DigestRun.posted_at).desc(), col(DigestRun.id).desc())
        .limit(1)
    ).first()
    if run is None or run.posted_at is None:
        return None
    return DigestInfo(
        week_start=run.week_start,
        posted_at=run.posted_at,
        channel=run.channel,
        partial=run.status == "preview",
    )
