"""Screening samples: run the checks, file the flagged ones once, link near-duplicates.

A flagged sample (its suggested severity at or above the threshold) becomes an incident
through the incident service, so its triage post goes out through the outbox like any
report. It is not filed when:

* an incident already holds its idempotency key (``idempotency_key``): it was imported
  before, from this file or a copy of it;
* its evidence is the same as, or nearly the same as, a stored incident's (including one
  filed earlier in the same run). It is linked instead: at the end of the run each such
  incident gets one timeline note listing the samples that matched it, each with its key
  in brackets, so a re-run finds the link and adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.checks.similarity import jaccard_estimate
from bot.incidents import changes, validation
from bot.incidents.duplicates import NEAR_DUPLICATE_MIN, Fingerprint
from bot.incidents.errors import InvalidInput
from bot.incidents.records import AttachedFile, ReportRequest
from bot.store.models import SEVERITIES

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.service import IncidentService
    from bot.ingest.samples import Sample

DEFAULT_REPORTER = "import"
_REF = re.compile(r"\[(import:[0-9a-f]{32})\]")
_NOTE_HEAD = (
    "safetybot import: {n} flagged sample(s) match this incident and were linked here "
    "instead of being filed:"
)


def idempotency_key(sample: Sample) -> str:
    """``import:`` and a hash of where the sample comes from, its id and its epoch.

    Where it comes from is the log's own identity for an Inspect log (its eval id), so a
    copied, moved or re-exported log is the same; for other files, which carry no run
    identity, it is the hash of the sample's text, so a file with rows added later files
    only the new ones.
    """
    identity = "\x00".join([sample.source, sample.sample_id or "", str(sample.epoch or "")])
    return "import:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class ImportOptions:
    """How a run screens and files: the threshold, who files, and whether it only says."""

    min_severity: str = "medium"
    dry_run: bool = False
    reporter_id: str = DEFAULT_REPORTER
    restricted: bool = False
    seen_in: str = "internal_eval"
    # Screening in Slack: the flagged message's link and the log's file, kept on each incident.
    source_permalink: str | None = None
    files: tuple[AttachedFile, ...] = ()
    # False in Slack: the presser gets the thread's summary, not a DM per incident filed.
    reporter_updates: bool = True

    def __post_init__(self) -> None:
        if self.min_severity not in SEVERITIES[1:]:
            raise InvalidInput(
                f"Unknown severity '{self.min_severity}'. Use one of: {', '.join(SEVERITIES[1:])}."
            )
        if not self.reporter_id.strip() or len(self.reporter_id) > 64:
            raise InvalidInput("The reporter must be 1 to 64 characters.")


@dataclass(frozen=True)
class Filed:
    """A flagged sample and the incident it became (or would become, in a dry run)."""

    sample: str
    key: str | None
    severity: str
    categories: list[str]


@dataclass(frozen=True)
class Linked:
    """A flagged sample not filed because it matches ``key``."""

    sample: str
    key: str
    similarity: float


@dataclass
class Summary:
    """What a run did, for the table at the end and ``--json``."""

    dry_run: bool = False
    screened: int = 0
    flagged: int = 0
    filed: int = 0
    duplicates: int = 0
    already_imported: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    incidents: list[Filed] = field(default_factory=list)
    links: list[Linked] = field(default_factory=list)
    not_screened: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` document (documented in docs/import.md; fields are only added)."""
        return {
            "screened": self.screened,
            "flagged": self.flagged,
            "filed": self.filed,
            "duplicates": self.duplicates,
            "already_imported": self.already_imported,
            "not_screened": len(self.not_screened),
            "dry_run": self.dry_run,
            "by_category": dict(sorted(self.by_category.items())),
            "incidents": [
                {
                    "key": f.key,
                    "sample": f.sample,
                    "severity": f.severity,
                    "categories": f.categories,
                }
                for f in self.incidents
            ],
            "linked": [
                {"sample": x.sample, "key": x.key, "similarity": round(x.similarity, 3)}
                for x in self.links
            ],
            "problems": list(self.not_screened),
        }


