"""Incidents written out as CSV or JSON Lines, streamed in batches."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlmodel import col

from bot.avid import avid_report
from bot.db import Database
from bot.incidents import categories_of
from bot.models import Evidence, Incident

FORMATS = ("csv", "jsonl", "avid")
COLUMNS = (
    "key", "title", "status", "resolution", "severity", "categories", "restricted", "model_name",
    "model_version", "seen_in", "reporter_id", "assignee_id", "duplicate_of", "created_at",
    "acknowledged_at", "closed_at", "source_permalink", "evidence",
)  # fmt: skip
WITHHELD = "[restricted: run export with --include-restricted]"


def incident_records(
    db: Database,
    *,
    since: datetime | None = None,
    include_restricted: bool = False,
    batch: int = 500,
) -> Iterator[dict[str, Any]]:
    """One plain dict per incident, oldest first; restricted evidence withheld unless asked."""
    last_id = 0
    while True:
        with db.session() as session:
            statement = select(Incident, col(Evidence.text)).join(
                Evidence, col(Evidence.incident_id) == col(Incident.id)
            )
            statement = statement.where(col(Incident.id) > last_id)
            if since is not None:
                statement = statement.where(col(Incident.created_at) >= since)
            rows = session.execute(statement.order_by(col(Incident.id)).limit(batch)).all()
            if not rows:
                return
            ids = [row[0].id for row in rows]
            categories = categories_of(session, ids)
            keys = _keys(session, {r[0].duplicate_of_id for r in rows} - {None})
        for incident, text in rows:
            yield _record(incident, text, categories, keys, include_restricted)
        last_id = ids[-1]


def _record(
    incident: Incident,
    text: str,
    categories: dict[int, list[str]],
    keys: dict[int, str],
    include_restricted: bool,
) -> dict[str, Any]:
    data = incident.model_dump()
    data["categories"] = categories.get(incident.id or 0, [])
    data["duplicate_of"] = keys.get(incident.duplicate_of_id or 0)
    withhold = incident.restricted and not include_restricted
    data["evidence"] = WITHHELD if withhold else text
    if withhold:
        data["title"] = f"{incident.key} (restricted)"
    for name in ("created_at", "acknowledged_at", "closed_at"):
        data[name] = data[name].isoformat() if data[name] else None
    return {name: data[name] for name in COLUMNS}


def _keys(session: Any, ids: set[int | None]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(col(Incident.id), col(Incident.key)).where(col(Incident.id).in_(ids))
    ).all()
    return dict(rows)


def write(records: Iterator[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write records as ``csv``, ``jsonl`` or ``avid`` (JSONL reports); returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "categories": " ".join(record["categories"])})
            count += 1
        return count
    for record in records:
        data = avid_report(record) if fmt == "avid" else record
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count
