"""Weeks in a time zone: boundaries, daylight-saving weeks, ISO names and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.digest.weeks import Week, parse_week, week_of
from bot.incidents.errors import InvalidInput
from tests.digest.conftest import utc


@pytest.mark.parametrize(
    ("zone", "monday", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 23), 167),  # clocks go forward on Sun 29 Mar
        ("Europe/Berlin", date(2026, 10, 19), 169),  # and back on Sun 25 Oct
        ("America/New_York", date(2026, 3, 2), 167),  # forward on Sun 8 Mar
        ("America/New_York", date(2026, 10, 26), 169),  # back on Sun 1 Nov
        ("Europe/Berlin", date(2026, 11, 16), 168),
        ("UTC", date(2026, 3, 23), 168),
    ],
)
def test_daylight_saving_weeks_are_shorter_or_longer(zone: str, monday: date, hours: int) -> None:
    """A week spans local Monday midnight to Monday midnight: 167, 168 or 169 real hours."""
    week = Week(monday, zone)
    assert week.end_at - week.start_at == timedelta(hours=hours)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"])
def test_consecutive_weeks_leave_no_gap_and_no_overlap(zone: str) -> None:
    """Over two years, each week ends exactly where the next begins, at local Monday 00:00."""
    week = Week(date(2025, 12, 29), zone)
    for _ in range(106):
        following = week.shifted(1)
        assert week.end_at == following.start_at
        assert week_of(following.start_at, zone) == following
        assert week_of(following.start_at - timedelta(microseconds=1), zone) == week
        week = following


def test_week_of_uses_the_local_date() -> None:
    """Sunday 23:30 in Berlin is still last week; Monday 00:30 in Berlin is the new one."""
    zone = "Europe/Berlin"
    assert week_of(utc(2026, 11, 15, 22, 30), zone).start == date(2026, 11, 9)
    assert week_of(utc(2026, 11, 15, 23, 30), zone).start == date(2026, 11, 16)
    assert week_of(utc(2026, 11, 15, 23, 30), "UTC").start == date(2026, 11, 9)


def test_week_of_around_a_daylight_saving_change() -> None:
    """The Monday after clocks go back in New York starts at 05:00 UTC, not 04:00."""
    zone = "America/New_York"
    assert week_of(utc(2026, 11, 2, 4, 30), zone).start == date(2026, 10, 26)
    assert week_of(utc(2026, 11, 2, 5, 0), zone).start == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W47", date(2026, 11, 16)),
        ("2026w47", date(2026, 11, 16)),
        (" 2026-w01 ", date(2025, 12, 29)),
        ("2026-W53", date(2026, 12, 28)),
        ("2026-11-18", date(2026, 11, 16)),
    ],
)
def test_parse_week_accepts_iso_weeks_and_dates(text: str, monday: date) -> None:
    """ISO weeks (any case, with or without the dash) and dates name the week's Monday."""
    week = parse_week(text, "UTC")
    assert week.start == monday
    assert parse_week(week.label, "UTC") == week


@pytest.mark.parametrize("text", ["2025-W53", "2026-W00", "2026-W54", "last week", "", "W47"])
def test_parse_week_refuses_what_is_not_a_week(text: str) -> None:
    """A week that does not exist or a word is refused with the expected form named."""
    with pytest.raises(InvalidInput, match="2026-W47"):
        parse_week(text, "UTC")


def test_labels_use_iso_years() -> None:
    """The Monday 29 Dec 2025 starts ISO week 1 of 2026."""
    assert Week(date(2025, 12, 29), "UTC").label == "2026-W01"
    assert Week(date(2026, 11, 16), "UTC").last_day == date(2026, 11, 22)
