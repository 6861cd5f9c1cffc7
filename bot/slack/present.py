"""Domain objects → plain template data. Every user or model text leaves here escaped or raw
for a template filter to escape (the filters mask credentials and personal data in it);
evidence leaves here masked at its stored sensitive spans and wherever the redactor's
patterns match it now (a rule improved since the incident was reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.models import SEEN_IN, SEVERITIES, Incident
from bot.redaction import Redactor, default_redactor
from bot.slack import text as slack_text
from bot.vocab import (
    CATEGORY_LABELS,
    RESOLUTION_LABELS,
    SEEN_IN_LABELS,
    SEVERITY_ICONS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    category_label,
)

if TYPE_CHECKING:
    from bot.checks import CheckResult

MASKED_CATEGORIES = ("secrets", "pii")
QUOTE_CONTEXT = 60
QUOTE_LIMIT = 400
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


class FindingLike(Protocol):
    """A finding from the checks or from the store."""

    @property
    def category(self) -> str: ...

    @property
    def actuality(self) -> str: ...

    @property
    def score(self) -> float: ...

    @property
    def spans(self) -> Any: ...


def mention(user_id: str | None) -> str:
    """A Slack mention for a Slack user id; anything else (a CLI user) as escaped text."""
    if not user_id:
        return "nobody"
    return f"<@{user_id}>" if _SLACK_ID.match(user_id) else slack_text.escape(user_id)


def sensitive_spans(findings: Iterable[FindingLike]) -> list[tuple[int, int]]:
    """Spans to mask wherever evidence is shown: credentials and personal data."""
    return [
        (int(s[0]), int(s[1])) for f in findings if f.category in MASKED_CATEGORIES for s in f.spans
    ]


def evidence_spans(
    text: str, found: Iterable[FindingLike], redactor: Redactor | None = None
) -> list[tuple[int, int]]:
    """Spans to mask in stored evidence: its findings' and those the redactor finds now."""
    return [*sensitive_spans(found), *(redactor or default_redactor()).spans(text)]


def check_sensitive_spans(result: CheckResult) -> list[tuple[int, int]]:
    """Spans to mask for a fresh check result: in quoted input (a tool result) too."""
    return sensitive_spans([*result.findings, *result.quoted_findings])


