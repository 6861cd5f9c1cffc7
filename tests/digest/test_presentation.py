"""How figures become words: sparklines, durations, changes, top-N rows, ranges, quiet weeks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.digest.context import (
    age,
    change,
    digest_context,
    duration,
    quiet_line,
    sparkline,
    top_n,
    trend_rows,
    week_range,
)
from bot.digest.figures import Figures
from bot.digest.weeks import Week
from tests.digest.conftest import utc


def _figures(**overrides: object) -> Figures:
    week = Week(date(2026, 11, 16), "Europe/Berlin")
    base = Figures(
        week=week,
        as_of=week.end_at,
        new=0,
        previous_new=0,
        closed=0,
        previous_closed=0,
        backlog=0,
        previous_backlog=0,
        reopened=0,
        merged=0,
        restricted_new=0,
        reporters=0,
        by_severity={},
        by_category=[],
        by_model=[],
        ack_median=None,
        acknowledged=0,
        close_median=None,
        high=[],
        high_total=0,
        high_restricted=0,
        oldest=[],
        trend={},
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ([0, 1, 2, 3, 4, 5, 6, 7], "▁▂▃▄▅▆▇█"),
        ([0, 0, 0, 0, 0, 0, 0, 0], "▁▁▁▁▁▁▁▁"),
        ([5, 5, 5, 5, 5, 5, 5, 5], "████████"),
        ([0, 1, 0, 100, 0, 0, 0, 50], "▁▂▁█▁▁▁▅"),
        ([], ""),
    ],
)
def test_sparkline_scales_to_the_peak(values: list[int], line: str) -> None:
    """Bars scale to the largest value; zero is the lowest bar and any non-zero is higher."""
    assert sparkline(values) == line


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (0, "under a minute"),
        (29, "under a minute"),
        (59.6, "1m"),
        (45 * 60, "45m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 20 * 60, "3h 20m"),
        (49 * 3600 - 0.0001, "2d 1h"),
        (4 * 86400, "4d"),
        (-5, "under a minute"),
    ],
)
def test_duration_is_short_and_rounded(seconds: float | None, text: str) -> None:
    """Durations read like 3h 20m or 2d 1h, rounded to the minute; nothing measured is empty."""
    assert duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "previous", "text"), [(12, 9, "▲3"), (4, 7, "▼3"), (5, 5, "no change")]
)
def test_change_shows_direction_and_size(value: int, previous: int, text: str) -> None:
    """The change from last week is an arrow and a number, or "no change"."""
    assert change(value, previous) == text


def test_top_n_sums_the_rest_into_others() -> None:
    """Beyond the top N, the remaining rows become one "others" row with their sum."""
    counts = [(f"model-{i}", 40 - i) for i in range(40)]
    rows = top_n(counts, 8)
    assert len(rows) == 9
    assert rows[0] == {"label": "model-0", "count": 40, "others": False}
    assert rows[-1] == {"label": "32 others", "count": sum(range(1, 33)), "others": True}
    assert top_n(counts[:9], 8)[-1]["label"] == "1 other"
    assert top_n(counts[:3], 8) == [
        {"label": f"model-{i}", "count": 40 - i, "others": False} for i in range(3)
    ]


def test_week_range_names_the_year_once_unless_it_changes() -> None:
    """A week inside one year shows it once; a week across New Year shows both."""
    assert week_range(Week(date(2026, 11, 16), "UTC")) == "Mon 16 Nov – Sun 22 Nov 2026"
    assert week_range(Week(date(2025, 12, 29), "UTC")) == "Mon 29 Dec 2025 – Sun 4 Jan 2026"


def test_age_in_minutes_hours_then_days() -> None:
    """Ages under an hour are in minutes, under a day in hours; after that in whole days."""
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 1, 10, 0, 59)) == "under a minute"
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 1, 10, 1)) == "1 minute"
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 1, 10, 25)) == "25 minutes"
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 1, 11)) == "1 hour"
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 1, 15)) == "5 hours"
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 2, 11)) == "1 day"
    assert age(utc(2026, 11, 1, 10), utc(2026, 11, 12, 9)) == "10 days"


def test_quiet_line_mentions_what_is_still_open() -> None:
    """A quiet week says so in one line, with the open backlog when there is one."""
    assert quiet_line(_figures()).endswith("Nothing is open.")
    assert quiet_line(_figures(backlog=1)).endswith("1 incident is still open.")
    assert quiet_line(_figures(backlog=4)).endswith("4 incidents are still open.")


def test_trend_rows_skip_silent_severities_and_go_most_severe_first() -> None:
    """Only severities with incidents in the eight weeks get a row, critical before low."""
    rows = trend_rows({"low": [1] * 8, "critical": [0] * 7 + [2], "none": [0] * 8})
    assert [r["label"] for r in rows] == ["Critical", "Low"]
    assert rows[0]["spark"] == "▁▁▁▁▁▁▁█" and rows[0]["last"] == 2 and rows[0]["total"] == 2


def test_context_counts_unnamed_high_incidents() -> None:
    """The context says how many high incidents are beyond the list and how many are restricted."""
    context = digest_context(
        _figures(new=30, high_total=30, high_restricted=4, by_severity={"high": 30}),
        command="/safety",
    )
    assert context["high_more"] == 26 and context["high_restricted"] == 4
    assert context["by_severity"] == [
        {"label": "High", "icon": ":large_orange_circle:", "count": 30}
    ]
    assert context["quiet"] is False and context["partial"] is False
