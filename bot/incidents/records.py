"""The values the incident service takes and gives: a report, what it became, an incident
with everything shown on its page, and the "not asked" default of a precondition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.incidents.duplicates import DuplicateMatch
from bot.store.models import Event, Evidence, Finding, Incident

if TYPE_CHECKING:
    from bot.checks import CheckResult


class Unchecked:
    """The default of a precondition nobody asked for."""


UNCHECKED = Unchecked()


@dataclass(frozen=True)
class ReportRequest:
    """Everything a reporter tells us; ``None`` severity/categories means "as suggested"."""

    text: str
    reporter_id: str
    prompt: str | None = None
    title: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    seen_in: str = "other"
    categories: Sequence[str] | None = None
    severity: str | None = None
    restricted: bool = False
    source_channel: str | None = None
    source_ts: str | None = None
    source_permalink: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ReportOutcome:
    """The incident a report became, whether it is new, and what it may duplicate."""

    incident: Incident
    created: bool
    check: CheckResult | None = None
    duplicates: list[DuplicateMatch] = field(default_factory=list)


@dataclass(frozen=True)
class IncidentDetail:
    """An incident with everything shown on its page."""

    incident: Incident
    evidence: Evidence
    categories: list[str]
    findings: list[Finding]
    events: list[Event]
    duplicate_of: str | None
    duplicates: list[str]
