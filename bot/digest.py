"""The weekly digest's figures, computed in SQL, and the template context made from them.

A week runs from Monday 00:00 to the next Monday 00:00 in the configured time zone, so a
week with a daylight-saving change is 167 or 169 hours long and no week is skipped or
counted twice. Times are compared in UTC; the boundaries are converted once.

Figures:

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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from bot.incidents.errors import InvalidInput
from bot.incidents.vocab import SEVERITY_ICONS, SEVERITY_LABELS, STATUS_LABELS, category_label
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.dialect import seconds_between
from bot.store.models import OPEN_STATUSES, Event, Incident, IncidentCategory

SEVERITY_ORDER = ("critical", "high", "medium", "low", "none")
HIGH = ("critical", "high")
TREND_WEEKS = 8
SPARKS = "▁▂▃▄▅▆▇█"
_ISO_WEEK = re.compile(r"^\s*(\d{4})-?[wW](\d{1,2})\s*$")

# ---------------------------------------------------------------- weeks


@dataclass(frozen=True)
class Week:
    """A Monday-to-Sunday week in one time zone."""

    start: date
    zone: str

    @property
    def start_at(self) -> datetime:
        """Monday 00:00 local time, in UTC."""
        return _local_midnight(self.start, self.zone)

    @property
    def end_at(self) -> datetime:
        """The next Monday 00:00 local time, in UTC (exclusive)."""
        return _local_midnight(self.start + timedelta(days=7), self.zone)

    @property
    def label(self) -> str:
        """The ISO week, like ``2026-W47``."""
        year, number, _ = self.start.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def last_day(self) -> date:
        """The Sunday."""
        return self.start + timedelta(days=6)

    def shifted(self, weeks: int) -> Week:
        """The week ``weeks`` later (earlier when negative)."""
        return Week(self.start + timedelta(weeks=weeks), self.zone)

    def previous(self) -> Week:
        """The week before."""
        return self.shifted(-1)


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def week_of(moment: datetime, zone: str) -> Week:
    """The week that contains ``moment`` in ``zone``."""
    local = moment.astimezone(ZoneInfo(zone)).date()
    return Week(local - timedelta(days=local.weekday()), zone)


def parse_week(text: str, zone: str) -> Week:
    """A week from ``2026-W47`` (ISO) or a date in it (``2026-11-18``); else a clear error."""
    match = _ISO_WEEK.match(text or "")
    try:
        if match:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        else:
            day = date.fromisoformat((text or "").strip())
            monday = day - timedelta(days=day.weekday())
    except ValueError:
        raise InvalidInput(
            f"{(text or '').strip()[:40]!r} is not a week: use an ISO week like 2026-W47 "
            "(weeks 1 to 52, or 53 in long years) or a date like 2026-11-18."
        ) from None
    return Week(monday, zone)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Named:
    """An incident the digest names (never a restricted one)."""

    key: str
    title: str
    severity: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Figures:
    """Everything the digest says about one week."""

    week: Week
    as_of: datetime
    new: int
    previous_new: int
    closed: int
    previous_closed: int
    backlog: int
    previous_backlog: int
    reopened: int
    merged: int
    restricted_new: int
    reporters: int
    by_severity: dict[str, int]
    by_category: list[tuple[str, int]]
    by_model: list[tuple[str | None, int]]
    ack_median: float | None
    acknowledged: int
    close_median: float | None
    high: list[Named]
    high_total: int
    high_restricted: int
    oldest: list[Named]
    trend: dict[str, list[int]]

    @property
    def partial(self) -> bool:
        """The week is not over yet."""
        return self.as_of < self.week.end_at

    @property
    def quiet(self) -> bool:
        """Nothing was reported, closed or reopened in the week."""
        return self.new == 0 and self.closed == 0 and self.reopened == 0


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


# ---------------------------------------------------------------- the digest


class WeeklyDigest:
    """Figures for a week and the template context of ``templates/digest/weekly``."""

    def __init__(
        self,
        db: Database,
        *,
        zone: str,
        clock: Clock,
        command: str = "/safety",
        top: int = 8,
        listed: int = 10,
        oldest: int = 5,
    ) -> None:
        self.db = db
        self.zone = zone
        self.clock = clock
        self.command = command
        self.top = top
        self.listed = listed
        self.oldest = oldest

    def current_week(self) -> Week:
        """The week in progress."""
        return week_of(self.clock.now(), self.zone)

    def last_complete_week(self) -> Week:
        """The most recent week that is over."""
        return self.current_week().previous()

    def week(self, text: str | None) -> Week:
        """The week named by ``text`` (``2026-W47``), or the current one when empty."""
        return parse_week(text, self.zone) if text else self.current_week()

    def figures(self, week: Week) -> Figures:
        """Compute the week's figures in one read transaction."""
        as_of = min(self.clock.now(), week.end_at)
        with self.db.session() as session:
            q = WeekQueries(session, week)
            new, previous_new, restricted_new, reporters = q.new_counts()
            ack_median, acknowledged = q.ack_median()
            high, high_total, high_restricted = q.high(self.listed)
            return Figures(
                week=week,
                as_of=as_of,
                new=new,
                previous_new=previous_new,
                closed=q.closed(week),
                previous_closed=q.closed(week.previous()),
                backlog=q.backlog(week.end_at),
                previous_backlog=q.backlog(week.start_at),
                reopened=q.reopened(),
                merged=q.merged(),
                restricted_new=restricted_new,
                reporters=reporters,
                by_severity=q.by_severity(),
                by_category=q.by_category(),
                by_model=q.by_model(),
                ack_median=ack_median,
                acknowledged=acknowledged,
                close_median=q.close_median(),
                high=high,
                high_total=high_total,
                high_restricted=high_restricted,
                oldest=q.oldest_open(self.oldest),
                trend=q.trend(TREND_WEEKS),
            )

    def context(self, week: Week, *, terminal: bool = False) -> dict[str, Any]:
        """The template context for ``week``; ``terminal`` renders the text for a terminal."""
        return digest_context(
            self.figures(week), command=self.command, top=self.top, terminal=terminal
        )


