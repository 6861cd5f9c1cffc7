"""Storing a report as a new incident, inside the caller's transaction: the incident under a
provisional key, its evidence and near-duplicate bands, categories, findings, the first
event and its notice, and last its number."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlmodel import Session, col

from bot.incidents import notices, rows, validation
from bot.incidents.duplicates import Fingerprint, ReportMatches
from bot.incidents.records import ReportRequest
from bot.store.dialect import conflict_insert
from bot.store.models import Evidence, EvidenceBand, Incident, IncidentCategory, KeyCounter

if TYPE_CHECKING:
    from bot.checks import CheckResult


def add_incident(
    session: Session,
    request: ReportRequest,
    *,
    text: str,
    result: CheckResult,
    title: str,
    categories: list[str],
    note: str | None,
    fingerprint: Fingerprint,
    key_prefix: str,
    now: datetime,
    matches: ReportMatches | None = None,
) -> Incident:
    """Write the incident a report becomes, with all its rows, and number it last; its triage
    post and its reporter's confirmation will name the ``matches`` the report's lookup found."""
    incident = Incident(
        # Numbered last (below), so the key counter's row lock is held only until
        # the commit, not while the rows of the report are written. The provisional
        # key and number are never committed; on PostgreSQL two equal provisional
        # numbers only make the second insert wait for the first commit.
        key=f"~{secrets.token_hex(11)}",
        prefix=key_prefix,
        number=-1 - secrets.randbits(30),
        title=title,
        severity=validation.chosen_severity(request.severity, result),
        suggested_severity=result.severity,
        check_reason=result.reason[:500],
        restricted=request.restricted,
        model_name=validation.clean(request.model_name),
        model_version=validation.clean(request.model_version),
        seen_in=request.seen_in,
        reporter_id=request.reporter_id,
        source_channel=request.source_channel,
        source_ts=request.source_ts,
        source_permalink=request.source_permalink,
        eval_name=validation.clean(request.eval_name),
        run_id=validation.clean(request.run_id),
        sample_id=validation.clean(request.sample_id),
        epoch=request.epoch,
        source_file=validation.clean(request.source_file),
        created_at=now,
        updated_at=now,
        idempotency_key=request.idempotency_key,
        reporter_updates=request.reporter_updates,
    )
    session.add(incident)
    session.flush()
    assert incident.id is not None
    store_evidence(session, incident.id, request, text, fingerprint)
    session.add_all(rows.file_rows(incident.id, request.files))
    if categories:
        session.execute(
            insert(IncidentCategory),
            [{"incident_id": incident.id, "category": c} for c in categories],
        )
    session.add_all(rows.finding_rows(incident.id, result))
    session.add(rows.event(incident.id, request.reporter_id, "reported", now, to="new", note=note))
    notices.reported(session, incident, now, matches=matches or ReportMatches())
    notices.evidence_file(session, incident, now, length=len(text))
    incident.number = next_number(session, key_prefix)
    incident.key = f"{key_prefix}-{incident.number}"
    return incident


def store_evidence(
    session: Session,
    incident_id: int,
    request: ReportRequest,
    text: str,
    fingerprint: Fingerprint,
) -> None:
    """The evidence row and its near-duplicate bands."""
    session.add(
        Evidence(
            incident_id=incident_id,
            text=text,
            prompt=request.prompt,
            content_hash=fingerprint.digest,
            minhash=fingerprint.signature,
        )
    )
    # Core executemany: sixteen rows per report, without building ORM objects.
    session.execute(
        insert(EvidenceBand),
        [
            {"incident_id": incident_id, "band": i, "value": v}
            for i, v in enumerate(fingerprint.bands)
        ],
    )


def next_number(session: Session, key_prefix: str) -> int:
    """Take the next number for the prefix in one statement; the upsert's row lock makes
    it gap-free under concurrency."""
    statement = (
        conflict_insert(session, KeyCounter)
        .values(prefix=key_prefix, last_number=1)
        .on_conflict_do_update(
            index_elements=[col(KeyCounter.prefix)],
            set_={"last_number": KeyCounter.last_number + 1},
        )
        .returning(col(KeyCounter.last_number))
    )
    return int(session.execute(statement).scalar_one())
