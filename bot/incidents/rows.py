"""Rows every change writes: an event on the timeline, the findings of a check, and the
files a report came with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.incidents.records import EVIDENCE_KIND, AttachedFile
from bot.incidents.validation import NUL_STAND_IN
from bot.store.models import Event, Finding, IncidentFile

if TYPE_CHECKING:
    from bot.checks import CheckResult

MASKED = ("secrets", "pii")  # quoted findings stored for masking only


def event(
    incident_id: int,
    actor: str,
    kind: str,
    at: datetime,
    before: str | None = None,
    to: str | None = None,
    *,
    note: str | None = None,
) -> Event:
    """A timeline event of ``kind`` by ``actor``, from ``before`` to ``to``."""
    return Event(
        incident_id=incident_id,
        actor=actor,
        kind=kind,
        from_value=before,
        to_value=to,
        note=note,
        at=at,
    )


def file_rows(
    incident_id: int, files: Sequence[AttachedFile | Mapping[str, Any]]
) -> list[IncidentFile]:
    """The files a report came with as rows, in the order they were given."""
    return [
        IncidentFile(incident_id=incident_id, position=n, **asdict(AttachedFile.of(f)))
        for n, f in enumerate(files)
    ]


def evidence_file_row(incident_id: int, posted: AttachedFile) -> IncidentFile:
    """The file of the whole evidence the bot posted in the triage post's thread, as a row."""
    return IncidentFile(incident_id=incident_id, kind=EVIDENCE_KIND, **asdict(posted))


def finding_rows(incident_id: int, result: CheckResult) -> list[Finding]:
    """The findings of a check as rows, with the quoted ones kept for masking."""
    return [
        Finding(
            incident_id=incident_id,
            category=f.category,
            check_id=f.check_id,
            score=f.score,
            actuality=f.actuality,
            spans=[list(s) for s in f.spans],
            excerpt=f.excerpt.replace("\x00", NUL_STAND_IN),
        )
        # Secrets in quoted input (a tool result) are kept too, so every view can mask them.
        for f in [*result.findings, *(q for q in result.quoted_findings if q.category in MASKED)]
    ]
