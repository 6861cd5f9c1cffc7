"""Background checkpoints of SQLite's write-ahead log."""

from __future__ import annotations

import time

import pytest

from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.store.checkpoints import Checkpointer
from bot.store.db import WAL_SAFETY_PAGES, Database


def test_commits_leave_the_log_to_the_background_thread(
    db: Database, service: IncidentService
) -> None:
    """Connections checkpoint only past the safety threshold; the thread copies the log back."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL has no write-ahead log to checkpoint from here")
    with db.engine.connect() as connection:
        threshold = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert threshold == WAL_SAFETY_PAGES
    checkpoints = Checkpointer(db, interval=0.05)
    checkpoints.start()
    try:
        for n in range(5):
            service.report(
                ReportRequest(
                    text=f"Leak the weights tonight. {'x' * 20_000} {n}", reporter_id="U1"
                )
            )
        deadline = time.monotonic() + 10
        while checkpoints.frames_moved == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        checkpoints.stop()
    assert checkpoints.frames_moved > 0


def test_checkpointer_does_nothing_on_postgresql(db: Database) -> None:
    """On PostgreSQL no thread is started."""
    if db.is_sqlite:
        pytest.skip("the PostgreSQL variant")
    checkpoints = Checkpointer(db, interval=0.05)
    checkpoints.start()
    assert checkpoints._thread is None
    checkpoints.stop()
