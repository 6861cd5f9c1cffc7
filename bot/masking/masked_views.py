"""Masked copies of what the command line and the exports show of evidence and incidents.

Evidence is masked at the sensitive spans stored with its findings and wherever the
redactor's patterns match now; every free-text field is scanned, and also loses any piece
of the evidence's sensitive strings it quotes. A ``None`` redactor means
``--reveal-secrets``: everything is shown as stored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from bot.masking.redaction import MASKED_CATEGORIES, Redactor, mask, mask_fragments

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.records import IncidentDetail, ReportOutcome
    from bot.store.models import Incident

REVEAL_HELP = "show credentials and personal data unmasked (triage on a trusted terminal)"
REVEAL_WARNING = (
    "warning: --reveal-secrets: credentials and personal data are shown unmasked; "
    "use it only on a trusted terminal and keep the output private"
)
# A quotation in a one-line summary: "…" with an optional trailing ellipsis.
_QUOTED = re.compile(r'"([^"]+?)…?"')

Span = tuple[int, int]


class SpannedFinding(Protocol):
    """A finding from the checks or from the store."""

    @property
    def category(self) -> str: ...

    @property
    def spans(self) -> Any: ...


def stored_spans(findings: Iterable[SpannedFinding]) -> list[Span]:
    """The spans of the findings that mark credentials and personal data."""
    return [
        (int(s[0]), int(s[1])) for f in findings if f.category in MASKED_CATEGORIES for s in f.spans
    ]


class EvidenceMask:
    """Masks one evidence text and any text that may quote it."""

    def __init__(self, redactor: Redactor | None, text: str, known: Iterable[Span] = ()) -> None:
        self._redactor = redactor
        self._text = text
        self._flat = text.replace("\n", " ")  # excerpts are cut from the text with this done
        found = [*known, *redactor.spans(text)] if redactor else []
        self._spans = sorted({(a, b) for a, b in found if b > a})
        self._secrets = [text[a:b] for a, b in self._spans]

    @property
    def length(self) -> int:
        """The evidence's length (offsets into it stay valid)."""
        return len(self._text)

    def evidence(self) -> str:
        """The whole evidence, masked."""
        return mask(self._text, self._spans)

    def window(self, start: int, end: int) -> str:
        """``text[start:end]``, masked as it is within the whole text."""
        return mask(self._text[start:end], self._shifted(start, end))

    def quote(self, piece: str, near: int = 0) -> str:
        """A piece cut from the evidence (newlines as spaces), masked where it was cut from;
        a piece not found there is masked as free text."""
        if not self._redactor or not piece:
            return piece
        at = self._flat.find(piece, max(0, near))
        if at < 0:
            at = self._flat.find(piece)
        if at < 0:
            return self.free(piece)
        return mask(piece, self._shifted(at, at + len(piece)))

    def line(self, line: str) -> str:
        """A summary line: every quotation in it masked as a quote, then as free text."""
        if not self._redactor:
            return line
        quoted = _QUOTED.sub(lambda m: m.group(0).replace(m[1], self.quote(m[1])), line)
        return self.free(quoted)

    def free(self, text: str | None) -> str:
        """Free text (a title, a note): the patterns' matches and the evidence's sensitive
        strings masked."""
        if not self._redactor or not text:
            return text or ""
        return mask_fragments(self._redactor.text(text), self._secrets)

    def _shifted(self, start: int, end: int) -> list[Span]:
        return [(a - start, b - start) for a, b in self._spans if b > start and a < end]


def excerpt_near(spans: Sequence[Sequence[int]], length: int) -> int:
    """Where to start looking for an excerpt of ``length`` around a finding's first span."""
    return max(0, int(spans[0][0]) - length) if spans else 0


def masked_incident(incident: Incident, masker: EvidenceMask) -> Incident:
    """A copy of ``incident`` with its free-text fields masked."""
    fields = ("title", "model_name", "model_version", "resolution_summary")
    update: dict[str, Any] = {
        name: masker.free(value) if (value := getattr(incident, name)) else value for name in fields
    }
    update["check_reason"] = masker.line(incident.check_reason)
    return incident.model_copy(update=update)


def masked_detail(detail: IncidentDetail, redactor: Redactor | None) -> IncidentDetail:
    """A copy of ``detail`` with its evidence, finding excerpts, free text and timeline masked."""
    if redactor is None:
        return detail
    evidence = detail.evidence
    masker = EvidenceMask(redactor, evidence.text, stored_spans(detail.findings))
    return dataclasses.replace(
        detail,
        incident=masked_incident(detail.incident, masker),
        evidence=evidence.model_copy(
            update={"text": masker.evidence(), "prompt": masker.free(evidence.prompt) or None}
        ),
        findings=[
            f.model_copy(
                update={"excerpt": masker.quote(f.excerpt, excerpt_near(f.spans, len(f.excerpt)))}
            )
            for f in detail.findings
        ],
        judge_findings=[
            f.model_copy(update={"excerpt": masker.free(f.excerpt)}) for f in detail.judge_findings
        ],
        events=[
            e.model_copy(
                update={
                    "from_value": e.from_value and masker.free(e.from_value),
                    "to_value": e.to_value and masker.free(e.to_value),
                    "note": e.note and masker.free(e.note),
                }
            )
            for e in detail.events
        ],
    )


def masked_incidents(incidents: Sequence[Incident], redactor: Redactor | None) -> list[Incident]:
    """Copies of ``incidents`` with titles and model names masked, for lists."""
    if redactor is None:
        return list(incidents)
    return [masked_incident(i, EvidenceMask(redactor, "")) for i in incidents]


def masked_check(result: CheckResult, text: str, redactor: Redactor | None) -> dict[str, Any]:
    """``result.to_dict()`` with finding excerpts and the reason masked; offsets unchanged."""
    data = result.to_dict()
    if redactor is None:
        return data
    masker = check_mask(result, text, redactor)
    for finding in data["findings"]:
        near = excerpt_near(finding["spans"], len(finding["excerpt"]))
        finding["excerpt"] = masker.quote(finding["excerpt"], near)
    data["reason"] = masker.line(result.reason)
    return data


def check_mask(result: CheckResult, text: str, redactor: Redactor | None) -> EvidenceMask:
    """The mask for a fresh check: its own sensitive findings (quoted input too) and a scan."""
    return EvidenceMask(redactor, text, stored_spans([*result.findings, *result.quoted_findings]))


def masked_outcome(outcome: ReportOutcome, text: str, redactor: Redactor) -> ReportOutcome:
    """A copy of a report's outcome with the title, the checks' summary and the titles of
    possible duplicates masked."""
    check = outcome.check
    masker = check_mask(check, text, redactor) if check else EvidenceMask(redactor, text)
    return dataclasses.replace(
        outcome,
        incident=masked_incident(outcome.incident, masker),
        check=dataclasses.replace(check, reason=masker.line(check.reason)) if check else None,
        duplicates=[dataclasses.replace(d, title=masker.free(d.title)) for d in outcome.duplicates],
    )