# ---------------------------------------------------------------- presentation


def digest_context(
    figures: Figures, *, command: str, top: int = 8, terminal: bool = False
) -> dict[str, Any]:
    """Turn figures into the plain values the templates show (user text is escaped there)."""
    f = figures
    week = f.week
    return {
        "title": "Weekly safety digest",
        "week_label": week.label,
        "range": week_range(week),
        "zone": week.zone,
        "partial": f.partial,
        "as_of": _local(f.as_of, week.zone).strftime("%a %d %b, %H:%M"),
        "quiet": f.quiet,
        "quiet_line": quiet_line(f),
        "totals": [
            _total("New", f.new, f.previous_new, "last week"),
            _total("Closed", f.closed, f.previous_closed, "last week"),
            _total("Open backlog", f.backlog, f.previous_backlog, "a week before"),
        ],
        "reporters": f.reporters,
        "reopened": f.reopened,
        "merged": f.merged,
        "restricted_new": f.restricted_new,
        "ack_median": duration(f.ack_median),
        "acknowledged": f.acknowledged,
        "close_median": duration(f.close_median),
        "by_severity": [
            {"label": SEVERITY_LABELS[s], "icon": SEVERITY_ICONS[s], "count": f.by_severity[s]}
            for s in SEVERITY_ORDER
            if f.by_severity.get(s)
        ],
        "by_category": top_n([(category_label(c), n) for c, n in f.by_category], top),
        "by_model": top_n([(m or "not given", n) for m, n in f.by_model], top),
        "high": [_named_context(n, f.as_of) for n in f.high],
        "high_more": f.high_total - f.high_restricted - len(f.high),
        "high_restricted": f.high_restricted,
        "oldest": [_named_context(n, f.as_of) for n in f.oldest],
        "trend": trend_rows(f.trend),
        "trend_weeks": TREND_WEEKS,
        "command": command,
        "terminal": terminal,
    }


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def week_range(week: Week) -> str:
    """``Mon 16 Nov – Sun 22 Nov 2026`` (the year once when both days share it)."""
    first, last = week.start, week.last_day
    head = f"Mon {first.day} {first:%b}" + ("" if first.year == last.year else f" {first.year}")
    return f"{head} – Sun {last.day} {last:%b} {last.year}"


