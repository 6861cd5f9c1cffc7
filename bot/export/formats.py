"""Incidents written out as CSV, JSON Lines or AVID reports, streamed in batches.

Evidence and free text are masked unless the caller passes no redactor
(``--reveal-secrets``); every CSV cell a spreadsheet would run as a formula is neutralised
either way.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlmodel import col

from bot.export.avid import avid_report
from bot.export.reproductions import runs_by_incident
from bot.incidents.queries import categories_of
from bot.masking.masked_views import EvidenceMask, Span
from bot.masking.redaction import MASKED_CATEGORIES, Redactor
from bot.store.db import Database
from bot.store.models import Evidence, Finding, Incident

FORMATS = ("csv", "jsonl", "avid")
COLUMNS = (
    "key", "title", "status", "resolution", "severity", "categories", "restricted", "model_name",
    "model_version", "seen_in", "reporter_id", "assignee_id", "duplicate_of", "created_at",
    "acknowledged_at", "closed_at", "source_permalink", "evidence",
)  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
FREE_TEXT = ("title", "model_name", "model_version")
WITHHELD = "[restricted: run export with --include-restricted]"


def incident_records(
    db: Database,
    *,
    since: datetime | None = None,
    include_restricted: bool = False,
    redactor: Redactor | None = None,
    batch: int = 500,
) -> Iterator[dict[str, Any]]:
    """One plain dict per incident, oldest first; restricted evidence withheld unless asked.

    With a ``redactor`` the evidence, title and model are masked; without one, raw.
    """
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
            sensitive = _sensitive_spans(session, ids) if redactor else {}
            runs = runs_by_incident(
                session,
                [row[0] for row in rows],
                categories,
                redactor=redactor,
                include_restricted=include_restricted,
            )
        for incident, text in rows:
            record = _record(incident, text, categories, keys, include_restricted)
            if redactor:
                known = sensitive.get(incident.id or 0, [])
                record = _masked(record, EvidenceMask(redactor, text, known))
            # JSON Lines only (a CSV row has no room for them): each run with its outputs.
            record["reproductions"] = runs.get(incident.id or 0, [])
            yield record
        last_id = ids[-1]


def count_incidents(db: Database, *, since: datetime | None = None) -> int:
    """How many incidents an export from ``since`` holds (the progress bar's total)."""
    statement = select(func.count()).select_from(Incident)
    if since is not None:
        statement = statement.where(col(Incident.created_at) >= since)
    with db.session() as session:
        return int(session.execute(statement).scalar_one())


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


def _sensitive_spans(session: Any, ids: list[int]) -> dict[int, list[Span]]:
    """The stored spans of credentials and personal data in each incident's evidence."""
    rows = session.execute(
        select(col(Finding.incident_id), col(Finding.spans)).where(
            col(Finding.incident_id).in_(ids), col(Finding.category).in_(MASKED_CATEGORIES)
        )
    ).all()
    spans: dict[int, list[Span]] = {}
    for incident_id, found in rows:
        spans.setdefault(incident_id, []).extend((int(a), int(b)) for a, b in found)
    return spans


def _masked(record: dict[str, Any], masker: EvidenceMask) -> dict[str, Any]:
    """The record with its evidence and free-text fields masked (withheld evidence stays)."""
    masked = {name: masker.free(record[name]) or None for name in FREE_TEXT}
    if record["evidence"] != WITHHELD:
        masked["evidence"] = masker.evidence()
    return {**record, **masked}


def _keys(session: Any, ids: set[int | None]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(col(Incident.id), col(Incident.key)).where(col(Incident.id).in_(ids))
    ).all()
    return dict(rows)


def csv_cell(value: Any) -> Any:
    """``value`` with a leading single quote if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def write(records: Iterator[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write records as ``csv``, ``jsonl`` or ``avid`` (JSONL reports); returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            row = {**record, "categories": " ".join(record["categories"])}
            writer.writerow({name: csv_cell(value) for name, value in row.items()})
            count += 1
        return count
    for record in records:
        data = avid_report(record) if fmt == "avid" else record
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count