@dataclass
class _Pending:
    """The samples waiting to be linked to one incident, with their keys."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    refs: set[str] | None = None


class Screening:
    """One ``import`` run: ``screen`` each sample, then ``finish`` to write the links."""

    def __init__(self, incidents: IncidentService, options: ImportOptions) -> None:
        self.incidents = incidents
        self.options = options
        self.summary = Summary(dry_run=options.dry_run)
        self._floor = SEVERITIES.index(options.min_severity)
        self._pending: dict[str, _Pending] = {}
        self._run = _RunIndex()  # what a dry run would have filed, for in-run duplicates

    def screen(self, sample: Sample) -> None:
        """Check one sample and file, link or skip it."""
        try:
            validation.validated_text(sample.text)
        except InvalidInput as exc:
            self.summary.not_screened.append(f"{sample.label()}: {exc}")
            return
        result = self.incidents.check(sample.text)
        self.summary.screened += 1
        severity = validation.suggested_severity(result)
        if SEVERITIES.index(severity) < self._floor:
            return
        self.summary.flagged += 1
        self.summary.by_category.update(result.categories)
        self._flagged(sample, result, severity)

    def _flagged(self, sample: Sample, result: CheckResult, severity: str) -> None:
        key = idempotency_key(sample)
        if self.incidents.reported(key) is not None:
            self.summary.already_imported += 1
            return
        match = self._match(sample)
        if match is not None:
            self._link(sample, key, *match)
            return
        filed = None
        if not self.options.dry_run:
            filed = self._file(sample, key, result)
            if filed is None:
                self.summary.already_imported += 1
                return
        self.summary.filed += 1
        label = sample.label()
        self.summary.incidents.append(Filed(label, filed, severity, list(result.categories)))
        if self.options.dry_run:
            self._run.add(Fingerprint.of(sample.text), f"(new: {label})")

    def _match(self, sample: Sample) -> tuple[str, float] | None:
        """The incident (or in a dry run, the sample to be filed) this one duplicates."""
        fingerprint = Fingerprint.of(sample.text) if self.options.dry_run else None
        if fingerprint is not None:
            found = self._run.find(fingerprint)
            if found is not None:
                return found
        matches = self.incidents.find_duplicates(sample.text, limit=1)
        return (matches[0].key, matches[0].similarity) if matches else None

    def _file(self, sample: Sample, key: str, result: CheckResult) -> str | None:
        """File the sample; its incident's key, or None when it was already stored."""
        outcome = self.incidents.report(self._request(sample, key), checks=result)
        return outcome.incident.key if outcome.created else None

    def _request(self, sample: Sample, key: str) -> ReportRequest:
        return ReportRequest(
            text=sample.text,
            reporter_id=self.options.reporter_id,
            model_name=_clip(sample.model, validation.column_limit("model_name")),
            seen_in=self.options.seen_in,
            restricted=self.options.restricted,
            idempotency_key=key,
            eval_name=_clip(sample.eval_name, validation.column_limit("eval_name")),
            run_id=_clip(sample.run_id, validation.column_limit("run_id")),
            sample_id=_clip(sample.sample_id, validation.column_limit("sample_id")),
            epoch=sample.epoch,
            source_file=sample.source_file[-validation.column_limit("source_file") :],
            source_permalink=self.options.source_permalink,
            files=self.options.files,
            reporter_updates=self.options.reporter_updates,
        )

    def _link(self, sample: Sample, key: str, target: str, similarity: float) -> None:
        pending = self._pending.setdefault(target, _Pending())
        if pending.refs is None:
            pending.refs = self._linked_refs(target)
        if key in pending.refs:
            self.summary.already_imported += 1
            return
        pending.refs.add(key)
        pending.lines.append((sample.label(), key))
        self.summary.duplicates += 1
        self.summary.links.append(Linked(sample.label(), target, similarity))

    def _linked_refs(self, target: str) -> set[str]:
        """The sample keys already named in notes on ``target`` (none for a dry run's own)."""
        if target.startswith("(new"):
            return set()
        events = self.incidents.detail(target).events
        return {ref for e in events if e.kind == "note" for ref in _REF.findall(e.note or "")}

    def finish(self) -> Summary:
        """Write one note per linked incident (none in a dry run) and return the summary."""
        if not self.options.dry_run:
            for target, pending in self._pending.items():
                for note in _notes(pending.lines):
                    self.incidents.add_note(target, note, actor=self.options.reporter_id)
        self._pending.clear()
        return self.summary


def _notes(lines: list[tuple[str, str]]) -> Iterable[str]:
    """The link notes for one incident, split to stay within a note's length."""
    chunk: list[str] = []
    size = 0
    for label, key in lines:
        line = f"• {label[:300]} [{key}]"
        if chunk and size + len(line) + 1 > changes.MAX_NOTE - 300:
            yield "\n".join([_NOTE_HEAD.format(n=len(chunk)), *chunk])
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        yield "\n".join([_NOTE_HEAD.format(n=len(chunk)), *chunk])


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


class _RunIndex:
    """Near-duplicate lookup among the samples of one dry run, with the same bands and
    threshold as the stored incidents'."""

    def __init__(self) -> None:
        self._exact: dict[str, str] = {}
        self._bands: dict[tuple[int, int], list[int]] = {}
        self._entries: list[tuple[list[int], str]] = []

    def add(self, fingerprint: Fingerprint, label: str) -> None:
        self._exact.setdefault(fingerprint.digest, label)
        index = len(self._entries)
        self._entries.append((fingerprint.signature, label))
        for band, value in enumerate(fingerprint.bands):
            self._bands.setdefault((band, value), []).append(index)

    def find(self, fingerprint: Fingerprint) -> tuple[str, float] | None:
        if fingerprint.digest in self._exact:
            return self._exact[fingerprint.digest], 1.0
        candidates = {
            i for b, v in enumerate(fingerprint.bands) for i in self._bands.get((b, v), ())
        }
        best: tuple[str, float] | None = None
        for i in sorted(candidates):
            signature, label = self._entries[i]
            score = jaccard_estimate(fingerprint.signature, signature)
            if score >= NEAR_DUPLICATE_MIN and (best is None or score > best[1]):
                best = (label, score)
        return best
