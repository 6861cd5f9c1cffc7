"""Several replicas starting at once against one new database, as a rollout does."""

from __future__ import annotations

import multiprocessing

from bot.store.db import Database

REPLICAS = 3


def _upgrade(url: str) -> str:
    database = Database(url)
    try:
        database.upgrade()
        return "ok"
    except Exception as exc:  # reported to the test, which names it
        return f"{type(exc).__name__}: {exc}"
    finally:
        database.dispose()


def test_replicas_upgrading_together_all_start(db_url: str) -> None:
    """Concurrent `db upgrade`s in separate processes (a Job plus starting pods) all succeed."""
    with multiprocessing.get_context("spawn").Pool(REPLICAS) as pool:
        outcomes = pool.map(_upgrade, [db_url] * REPLICAS)
    assert outcomes == ["ok"] * REPLICAS
    database = Database(db_url)
    try:
        assert database.is_current()
    finally:
        database.dispose()
