"""Reusing check results and fingerprints between the modal and its submission."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import text

from bot.checks import CheckEngine, CheckResult
from bot.incidents.recent import RecentChecks, RecentResults
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database

THREAT = "Cancel the 5pm wipe or the board learns about the affair."


class CountingChecker:
    """The real checks, counting how often each text was checked."""

    def __init__(self, engine: CheckEngine) -> None:
        self.engine = engine
        self.runs: Counter[str] = Counter()

    def run(self, text: str) -> CheckResult:
        self.runs[text] += 1
        return self.engine.run(text)


def test_submission_reuses_the_checks_the_modal_ran(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """Checking a text and then reporting it runs the checks once; another text runs again."""
    counting = CountingChecker(checks)
    service = IncidentService(db=db, checker=RecentChecks(counting), clock=clock, key_prefix="AIS")
    shown = service.check(THREAT)
    outcome = service.report(ReportRequest(text=THREAT, reporter_id="U1"))
    assert counting.runs[THREAT] == 1
    assert outcome.check is shown
    service.report(ReportRequest(text=THREAT + " Edited.", reporter_id="U1"))
    assert counting.runs[THREAT + " Edited."] == 1


def test_results_are_forgotten_beyond_the_item_and_size_limits() -> None:
    """The least recently used text goes first; a text over the size limit is never kept."""
    calls: Counter[str] = Counter()

    def compute(value: str) -> int:
        calls[value] += 1
        return len(value)

    by_count = RecentResults(compute, max_items=2, max_chars=100)
    for value in ("a", "b", "a", "c", "a", "b"):
        by_count(value)
    assert calls == Counter({"a": 1, "b": 2, "c": 1})
    calls.clear()
    by_size = RecentResults(compute, max_items=100, max_chars=10)
    for value in ("aaaa", "bbbb", "cccc", "cccc", "aaaa", "x" * 11, "x" * 11):
        by_size(value)
    assert calls == Counter({"aaaa": 2, "bbbb": 1, "cccc": 1, "x" * 11: 2})


def test_near_duplicate_lookup_reads_the_band_index(db: Database) -> None:
    """On SQLite the band lookup searches the index instead of scanning every band row."""
    from bot.incidents.duplicates import NEAR_DUPLICATES

    if not db.is_sqlite:
        pytest.skip("the plan checked is SQLite's; PostgreSQL's planner picks its own")
    statement = NEAR_DUPLICATES.params({f"lsh_{i}": i for i in range(16)})
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as connection:
        plan = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    details = [str(row[-1]) for row in plan]
    assert any("ix_evidence_band_lookup" in d for d in details), details
    assert not any(d.startswith("SCAN evidence_band") for d in details), details
