"""The values the incident service takes and gives: a report, what it became, an incident
with everything shown on its page, and the "not asked" default of a precondition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from bot.incidents.duplicates import DuplicateMatch
from bot.store.models import Event, Evidence, Finding, Incident, IncidentFile

if TYPE_CHECKING:
    from bot.checks import CheckResult


class Unchecked:
    """The default of a precondition nobody asked for."""


UNCHECKED = Unchecked()
# ``IncidentFile.kind`` of the file holding the whole evidence, posted by the bot.
EVIDENCE_KIND = "evidence"


@dataclass(frozen=True)
class AttachedFile:
    """A file a report came with: read into the evidence (``read``), or kept as a reference
    with a ``note`` saying why it was not (an image, too big, no access)."""

    name: str
    filetype: str = ""
    size: int = 0
    sha256: str | None = None
    slack_file_id: str | None = None
    permalink: str | None = None
    read: bool = False
    note: str | None = None

    @classmethod
    def of(cls, value: AttachedFile | Mapping[str, Any]) -> AttachedFile:
        """The file itself, or the file a stored (JSON) report describes."""
        if isinstance(value, AttachedFile):
            return value
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in value.items() if k in known})


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
    # Whether the reporter gets a confirmation and later updates; a screened eval log names
    # all its incidents in one summary instead of a DM for each.
    reporter_updates: bool = True
    # Files read into ``text`` (after the message text, in order) or kept as references.
    files: Sequence[AttachedFile] = ()
    # Where an imported eval sample came from (``safetybot import``); editable in the form.
    eval_name: str | None = None
    run_id: str | None = None
    sample_id: str | None = None
    epoch: int | None = None
    source_file: str | None = None


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
    files: list[IncidentFile] = field(default_factory=list)
    # The judge's findings (source ``judge:<model>``), apart from the quick checks' above.
    judge_findings: list[Finding] = field(default_factory=list)

    @property
    def evidence_file(self) -> IncidentFile | None:
        """The whole evidence as the bot posted it in the triage post's thread, if it did."""
        return next((f for f in self.files if f.kind == EVIDENCE_KIND), None)

    @property
    def attached_files(self) -> list[IncidentFile]:
        """The files the report came with, in their order (not the bot's evidence file)."""
        return [f for f in self.files if f.kind != EVIDENCE_KIND]
