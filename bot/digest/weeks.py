"""Weeks of the digest: Monday 00:00 to the next Monday 00:00 in the configured time zone.

A week with a daylight-saving change is 167 or 169 hours long and no week is skipped or
counted twice. Times are compared in UTC; the boundaries are converted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.incidents.errors import InvalidInput

_ISO_WEEK = re.compile(r"^\s*(\d{4})-?[wW](\d{1,2})\s*$")


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
