"""Fixtures for the weekly digest: a history written at chosen instants, and the digest over it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.digest.weekly import WeeklyDigest
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.slack.blocks import TemplateRenderer
from bot.store.db import Database
from tests import databases
from tests.conftest import postgres_url

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ZONE = "Europe/Berlin"


def utc(*parts: int) -> datetime:
    """An aware UTC datetime: ``utc(2026, 11, 16, 10)``."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@contextmanager
def scratch_database(kind: str, directory: Path) -> Iterator[Database]:
    """A migrated database for a module's shared data: a SQLite file or a private PG schema."""
    with databases.scratch_database(kind, directory, postgres_url) as db:
        yield db


class History:
    """Reports and works incidents through the service, each step at a chosen instant."""

    def __init__(self, service: IncidentService, clock: FixedClock) -> None:
        self.service = service
        self.clock = clock
        self._texts = itertools.count(1)

    def report(
        self,
        at: datetime,
        *,
        severity: str = "medium",
        model: str | None = None,
        categories: Sequence[str] = (),
        restricted: bool = False,
        reporter: str = "U1",
        title: str | None = None,
    ) -> str:
        """File an incident at ``at``; returns its key."""
        self.clock.at = at
        number = next(self._texts)
        request = ReportRequest(
            text=f"History entry {number}: the model said something worrying.",
            reporter_id=reporter,
            title=title or f"Incident number {number}",
            model_name=model,
            severity=severity,
            categories=list(categories),
            restricted=restricted,
        )
        return self.service.report(request).incident.key

    def ack(self, key: str, at: datetime) -> None:
        """Acknowledge ``key`` at ``at``."""
        self.clock.at = at
        self.service.acknowledge(key, actor="UTRIAGE")

    def close(self, key: str, at: datetime) -> None:
        """Close ``key`` as fixed at ``at``."""
        self.clock.at = at
        self.service.transition(key, "closed", actor="UTRIAGE", resolution="fixed")

    def reopen(self, key: str, at: datetime) -> None:
        """Reopen ``key`` at ``at``."""
        self.clock.at = at
        self.service.reopen(key, actor="UTRIAGE")

    def merge(self, key: str, into: str, at: datetime) -> None:
        """Merge ``key`` into ``into`` as a duplicate at ``at``."""
        self.clock.at = at
        self.service.mark_duplicate(key, into, actor="UTRIAGE")


@pytest.fixture
def history(service: IncidentService, clock: FixedClock) -> History:
    """An empty history on a fresh database."""
    return History(service, clock)


@pytest.fixture
def digest(db: Database, clock: FixedClock) -> WeeklyDigest:
    """The weekly digest in Europe/Berlin over the test database."""
    return WeeklyDigest(db, zone=ZONE, clock=clock)


@pytest.fixture(scope="session")
def renderer() -> TemplateRenderer:
    """A renderer over the repository's templates."""
    return TemplateRenderer(TEMPLATES)
