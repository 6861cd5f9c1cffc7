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

from bot.checks.line_shapes import without_edge_tags
from bot.incidents.vocab import (
    CATEGORY_LABELS,
    RESOLUTION_LABELS,
    SEEN_IN_LABELS,
    SEVERITY_ICONS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    actuality_label,
    category_label,
    confidence_word,
    resolution_label,
)
from bot.masking.masked_views import stored_spans
from bot.masking.redaction import Redactor, default_redactor
from bot.slack import text as slack_text
from bot.store.models import SEEN_IN, SEVERITIES, Incident, IncidentFile

if TYPE_CHECKING:
    from bot.checks import CheckResult

QUOTE_CONTEXT = 60
QUOTE_LIMIT = 400
QUOTE_SPAN = 200  # the spans of one finding are quoted together up to this length
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
    return stored_spans(findings)


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
    """The words around ``span`` on its own lines, masked and escaped, ready for mrkdwn; cut
    between words, with "…" where the text goes on."""
    start, end = _quote_window(text, span)
    shifted = [(a - start, b - start) for a, b in masked if b > start and a < end]
    window = slack_text.mask(text[start:end], shifted).replace("\n", " ").strip()
    body = slack_text.escape(slack_text.cut_words(window, QUOTE_LIMIT))
    before = "…" if start > 0 and text[:start].strip() else ""
    after = "…" if end < len(text) and text[end:].strip() and not body.endswith("…") else ""
    return f"{before}“{body}”{after}"


