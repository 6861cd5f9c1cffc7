"""Shared fixtures: databases (SQLite always, PostgreSQL when configured), clock, services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.checks import CheckEngine
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from tests.databases import private_schema
from tests.engines import shipped_checks
from tests.shared_data import shared_data

PG_ENV = "SAFETYBOT_TEST_DATABASE_URL"
SHARED_DATA = shared_data()


def postgres_url() -> str:
    """The PostgreSQL URL for tests; skipped locally when unset, a failure in CI."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{PG_ENV} must be set in CI: the PostgreSQL variants may not be skipped")
    pytest.skip(f"PostgreSQL variant: set {PG_ENV} to run it")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with private_schema(postgres_url()) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated database."""
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def checks() -> CheckEngine:
    """The quick-check engine with the shipped rule packs, loaded once."""
    return shipped_checks()


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at a Wednesday noon UTC."""
    return FixedClock(datetime(2026, 11, 18, 12, 0, tzinfo=UTC))


@pytest.fixture
def service(db: Database, checks: CheckEngine, clock: FixedClock) -> IncidentService:
    """The incident service on a fresh database."""
    return IncidentService(db=db, checker=checks, clock=clock, key_prefix="AIS")
