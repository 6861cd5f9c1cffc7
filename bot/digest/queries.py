"""The SQL behind one week's figures.

* An incident merged into another (``duplicate_of_id`` set) is the same incident reported
  twice, so it is left out of every figure and only counted as "merged".
* Open and closed are read from the timeline (close, merge and reopen events), so a week's
  figures stay what they were when it ended even if an incident is reopened later:
  ``backlog(end) = backlog(start) + new - closed + reopened`` holds exactly.
* Severity, category, model and title are the incident's current ones.
* Restricted incidents are counted everywhere but never named.

Every query is bounded by the week's own activity (indexes on ``created_at``, ``status``,
``event.at``), so the cost does not grow with the number of incidents ever reported.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from bot.digest.figures import HIGH, Named
from bot.digest.weeks import Week
from bot.store.dialect import seconds_between
from bot.store.models import OPEN_STATUSES, Event, Incident, IncidentCategory


def _counted() -> ColumnElement[bool]:
    """Incidents that count: not merged into another one.

    Written so no index can serve it: as ``IS NULL`` SQLite would pick the duplicate index
    (an "equality") over the ``created_at`` range and scan nearly every incident.
    """
    return func.coalesce(col(Incident.duplicate_of_id), 0) == 0


def _unindexed(column: Any) -> Any:
    """``column || ''``: the same value, but no index can serve a filter on it.

    Without statistics SQLite prefers any equality index (event kind, severity) to the time
    range the week's queries are really bounded by; this keeps it on the time index.
    """
    return column.concat("")


def _closing() -> ColumnElement[bool]:
    kind = _unindexed(col(Event.kind))
    return or_(and_(kind == "status", col(Event.to_value) == "closed"), kind == "merged")


def _reopening() -> ColumnElement[bool]:
    return _unindexed(col(Event.kind)) == "reopened"


def _lifecycle() -> ColumnElement[bool]:
    return or_(_closing(), _reopening())


def _closed_before(moment: datetime) -> ColumnElement[bool]:
    """The incident was closed just before ``moment``: its last close/reopen was a close."""
    last = (
        select(col(Event.kind))
        .where(col(Event.incident_id) == col(Incident.id), _lifecycle(), col(Event.at) < moment)
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    return func.coalesce(last, "reopened") != "reopened"


def _touched(kind: ColumnElement[bool] | None, start: datetime, end: datetime | None = None) -> Any:
    """Ids of incidents with an event (of ``kind``, when given) in ``[start, end)``."""
    statement = select(col(Event.incident_id)).where(col(Event.at) >= start)
    if kind is not None:
        statement = statement.where(kind)
    if end is not None:
        statement = statement.where(col(Event.at) < end)
    return statement  # only used with IN, so no DISTINCT (which would scan a whole index)


def _created_in(week: Week) -> ColumnElement[bool]:
    return and_(
        _counted(),
        col(Incident.created_at) >= week.start_at,
        col(Incident.created_at) < week.end_at,
    )


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.execute(statement).scalar_one() or 0)


def _median(session: Session, values: Any) -> tuple[float | None, int]:
    """The median of a one-column subquery ``values`` (column ``v``), and how many there are."""
    count = _count(session, select(func.count()).select_from(values))
    if count == 0:
        return None, 0
    middle = select(values.c.v).order_by(values.c.v).offset((count - 1) // 2).limit(2 - count % 2)
    picked = [float(v) for v in session.execute(middle).scalars()]
    return sum(picked) / len(picked), count


class WeekQueries:
    """The SQL behind one week's figures, within one session."""

    def __init__(self, session: Session, week: Week) -> None:
        self.session = session
        self.week = week

    def new_counts(self) -> tuple[int, int, int, int]:
        """New this week, new the week before, restricted new, distinct reporters."""
        start, end = self.week.start_at, self.week.end_at
        this_week = col(Incident.created_at) >= start
        row = self.session.execute(
            select(
                func.sum(case((this_week, 1), else_=0)),
                func.sum(case((this_week, 0), else_=1)),
                func.sum(case((and_(this_week, col(Incident.restricted)), 1), else_=0)),
                func.count(distinct(case((this_week, col(Incident.reporter_id)), else_=None))),
            ).where(
                _counted(),
                col(Incident.created_at) >= self.week.previous().start_at,
                col(Incident.created_at) < end,
            )
        ).one()
        return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)

    def backlog(self, moment: datetime) -> int:
        """Incidents open just before ``moment``.

        Those whose open/closed state has not changed since ``moment`` are counted by their
        status now; the few that changed since are corrected from the timeline.
        """
        open_now = col(Incident.status).in_(OPEN_STATUSES)
        existing = and_(_counted(), col(Incident.created_at) < moment)
        still = _count(self.session, select(func.count()).where(existing, open_now))
        correction = select(
            func.sum(case((_closed_before(moment), 0), else_=1) - case((open_now, 1), else_=0))
        ).where(existing, col(Incident.id).in_(_touched(_lifecycle(), moment)))
        return still + _count(self.session, correction)

    def closed(self, week: Week) -> int:
        """Incidents open (or new) at the start of ``week`` and closed at its end."""
        return _count(self.session, select(func.count()).where(*self._closed_in(week)))

    def _closed_in(self, week: Week) -> list[ColumnElement[bool]]:
        return [
            _counted(),
            col(Incident.id).in_(_touched(_closing(), week.start_at, week.end_at)),
            _closed_before(week.end_at),
            ~_closed_before(week.start_at),
        ]

    def reopened(self) -> int:
        """Incidents closed at the start of the week and open at its end."""
        start, end = self.week.start_at, self.week.end_at
        return _count(
            self.session,
            select(func.count()).where(
                _counted(),
                col(Incident.created_at) < start,
                col(Incident.id).in_(_touched(_reopening(), start, end)),
                _closed_before(start),
                ~_closed_before(end),
            ),
        )

    def merged(self) -> int:
        """Reports merged into another incident during the week."""
        merges = _touched(
            _unindexed(col(Event.kind)) == "merged", self.week.start_at, self.week.end_at
        )
        return _count(
            self.session,
            select(func.count()).where(
                col(Incident.duplicate_of_id).is_not(None), col(Incident.id).in_(merges)
            ),
        )

    def ack_median(self) -> tuple[float | None, int]:
        """Median seconds from report to acknowledgement, of those acknowledged this week."""
        start, end = self.week.start_at, self.week.end_at
        acked = col(Incident.acknowledged_at)
        values = (
            select(seconds_between(self.session, acked, col(Incident.created_at)).label("v"))
            .where(
                _counted(),
                acked >= start,
                acked < end,
                # Acknowledging writes an event, so this bounds the scan to the week's activity.
                col(Incident.id).in_(_touched(None, start, end)),
            )
            .subquery()
        )
        return _median(self.session, values)

    def close_median(self) -> float | None:
        """Median seconds from report to close, of the incidents closed this week."""
        closed_at = (
            select(func.max(col(Event.at)))
            .where(
                col(Event.incident_id) == col(Incident.id),
                _closing(),
                col(Event.at) < self.week.end_at,
            )
            .correlate(Incident)
            .scalar_subquery()
        )
        values = (
            select(seconds_between(self.session, closed_at, col(Incident.created_at)).label("v"))
            .where(*self._closed_in(self.week))
            .subquery()
        )
        return _median(self.session, values)[0]

    def by_severity(self) -> dict[str, int]:
        """New incidents per severity."""
        rows = self.session.execute(
            select(col(Incident.severity), func.count())
            .where(_created_in(self.week))
            .group_by(col(Incident.severity))
        ).all()
        return {severity: int(count) for severity, count in rows}

    def by_category(self) -> list[tuple[str, int]]:
        """New incidents per category, most first."""
        count = func.count().label("n")
        rows = self.session.execute(
            select(col(IncidentCategory.category), count)
            .join(Incident, col(Incident.id) == col(IncidentCategory.incident_id))
            .where(_created_in(self.week))
            .group_by(col(IncidentCategory.category))
            .order_by(count.desc(), col(IncidentCategory.category))
        ).all()
        return [(category, int(n)) for category, n in rows]

    def by_model(self) -> list[tuple[str | None, int]]:
        """New incidents per model (names compared without case), most first."""
        name = func.lower(func.trim(col(Incident.model_name)))
        count = func.count().label("n")
        rows = self.session.execute(
            select(func.min(col(Incident.model_name)), count)
            .where(_created_in(self.week))
            .group_by(name)
            .order_by(count.desc(), case((name.is_(None), 1), else_=0), name)
        ).all()
        return [((label or "").strip() or None, int(n)) for label, n in rows]

    def by_eval(self) -> list[tuple[str, int]]:
        """New incidents per eval name (compared without case), most first; incidents with
        no eval (reported by a person) are not counted."""
        name = func.lower(func.trim(col(Incident.eval_name)))
        count = func.count().label("n")
        rows = self.session.execute(
            select(func.min(col(Incident.eval_name)), count)
            .where(_created_in(self.week), col(Incident.eval_name).is_not(None))
            .group_by(name)
            .order_by(count.desc(), name)
        ).all()
        return [(label.strip(), int(n)) for label, n in rows if label and label.strip()]

    def high(self, limit: int) -> tuple[list[Named], int, int]:
        """This week's high and critical incidents: up to ``limit`` named, total, restricted."""
        high = and_(_created_in(self.week), _unindexed(col(Incident.severity)).in_(HIGH))
        counts = self.session.execute(
            select(col(Incident.restricted), func.count())
            .where(high)
            .group_by(col(Incident.restricted))
        ).all()
        by_restricted = {bool(r): int(n) for r, n in counts}
        rank = case((col(Incident.severity) == "critical", 0), else_=1)
        rows = self.session.execute(
            _named(self.week.end_at)
            .where(high, col(Incident.restricted).is_(False))
            .order_by(rank, col(Incident.created_at), col(Incident.id))
            .limit(limit)
        ).all()
        total = sum(by_restricted.values())
        return [Named(*row) for row in rows], total, by_restricted.get(True, 0)

    def oldest_open(self, limit: int) -> list[Named]:
        """The longest-open incidents at the end of the week (restricted ones left out)."""
        end = self.week.end_at
        changed = _touched(_lifecycle(), end)
        base = and_(_counted(), col(Incident.restricted).is_(False), col(Incident.created_at) < end)
        order = (col(Incident.created_at), col(Incident.id))
        unchanged = self.session.execute(
            _named(end)
            .where(base, col(Incident.status).in_(OPEN_STATUSES), col(Incident.id).not_in(changed))
            .order_by(*order)
            .limit(limit)
        ).all()
        reverted = self.session.execute(
            _named(end)
            .where(base, col(Incident.id).in_(changed), ~_closed_before(end))
            .order_by(*order)
            .limit(limit)
        ).all()
        rows = sorted([*unchanged, *reverted], key=lambda r: r[4])[:limit]
        return [Named(*row) for row in rows]

    def trend(self, weeks: int) -> dict[str, list[int]]:
        """New incidents per severity in each of the last ``weeks`` weeks, oldest first."""
        spans = [self.week.shifted(i - weeks + 1) for i in range(weeks)]
        created = col(Incident.created_at)
        columns = [
            func.sum(case((and_(created >= w.start_at, created < w.end_at), 1), else_=0))
            for w in spans
        ]
        rows = self.session.execute(
            select(col(Incident.severity), *columns)
            .where(_counted(), created >= spans[0].start_at, created < spans[-1].end_at)
            .group_by(col(Incident.severity))
        ).all()
        return {row[0]: [int(v or 0) for v in row[1:]] for row in rows}


_STATUS_KINDS = ("reported", "acknowledged", "status", "reopened")


def _status_before(moment: datetime) -> Any:
    """The incident's status just before ``moment``, from its timeline (else its status now)."""
    last = (
        select(col(Event.to_value))
        .where(
            col(Event.incident_id) == col(Incident.id),
            col(Event.kind).in_(_STATUS_KINDS),
            col(Event.at) < moment,
        )
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    return func.coalesce(last, col(Incident.status))


def _named(moment: datetime) -> Select[Any]:
    """Key, title, severity, status at ``moment``, created: what a named incident shows."""
    return select(
        col(Incident.key),
        col(Incident.title),
        col(Incident.severity),
        _status_before(moment),
        col(Incident.created_at),
    )