def _quote_window(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` with up to ``QUOTE_CONTEXT`` characters either side, within its lines and
    starting and ending between words."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    line_end = len(text) if line_end == -1 else line_end
    start = max(line_start, span[0] - QUOTE_CONTEXT)
    end = min(line_end, span[1] + QUOTE_CONTEXT)
    if start > line_start and not text[start - 1].isspace():
        gap = _next_space(text, start, span[0])
        start = gap + 1 if gap is not None else span[0]
    if end < line_end and not text[end].isspace():
        gap = text.rfind(" ", span[1], end)
        end = gap if gap != -1 else span[1]
    # A block tag glued to the context ("<thinking>They …") is markup, not words to quote.
    head, _ = without_edge_tags(text, start, span[0])
    _, stop = without_edge_tags(text, span[1], end)
    return head, stop


def _next_space(text: str, start: int, stop: int) -> int | None:
    for index in range(start, stop):
        if text[index].isspace():
            return index
    return None


ACTUALITY_RANK = {"considered": 1, "stated": 2, "executed": 3}


def strongest(found: Iterable[FindingLike]) -> list[tuple[FindingLike, float]]:
    """One finding per category, the one to quote: the most real (an action before the
    answer before reasoning), then the highest score; with the category's best score.
    Most confident category first; findings in quoted input are left out."""
    best: dict[str, FindingLike] = {}
    top: dict[str, float] = {}
    for finding in found:
        if finding.actuality not in ACTUALITY_RANK:
            continue  # found in quoted input: kept only so that its spans are masked
        category = finding.category
        top[category] = max(top.get(category, 0.0), finding.score)
        held = best.get(category)
        if held is None or _rank(finding) > _rank(held):
            best[category] = finding
    return sorted(((f, top[c]) for c, f in best.items()), key=lambda pair: -pair[1])


def _rank(finding: FindingLike) -> tuple[int, float]:
    return ACTUALITY_RANK.get(finding.actuality, 0), finding.score


def quoted_span(spans: Sequence[Any]) -> tuple[int, int] | None:
    """The span a finding's quote shows: all its spans when they are close together (the
    whole triggering phrase), else the first."""
    pairs = sorted((int(s[0]), int(s[1])) for s in spans)
    if not pairs:
        return None
    whole = (pairs[0][0], max(b for _, b in pairs))
    return whole if whole[1] - whole[0] <= QUOTE_SPAN else pairs[0]


def hidden_note(text: str) -> str:
    """The note "Hidden characters in the evidence: 2 × RIGHT-TO-LEFT OVERRIDE (U+202E) at line 3, …",
    or "" when there are none."""
    found = hidden_list(text)
    return f"Hidden characters in the evidence: {found}" if found else ""


def hidden_list(text: str) -> str:
    """The hidden characters listed: "2 × RIGHT-TO-LEFT OVERRIDE (U+202E) at line 3, …"."""
    parts = []
    for name, count, lines in slack_text.hidden_characters(text):
        where = f"line {lines[0]}" if len(lines) == 1 else f"lines {_lines(lines)}"
        parts.append(f"{count} × {name} at {where}")
    return ", ".join(parts)


def _lines(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:5])
    return shown + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")


def findings(
    text: str,
    found: Sequence[FindingLike],
    masked: Sequence[tuple[int, int]] | None = None,
    *,
    redactor: Redactor | None = None,
) -> list[dict[str, Any]]:
    """One row per category: label, where it was seen and how confident, in words, and the
    quote of its strongest finding. A first row (``note``) names hidden characters.

    ``masked`` (default: the sensitive spans of ``found``) and whatever
    ``redactor`` finds are masked in every quote.
    """
    base = sensitive_spans(found) if masked is None else list(masked)
    masked = [*base, *(redactor or default_redactor()).spans(text)] if found else base
    rows: list[dict[str, Any]] = []
    hidden = hidden_list(text)
    if hidden:
        rows.append(_row("Hidden characters", "in the evidence", "certain", hidden, note=True))
    for finding, score in strongest(found):
        span = quoted_span(finding.spans)
        rows.append(
            _row(
                category_label(finding.category),
                actuality_label(finding.actuality),
                confidence_word(score),
                quote(text, span, masked) if span else "",
            )
        )
    return rows


def _row(
    label: str, where: str, confidence: str, quoted: str, note: bool = False
) -> dict[str, Any]:
    return {
        "label": label,
        "where": where,
        "confidence": confidence,
        "quote": quoted,
        "note": note,
    }


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
        "sample_source": sample_source(item),
        **extra,
    }


def sample_source(item: Incident) -> str:
    """Where an imported sample came from (eval, run, sample, epoch, file); "" for a report."""
    parts = [
        f"{label} {value}"
        for label, value in (
            ("eval", item.eval_name),
            ("run", item.run_id),
            ("sample", item.sample_id),
            ("epoch", item.epoch),
        )
        if value is not None and value != ""
    ]
    if item.source_file:
        parts.append("from " + item.source_file.replace("\\", "/").rsplit("/", 1)[-1])
    return " · ".join(parts)


def evidence_file(posted: IncidentFile | None) -> dict[str, str] | None:
    """The file of the whole evidence in the triage post's thread: name and link (raw, for
    the template's filters); None when there is none."""
    if posted is None:
        return None
    return {"name": posted.name, "permalink": posted.permalink or ""}


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


# The timeline kinds whose note a thread reply quotes.
_REPLY_NOTES = ("note", "status", "reopened", "severity", "details")


def change(event: Any, key: str) -> dict[str, Any]:
    """A timeline event as a thread reply: who did what (mrkdwn) and the note (raw text)."""
    note = event.note if event.kind in _REPLY_NOTES else None
    return {
        "actor": mention(event.actor),
        "action": _phrase(event, f"*{key}*"),
        "note": readable_note(event, note or ""),
    }


def event_text(event: Any, *, with_note: bool = True) -> str:
    """What a timeline event did, in mrkdwn: "assigned it to <@U1>", "moved it from New to
    Closed: False positive: sandbox only". The note only ``with_note``."""
    note = readable_note(event, event.note or "") if with_note and event.kind != "merged" else ""
    tail = f": {slack_text.escape(note)}" if note else ""
    return _phrase(event, "it") + tail


def readable_note(event: Any, note: str) -> str:
    """A closing note ("false_positive: sandbox only") with its resolution in words."""
    head, colon, rest = note.partition(":")
    if event.kind == "status" and head in RESOLUTION_LABELS:
        return resolution_label(head) + (f":{rest}" if colon else "")
    return note


def _phrase(event: Any, subject: str) -> str:
    before, after = event.from_value, event.to_value
    other = f"*{slack_text.escape(after or '')}*"
    phrases = {
        "reported": f"reported {subject}",
        "acknowledged": f"acknowledged {subject}",
        "status": f"moved {subject} from {_status(before)} to {_status(after)}",
        "assigned": f"assigned {subject} to {mention(after)}" if after else f"unassigned {subject}",
        "severity": f"changed the severity of {subject} from {_severity(before)} to "
        f"{_severity(after)}",
        "merged": f"closed {subject} as a duplicate of {other}",
        "duplicate_linked": f"marked {other} as a duplicate of {subject}",
        "reopened": f"reopened {subject}",
        "note": f"added a note to {subject}",
        "details": f"edited the details of {subject}",
        "reproduction": f"asked for a reproduction run of {subject} on {other}",
        "reproduced": f"reran {subject} on {other}",
        "reproduction_failed": f"could not rerun {subject} on {other}",
        "judge": f"added the judge's second opinion on {subject}",
        "categories": f"set the categories of {subject} to the judge's: {other}",
    }
    kind = slack_text.escape(event.kind.replace("_", " "))
    return phrases.get(event.kind, f"changed {subject} ({kind})")


def _status(value: str | None) -> str:
    return STATUS_LABELS.get(value or "", slack_text.escape(value or "?"))


def _severity(value: str | None) -> str:
    return SEVERITY_LABELS.get(value or "", slack_text.escape(value or "?"))