def secret_texts(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """The sensitive strings of ``text`` at ``spans``."""
    return [text[a:b] for a, b in spans if b > a]


def evidence_secrets(
    text: str, found: Iterable[FindingLike], redactor: Redactor | None = None
) -> list[str]:
    """The credentials and personal data in stored evidence ``text``."""
    return secret_texts(text, evidence_spans(text, found, redactor))


def reason(line: str, secrets: Sequence[str]) -> str:
    """The checks' one-line summary with any piece of a secret it quotes masked (raw text).

    The summary quotes the evidence with line breaks made spaces, so each secret is also
    looked for in that form."""
    flat = [s.replace("\r\n", " ").replace("\n", " ") for s in secrets]
    return slack_text.mask_fragments(line, [*secrets, *flat])


def quote(text: str, span: tuple[int, int], masked: Sequence[tuple[int, int]]) -> str:
    """The words around ``span``, masked and escaped, ready for mrkdwn."""
    start = max(0, span[0] - QUOTE_CONTEXT)
    end = min(len(text), span[1] + QUOTE_CONTEXT)
    window = text[start:end]
    shifted = [(a - start, b - start) for a, b in masked if b > start and a < end]
    body = slack_text.safe_excerpt(window.replace("\n", " "), shifted, QUOTE_LIMIT)
    return f"{'…' if start else ''}“{body.strip()}”{'…' if end < len(text) else ''}"


def findings(
    text: str,
    found: Sequence[FindingLike],
    masked: Sequence[tuple[int, int]] | None = None,
    *,
    redactor: Redactor | None = None,
) -> list[dict[str, str]]:
    """One row per finding: label, actuality, score and the quoted span.

    ``masked`` (default: the sensitive spans of ``found``) and whatever ``redactor`` finds
    are masked in every quote.
    """
    base = sensitive_spans(found) if masked is None else list(masked)
    masked = [*base, *(redactor or default_redactor()).spans(text)] if found else base
    rows = []
    for finding in sorted(found, key=lambda f: -f.score):
        if finding.actuality == "none":
            continue  # found in quoted input: kept only so that its spans are masked
        spans = list(finding.spans)
        first = (int(spans[0][0]), int(spans[0][1])) if spans else (0, 0)
        rows.append(
            {
                "label": category_label(finding.category),
                "actuality": finding.actuality,
                "score": f"{finding.score:.2f}",
                "quote": quote(text, first, masked) if spans else "",
            }
        )
    return rows


def options(labels: dict[str, str], values: Iterable[str] | None = None) -> list[dict[str, str]]:
    """Select options ``{"value", "label"}`` in the order of ``values`` (``None``: all labels).

    An empty ``values`` is an empty list: nothing selected means none, never all.
    """
    return [{"value": v, "label": labels.get(v, v)} for v in (labels if values is None else values)]


def possible_categories(result: CheckResult) -> list[str]:
    """The checks' candidates below the confident threshold, most likely first; never one
    that is confident, never an unknown one."""
    confident = set(result.categories)
    candidates = [
        c for c in dict.fromkeys(result.possible) if c not in confident and c in CATEGORY_LABELS
    ]
    return sorted(candidates, key=lambda c: -result.scores.get(c, 0.0))


def incident(
    item: Incident, categories: Sequence[str], *, secrets: Sequence[str] = (), **extra: Any
) -> dict[str, Any]:
    """The fields every incident template shows; ``secrets`` are masked in the checks' summary."""
    status = STATUS_LABELS[item.status]
    if item.resolution:
        status += f" ({RESOLUTION_LABELS.get(item.resolution, item.resolution)})"
    model = " ".join(v for v in (item.model_name, item.model_version) if v) or "unknown"
    return {
        "key": item.key,
        "title": item.title,
        "severity": item.severity,
        "severity_label": f"{SEVERITY_ICONS[item.severity]} {SEVERITY_LABELS[item.severity]}",
        "status": item.status,
        "status_label": status,
        "categories_text": ", ".join(category_label(c) for c in categories) or "none",
        "model": model,
        "reporter": mention(item.reporter_id),
        "assignee": mention(item.assignee_id),
        "assignee_id": item.assignee_id or "",
        "seen_in_label": SEEN_IN_LABELS.get(item.seen_in, item.seen_in),
        "created_text": _when(item.created_at),
        "restricted": item.restricted,
        "permalink": item.source_permalink,
        "check_reason": reason(item.check_reason or "", secrets),
        "duplicate_of": extra.pop("duplicate_of", None),
        **extra,
    }


def _when(moment: datetime) -> str:
    """A date Slack shows in the reader's own time zone, with a UTC fallback."""
    epoch = int(moment.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"


def duplicates(matches: Iterable[Any]) -> list[dict[str, str]]:
    """Possible duplicates: key, how similar, title."""
    return [
        {
            "key": m.key,
            "title": m.title,
            "how": "same text" if m.exact else f"{m.similarity:.0%} similar",
        }
        for m in matches
    ]


def modal_choices() -> dict[str, Any]:
    """The fixed option lists of the report modal."""
    return {
        "seen_in_options": options(SEEN_IN_LABELS, SEEN_IN),
        "category_options": options(CATEGORY_LABELS),
        "severity_options": options(SEVERITY_LABELS, SEVERITIES),
    }


def change(event: Any, key: str) -> dict[str, Any]:
    """A timeline event as a thread reply: who did what (mrkdwn) and the note (raw text)."""
    before, after = event.from_value, event.to_value
    phrases = {
        "acknowledged": f"acknowledged *{key}*",
        "status": f"moved *{key}* from {_status(before)} to {_status(after)}",
        "assigned": f"assigned *{key}* to {mention(after)}" if after else f"unassigned *{key}*",
        "severity": f"changed the severity of *{key}* from {_severity(before)} to "
        f"{_severity(after)}",
        "merged": f"closed *{key}* as a duplicate of *{slack_text.escape(after or '')}*",
        "duplicate_linked": f"marked *{slack_text.escape(after or '')}* as a duplicate of *{key}*",
        "reopened": f"reopened *{key}*",
        "note": f"added a note to *{key}*",
    }
    note = event.note if event.kind in ("note", "status", "reopened", "severity") else None
    return {
        "actor": mention(event.actor),
        "action": phrases.get(event.kind, f"changed *{key}* ({slack_text.escape(event.kind)})"),
        "note": note or "",
    }


def _status(value: str | None) -> str:
    return STATUS_LABELS.get(value or "", slack_text.escape(value or "?"))


def _severity(value: str | None) -> str:
    return SEVERITY_LABELS.get(value or "", slack_text.escape(value or "?"))
