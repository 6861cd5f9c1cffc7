"""A synthetic incident history for the benchmarks, and the databases to hold it.

The shape is realistic: a steady weekly rate, 40 models, most incidents acknowledged within
two days and closed within weeks, a few left open, reopened or merged, each with its
timeline events. Shared by the digest and store benchmarks so both measure the same store.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bot.store.db import Database
from bot.store.models import Event, Incident, IncidentCategory
from tests.databases import scratch_database

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
MODELS = [f"model-{i:02d} {'large' if i % 3 else 'mini'}" for i in range(40)]
CATEGORIES = ["coercion", "self_preservation", "deception", "secrets", "pii", "manipulation"]
SEVERITIES = ["none", "low", "low", "medium", "medium", "medium", "high", "critical"]
REPORTERS = 300
BATCH = 5000


@dataclass
class History:
    """Rows to insert, table by table: incidents first, then what refers to them."""

    incidents: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def history(count: int, days: int, seed: int = 7) -> History:
    """``count`` incidents reported evenly at random over the ``days`` before ``NOW``."""
    rng = random.Random(seed)
    span = timedelta(days=days).total_seconds()
    moments = sorted(NOW - timedelta(seconds=rng.random() * span) for _ in range(count))
    out = History()
    for number, created in enumerate(moments, start=1):
        row: dict[str, Any] = {
            "id": number,
            "key": f"AIS-{number}",
            "prefix": "AIS",
            "number": number,
            "title": f"Model output {number} worried a reviewer",
            "severity": rng.choice(SEVERITIES),
            "suggested_severity": "none",
            "check_reason": "",
            "restricted": rng.random() < 0.05,
            "model_name": rng.choice(MODELS),
            "seen_in": "internal_eval",
            "reporter_id": f"U{rng.randrange(REPORTERS):04d}",
            "created_at": created,
            "updated_at": created,
            "status": "new",
            "reminders_sent": 0,
        }
        events = [_event(number, "reported", created, "new")]
        _work(rng, row, events)
        out.incidents.append(row)
        out.events.extend(events)
        out.categories.extend(
            {"incident_id": number, "category": c}
            for c in rng.sample(CATEGORIES, rng.choice([0, 1, 1, 2]))
        )
    columns = {c for row in out.incidents for c in row}
    out.incidents = [{c: row.get(c) for c in columns} for row in out.incidents]
    return out


def _work(rng: random.Random, row: dict[str, Any], events: list[dict[str, Any]]) -> None:
    """Acknowledge, close, reopen or merge, as a triage team would, up to NOW."""
    number, at = row["id"], row["created_at"]
    acked = at + timedelta(hours=rng.uniform(0.1, 48))
    if rng.random() < 0.9 and acked < NOW:
        row["status"], row["acknowledged_at"] = "acknowledged", acked
        events.append(_event(number, "acknowledged", acked, "acknowledged", "new"))
        at = acked
    closed = at + timedelta(days=rng.uniform(0.2, 30))
    if rng.random() < 0.98 and closed < NOW:  # a few stay open for good
        if rng.random() < 0.01 and number > 1:
            row["duplicate_of_id"] = rng.randrange(1, number)
            events.append(
                _event(number, "merged", closed, f"AIS-{row['duplicate_of_id']}", row["status"])
            )
        else:
            events.append(_event(number, "status", closed, "closed", row["status"]))
        row.update(status="closed", closed_at=closed, resolution="fixed")
        row.setdefault("acknowledged_at", closed)
        reopened = closed + timedelta(days=rng.uniform(1, 5))
        if "duplicate_of_id" not in row and rng.random() < 0.03 and reopened < NOW:
            events.append(_event(number, "reopened", reopened, "acknowledged", "closed"))
            row.update(status="acknowledged", closed_at=None, resolution=None)


def _event(
    incident: int, kind: str, at: datetime, to: str, before: str | None = None
) -> dict[str, Any]:
    return {
        "incident_id": incident,
        "actor": "UTRIAGE",
        "kind": kind,
        "from_value": before,
        "to_value": to,
        "at": at,
    }


def insert_all(db: Database, tables: Sequence[tuple[type, list[dict[str, Any]]]]) -> None:
    """Insert each table's rows in batches, in order.

    PostgreSQL then gets the statistics its autovacuum would gather in production; SQLite
    is left as the bot leaves it.
    """
    with db.write() as session:
        for table, rows in tables:
            for start in range(0, len(rows), BATCH):
                session.execute(insert(table), rows[start : start + BATCH])
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def insert_history(db: Database, rows: History) -> None:
    """Insert a history's incidents, categories and events."""
    insert_all(
        db, [(Incident, rows.incidents), (IncidentCategory, rows.categories), (Event, rows.events)]
    )


def database(kind: str, directory: Path) -> AbstractContextManager[Database]:
    """A migrated, empty database: a SQLite file in ``directory``, or a private PostgreSQL
    schema under ``SAFETYBOT_TEST_DATABASE_URL`` that is dropped afterwards."""
    return scratch_database(
        kind, directory, lambda: os.environ["SAFETYBOT_TEST_DATABASE_URL"], "bench"
    )