def change(value: int, previous: int) -> str:
    """``▲3``, ``▼2`` or ``no change``."""
    if value > previous:
        return f"▲{value - previous}"
    if value < previous:
        return f"▼{previous - value}"
    return "no change"


def _total(label: str, value: int, previous: int, since: str) -> dict[str, Any]:
    return {
        "label": label,
        "value": value,
        "change": change(value, previous),
        "previous": previous,
        "since": since,
    }


def quiet_line(f: Figures) -> str:
    """The one friendly line of a week in which nothing happened."""
    when = "so far this week" if f.partial else "this week"
    line = f"A quiet week: nothing was reported, closed or reopened {when}."
    if f.backlog == 0:
        return line + " Nothing is open."
    open_text = "1 incident is" if f.backlog == 1 else f"{f.backlog} incidents are"
    return line + f" {open_text} still open."


def duration(seconds: float | None) -> str:
    """``45m``, ``3h 20m``, ``2d 4h``, ``under a minute``; empty when nothing was measured."""
    if seconds is None:
        return ""
    minutes = round(max(0.0, seconds) / 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def age(created: datetime, as_of: datetime) -> str:
    """How long ago, in words: ``under a minute``, minutes within the first hour, hours within
    the first day, then whole days."""
    minutes = int(max(0.0, (as_of - created).total_seconds()) // 60)
    if minutes < 1:
        return "under a minute"
    for unit, size in (("day", 24 * 60), ("hour", 60)):
        if minutes >= size:
            return plural(minutes // size, unit)
    return plural(minutes, "minute")


def plural(count: int, unit: str) -> str:
    """``1 day``, ``2 days``."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _named_context(named: Named, as_of: datetime) -> dict[str, Any]:
    return {
        "key": named.key,
        "title": named.title.strip() or "(untitled)",
        "severity": named.severity,
        "icon": SEVERITY_ICONS.get(named.severity, ":white_circle:"),
        "status": STATUS_LABELS.get(named.status, named.status).lower(),
        "age": age(named.created_at, as_of),
    }


def top_n(counts: Sequence[tuple[str, int]], n: int) -> list[dict[str, Any]]:
    """The ``n`` largest counts as rows, the rest summed into one ``others`` row."""
    rows = [{"label": label, "count": count, "others": False} for label, count in counts[:n]]
    rest = counts[n:]
    if rest:
        label = f"{len(rest)} others" if len(rest) > 1 else "1 other"
        rows.append({"label": label, "count": sum(c for _, c in rest), "others": True})
    return rows


def sparkline(values: Sequence[int]) -> str:
    """One bar per value, scaled to the largest; zero is the lowest bar, anything else higher."""
    peak = max(values, default=0)
    if peak <= 0:
        return SPARKS[0] * len(values)
    steps = len(SPARKS) - 1
    return "".join(SPARKS[0] if v <= 0 else SPARKS[max(1, round(v / peak * steps))] for v in values)


def trend_rows(trend: dict[str, list[int]]) -> list[dict[str, Any]]:
    """One row per severity that had any incident in the trend, most severe first."""
    rows = []
    for severity in SEVERITY_ORDER:
        counts = trend.get(severity)
        if not counts or not any(counts):
            continue
        rows.append(
            {
                "label": SEVERITY_LABELS[severity],
                "spark": sparkline(counts),
                "total": sum(counts),
                "last": counts[-1],
                "line": f"{SEVERITY_LABELS[severity]:<9}{sparkline(counts)} {counts[-1]:>4}",
            }
        )
    return rows
