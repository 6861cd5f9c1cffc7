"""The week's figures against hand-built histories with known answers (SQLite and PostgreSQL).

The main history, in Europe/Berlin (UTC+1 in November): week 2026-W47 runs from
Mon 16 Nov 00:00 (15 Nov 23:00 UTC) to Mon 23 Nov 00:00 (22 Nov 23:00 UTC).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.checks import CheckEngine
from bot.digest.figures import Figures
from bot.digest.weekly import WeeklyDigest
from bot.digest.weeks import Week, parse_week
from bot.incidents.errors import InvalidInput
from bot.incidents.records import IncidentDetail
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from tests.digest.conftest import ZONE, History, scratch_database, utc

W46 = parse_week("2026-W46", ZONE)
W47 = parse_week("2026-W47", ZONE)


@dataclass
class Built:
    """The main history's digest and the keys of its incidents, by letter."""

    digest: WeeklyDigest
    clock: FixedClock
    keys: dict[str, str]


def _write_main_history(h: History) -> dict[str, str]:
    k: dict[str, str] = {}
    # Week 46
    k["A"] = h.report(
        utc(2026, 11, 10, 10), severity="high", model="Claude-X", categories=["coercion"]
    )
    h.ack(k["A"], utc(2026, 11, 10, 12))
    k["B"] = h.report(utc(2026, 11, 11, 9))
    h.close(k["B"], utc(2026, 11, 12, 9))
    k["C"] = h.report(utc(2026, 11, 12, 8), severity="low")
    h.close(k["C"], utc(2026, 11, 13, 8))
    k["D"] = h.report(utc(2026, 11, 14, 8), severity="critical")
    k["E"] = h.report(utc(2026, 11, 15, 22, 30))  # Sunday 23:30 in Berlin: still week 46
    # Week 47
    k["F"] = h.report(  # Monday 00:30 in Berlin
        utc(2026, 11, 15, 23, 30),
        severity="high",
        model="claude-x",
        categories=["coercion", "secrets"],
        restricted=True,
        title="Restricted: the secret plan",
    )
    k["G"] = h.report(
        utc(2026, 11, 16, 10),
        severity="critical",
        model="GPT-5",
        categories=["deception"],
        title="<!channel> leaked the roadmap",
    )
    h.ack(k["G"], utc(2026, 11, 16, 10, 30))
    h.reopen(k["C"], utc(2026, 11, 17, 10))
    k["H"] = h.report(utc(2026, 11, 17, 9), severity="high")
    h.merge(k["H"], k["A"], utc(2026, 11, 17, 12))
    h.close(k["D"], utc(2026, 11, 18, 10))
    k["I"] = h.report(utc(2026, 11, 19, 9), severity="low", model="GPT-5", categories=["pii"])
    h.ack(k["I"], utc(2026, 11, 19, 13))
    h.close(k["G"], utc(2026, 11, 20, 10))
    k["J"] = h.report(utc(2026, 11, 20, 12), reporter="U2")
    h.close(k["J"], utc(2026, 11, 21, 12))
    h.reopen(k["J"], utc(2026, 11, 21, 13))
    k["K"] = h.report(utc(2026, 11, 21, 8), model=" gpt-5 ")
    # Week 48
    k["M"] = h.report(utc(2026, 11, 22, 23))  # Monday 00:00 in Berlin
    h.close(k["K"], utc(2026, 11, 24, 8))
    return k


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def built(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    checks: CheckEngine,
) -> Iterator[Built]:
    """The main history (see the module docstring), written once per database for the module."""
    with scratch_database(request.param, tmp_path_factory.mktemp("digest")) as db:
        clock = FixedClock(utc(2026, 11, 25, 12))
        service = IncidentService(db=db, checker=checks, clock=clock, key_prefix="AIS")
        keys = _write_main_history(History(service, clock))
        clock.at = utc(2026, 11, 25, 12)
        yield Built(WeeklyDigest(db, zone=ZONE, clock=clock), clock, keys)


