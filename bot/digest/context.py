"""The digest's template context: figures turned into the plain values the templates show
(``templates/digest/weekly``; user text is escaped there)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest.figures import TREND_WEEKS, Figures, Named
from bot.digest.weeks import Week
from bot.incidents.vocab import SEVERITY_ICONS, SEVERITY_LABELS, STATUS_LABELS, category_label

SEVERITY_ORDER = ("critical", "high", "medium", "low", "none")
SPARKS = "▁▂▃▄▅▆▇█"


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
        "by_eval": top_n(f.by_eval, top),
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
