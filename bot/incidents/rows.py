"""Rows every change writes: an event on the timeline, and the findings of a check."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.incidents.validation import NUL_STAND_IN
from bot.store.models import Event, Finding

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