def test_counts_new_closed_backlog_and_changes(built: Built) -> None:
    """New, closed, reopened and backlog (with last week's) match the hand-computed answers."""
    f = built.digest.figures(W47)
    assert (f.new, f.previous_new) == (5, 5)
    assert (f.closed, f.previous_closed) == (2, 2)
    assert (f.backlog, f.previous_backlog) == (7, 3)
    assert f.reopened == 1
    assert f.backlog == f.previous_backlog + f.new - f.closed + f.reopened


def test_merged_duplicates_are_counted_once(built: Built) -> None:
    """A report merged into another is left out of every figure and counted as merged."""
    f = built.digest.figures(W47)
    assert f.merged == 1
    assert sum(f.by_severity.values()) == f.new == 5
    assert built.keys["H"] not in {n.key for n in [*f.high, *f.oldest]}
    assert f.high_total == 2  # G and the restricted F; the merged high H is not one


def test_a_week_keeps_its_figures_after_later_changes(built: Built) -> None:
    """Week 46 still shows C as closed and its backlog at its end, though C was reopened later."""
    f = built.digest.figures(W46)
    assert (f.new, f.closed, f.backlog, f.previous_backlog) == (5, 2, 3, 0)
    assert f.reopened == 0 and f.merged == 0


def test_incident_closed_in_a_later_week_is_open_at_this_weeks_end(built: Built) -> None:
    """K, closed in week 48, counts as open (and oldest-open material) for week 47."""
    w48 = built.digest.figures(W47.shifted(1))
    assert w48.closed == 1 and w48.new == 1
    assert w48.previous_backlog == 7 and w48.backlog == 7


def test_breakdowns_by_severity_category_and_model(built: Built) -> None:
    """Severity, category and model counts cover the week's new incidents; models fold case."""
    f = built.digest.figures(W47)
    assert f.by_severity == {"critical": 1, "high": 1, "medium": 2, "low": 1}
    assert f.by_category == [("coercion", 1), ("deception", 1), ("pii", 1), ("secrets", 1)]
    assert [(m and m.strip().lower(), n) for m, n in f.by_model] == [
        ("gpt-5", 3),
        ("claude-x", 1),
        (None, 1),
    ]


def test_reporters_and_restricted_counts(built: Built) -> None:
    """Two people reported this week; one new incident is restricted."""
    f = built.digest.figures(W47)
    assert f.reporters == 2
    assert f.restricted_new == 1


def test_medians_of_acknowledge_and_close(built: Built) -> None:
    """Acknowledged in the week: 30m, 4h, 24h, 98h → 14h; closed: 96h and 98h → 97h."""
    f = built.digest.figures(W47)
    assert f.acknowledged == 4
    assert f.ack_median == pytest.approx(14 * 3600, abs=1)
    assert f.close_median == pytest.approx(97 * 3600, abs=1)


def test_high_and_critical_name_only_unrestricted(built: Built) -> None:
    """G is named with its status at the week's end; the restricted F is only counted."""
    f = built.digest.figures(W47)
    assert [(n.key, n.severity, n.status) for n in f.high] == [
        (built.keys["G"], "critical", "closed")
    ]
    assert (f.high_total, f.high_restricted) == (2, 1)


def test_oldest_open_at_the_end_of_the_week(built: Built) -> None:
    """The five longest-open unrestricted incidents at the week's end, with their status then."""
    f = built.digest.figures(W47)
    k = built.keys
    assert [(n.key, n.status) for n in f.oldest] == [
        (k["A"], "acknowledged"),
        (k["C"], "acknowledged"),
        (k["E"], "new"),
        (k["I"], "acknowledged"),
        (k["J"], "acknowledged"),
    ]


def test_eight_week_trend_per_severity(built: Built) -> None:
    """The trend counts new incidents per severity per week, this week last."""
    f = built.digest.figures(W47)
    zeros = [0] * 6
    assert f.trend == {
        "critical": [*zeros, 1, 1],
        "high": [*zeros, 1, 1],
        "medium": [*zeros, 2, 2],
        "low": [*zeros, 1, 1],
    }


def test_week_in_progress_is_partial_and_as_of_now(built: Built) -> None:
    """Mid-week, the figures cover the week so far and say when they were taken."""
    digest, clock = built.digest, built.clock
    clock.at = utc(2026, 11, 18, 12)
    try:
        f = built.digest.figures(digest.current_week())
        assert f.week == W47 and f.partial and f.as_of == clock.at
        assert built.digest.figures(W46).partial is False
    finally:
        clock.at = utc(2026, 11, 25, 12)


def test_empty_week_is_quiet(built: Built) -> None:
    """A week before anything happened is quiet, with nothing open."""
    f = built.digest.figures(parse_week("2026-W30", ZONE))
    assert f.quiet and (f.new, f.closed, f.backlog) == (0, 0, 0)
    assert f.ack_median is None and f.close_median is None
    assert f.high == [] and f.oldest == [] and f.by_model == []


def test_empty_database(digest: WeeklyDigest) -> None:
    """With no incidents at all every figure is zero and nothing fails."""
    f = digest.figures(W47)
    assert f.quiet and f.backlog == 0 and f.trend == {}


# ---------------------------------------------------------------- against a replay of the timeline


def _replayed_open(details: list[IncidentDetail], moment: datetime) -> set[str]:
    """Which incidents were open just before ``moment``, by replaying each timeline in Python."""
    open_keys = set()
    for detail in details:
        if detail.incident.created_at >= moment:
            continue
        is_open = True
        for event in detail.events:
            if event.at >= moment:
                break
            if event.kind == "merged" or (event.kind == "status" and event.to_value == "closed"):
                is_open = False
            elif event.kind == "reopened":
                is_open = True
        if is_open:
            open_keys.add(detail.incident.key)
    return open_keys


def _random_history(history: History, seed: int) -> list[str]:
    """Reports, closes, reopens and merges at random minutes over four weeks."""
    rng = random.Random(seed)
    start = W46.start_at - timedelta(days=7)
    moments = sorted(start + timedelta(minutes=rng.randrange(4 * 7 * 24 * 60)) for _ in range(90))
    is_open: dict[str, bool] = {}
    for at in moments:
        action = rng.random()
        closed = [k for k, o in is_open.items() if not o]
        open_ = [k for k, o in is_open.items() if o]
        if action < 0.4 or not is_open:
            is_open[history.report(at, severity=rng.choice(["low", "high", "critical"]))] = True
        elif action < 0.7 and open_:
            is_open[key := rng.choice(open_)] = False
            history.close(key, at)
        elif action < 0.85 and closed:
            is_open[key := rng.choice(closed)] = True
            history.reopen(key, at)
        elif open_ and len(is_open) > 1:
            key = rng.choice(open_)
            with contextlib.suppress(InvalidInput):  # a merge that would make a cycle
                history.merge(key, rng.choice([k for k in is_open if k != key]), at)
                is_open[key] = False
    return list(is_open)


def _expected(details: list[IncidentDetail], week: Week) -> tuple[int, ...]:
    counted = [d for d in details if d.incident.duplicate_of_id is None]
    before = _replayed_open(counted, week.start_at)
    after = _replayed_open(counted, week.end_at)
    created = {
        d.incident.key for d in counted if week.start_at <= d.incident.created_at < week.end_at
    }
    closed = {k for k in (before | created) if k not in after}
    reopened = {k for k in after if k not in before and k not in created}
    return len(before), len(after), len(created), len(closed), len(reopened)


def _actual(f: Figures) -> tuple[int, ...]:
    return f.previous_backlog, f.backlog, f.new, f.closed, f.reopened


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_match_a_replay_of_random_histories(
    history: History, digest: WeeklyDigest, clock: FixedClock, seed: int
) -> None:
    """Backlog, new, closed and reopened equal a Python replay of random timelines, every week."""
    keys = _random_history(history, seed)
    details = [history.service.detail(k) for k in keys]
    clock.at = W47.end_at + timedelta(days=10)
    for week in (W46.previous(), W46, W47, W47.shifted(1)):
        assert _actual(digest.figures(week)) == _expected(details, week), week.label
