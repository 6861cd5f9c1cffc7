"""Opening the report modal: checks first, so it opens with suggestions selected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.incidents import attachments
from bot.incidents.drafts import Source, kept
from bot.incidents.records import AttachedFile
from bot.incidents.validation import suggested_severity
from bot.incidents.vocab import CATEGORY_LABELS, SEEN_IN_LABELS, SEVERITY_LABELS, category_label
from bot.ingest.log_files import LogFile
from bot.masking.redaction import Redactor, default_redactor
from bot.slack import evidence_field, present
from bot.slack.deps import SlackDeps
from bot.slack.form_defaults import FormDefaults
from bot.slack.text import mask

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.duplicates import DuplicateMatch

FIELD_LIMIT = 3000
PREVIEW = 2400
CALLBACK_ID = "report_incident"
# The private metadata key of what the modal opened with selected: a submission that leaves a
# field as it was takes it from the checks of the submitted text (see ``bot.slack.views``).
INITIAL = "initial"
# The private metadata key, in a form that refreshes as evidence is entered, of the length of
# the text its suggestions are for (``bot.slack.report_refresh``).
BASIS = "basis"
# The private metadata key of the files the form's text holds or references
# (``attachments.pack``): the draft keeps the text only.
FILES = "files"
# The private metadata key of the eval logs the form offers to screen (``bot.slack.eval_screen``).
EVAL_LOGS = "eval_logs"
METADATA_LIMIT = 3000
NO_TEXT_NOTE = "That message has no text (an image or a file?). Paste the model output above."
SENSITIVE_NOTE = (
    "The text contains what looks like a credential or personal data; "
    "it will be masked in every Slack message."
)
MASKED_NOTE = (
    "What looks like a credential or personal data is masked (••••) above, "
    "and will be masked in every Slack message."
)
CLEANED_NOTE = "Control and text-direction characters are not shown."
KEPT_NOTE = (
    "The report keeps the text exactly as you pasted it; edit around the masked parts to keep them."
)


def report_view(
    deps: SlackDeps,
    *,
    user_id: str,
    text: str,
    source: Source | None = None,
    defaults: FormDefaults | None = None,
    files: Sequence[AttachedFile] = (),
    eval_logs: Sequence[LogFile] = (),
) -> dict[str, Any]:
    """The report modal for ``text``, with the checks' confident suggestions selected and
    ``defaults`` (where it was seen, the model) prefilled; ``files`` are those whose text
    ``text`` holds (or that are kept as references), listed in the form; each of
    ``eval_logs`` gets a "Screen this eval log" button."""
    source = source or Source()
    text = kept(text)  # as the draft keeps it, so the submission sees the field as shown
    checks = deps.incidents.check(text, files=files) if text.strip() else None
    # The checks travel with the draft: the submission and the intake reuse them.
    draft_id = deps.drafts.create(user_id=user_id, text=text, source=source, checks=checks)
    reader = None if deps.is_triage(user_id) else user_id  # the team may see every match
    matches = deps.incidents.find_duplicates(text, reader=reader) if text.strip() else []
    context = report_context(
        draft_id=draft_id,
        text=text,
        checks=checks,
        matches=matches,
        source=source,
        defaults=defaults or FormDefaults(),
        refreshable=not text.strip(),
        redactor=deps.renderer.redactor,
        files=files,
        eval_logs=eval_logs,
    )
    return deps.renderer.render_view("modals/report", **context)


def report_context(
    *,
    draft_id: str,
    text: str,
    checks: CheckResult | None,
    matches: Sequence[DuplicateMatch],
    source: Source,
    defaults: FormDefaults = FormDefaults(),
    refreshable: bool = False,
    redactor: Redactor | None = None,
    files: Sequence[AttachedFile] = (),
    eval_logs: Sequence[LogFile] = (),
) -> dict[str, Any]:
    """Template data of the report modal.

    The draft keeps the whole text. The input shows it masked and without control characters
    (``bot.slack.evidence_field``); a text too long for the input is shown as a masked preview
    and the modal says the full text is stored with the report. A ``refreshable`` form (one
    opened blank) dispatches as evidence is entered, and ``text`` is what the reporter typed:
    the input keeps it as it is.
    """
    masked = present.check_sensitive_spans(checks) if checks else []
    hidden = field_spans(text, checks, redactor)
    long = too_long(text)
    initial = "" if long else evidence_field.shown(text, hidden)  # a long text has no input
    confident = list(checks.categories) if checks else []
    possible = present.possible_categories(checks) if checks else []
    severity = suggested_severity(checks) if confident and checks else None
    chosen = {"categories": confident, "severity": severity}
    metadata = {"draft": draft_id, INITIAL: chosen, **({BASIS: len(text)} if refreshable else {})}
    if eval_logs:
        metadata[EVAL_LOGS] = [[log.file_id[:32], log.name[:80]] for log in eval_logs]
    return {
        "private_metadata": _with_files(metadata, files),
        "files": attachments.listed(files),
        "eval_logs": [{"id": log.file_id, "name": log.name} for log in eval_logs],
        "refreshable": refreshable,
        "checks": _checks(text, checks, masked, possible, redactor),
        "duplicates": present.duplicates(matches),
        "evidence": {
            "long": long,
            "initial": None if long or refreshable else (initial or None),
            "preview": mask(text[:PREVIEW], [(a, min(b, PREVIEW)) for a, b in hidden]),
            "length_text": f"{len(text):,}",
            "note": _note(
                text,
                source,
                hidden,
                long=long or refreshable,  # the field does not show the text masked
                cleaned=not long and initial != mask(text, hidden),
            ),
        },
        "seen_in": {"value": defaults.seen_in, "label": SEEN_IN_LABELS[defaults.seen_in]},
        "model": defaults.model,
        "selected_categories": present.options(CATEGORY_LABELS, confident),
        "picked": False,
        "category_action": "value",
        "severity_action": "value",
        "severity_picked": False,
        "possible_labels": [category_label(c) for c in possible],
        "checked": checks is not None,
        "severity": _severity(severity) if severity else None,
        "restricted": False,
        **present.modal_choices(),
        # Suggestions first, so the possible ones are at the top of the list, unselected.
        "category_options": present.options(
            CATEGORY_LABELS, list(dict.fromkeys([*confident, *possible, *CATEGORY_LABELS]))
        ),
    }


def _with_files(metadata: dict[str, Any], files: Sequence[AttachedFile]) -> str:
    """``metadata`` as JSON, with ``files`` packed into the room Slack leaves."""
    if not files:
        return json.dumps(metadata)
    compact = (",", ":")
    room = METADATA_LIMIT - len(json.dumps(metadata, separators=compact)) - len(f',"{FILES}":')
    return json.dumps({**metadata, FILES: attachments.pack(files, room)}, separators=compact)


def files_of(view: dict[str, Any]) -> list[AttachedFile]:
    """The files a report modal carries in its private metadata."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return []
    return attachments.unpack(metadata.get(FILES)) if isinstance(metadata, dict) else []


def eval_logs_of(view: dict[str, Any]) -> list[LogFile]:
    """The eval logs a report modal offers to screen, from its private metadata."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return []
    rows = metadata.get(EVAL_LOGS) if isinstance(metadata, dict) else None
    return [
        LogFile(row[0], row[1])
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, list) and len(row) == 2 and all(isinstance(v, str) for v in row)
    ]


def draft_id_of(view: dict[str, Any]) -> str:
    """The draft id a report modal carries in its private metadata."""
    try:
        return str(json.loads(view.get("private_metadata") or "{}").get("draft", ""))
    except (ValueError, AttributeError):
        return ""


def field_spans(
    text: str, checks: CheckResult | None, redactor: Redactor | None = None
) -> list[tuple[int, int]]:
    """What the form masks of ``text``: what the checks found and what the redactor finds
    (the bot's own, built at start-up; the built-in one only where none is given)."""
    found = present.check_sensitive_spans(checks) if checks else []
    return [*found, *(redactor or default_redactor()).spans(text)]


def submitted_evidence(
    deps: SlackDeps, kept_text: str, value: str, checks: CheckResult | None = None
) -> str:
    """The evidence a submitted input means for the draft's text (``bot.slack.evidence_field``);
    ``checks`` are those the form ran on it, run again when not given."""
    if checks is None and kept_text.strip():
        checks = deps.incidents.check(kept_text)
    spans = field_spans(kept_text, checks, deps.renderer.redactor)
    return evidence_field.submitted(kept_text, spans, value)


def too_long(text: str) -> bool:
    """Whether ``text`` overflows the modal's input.

    Counted in UTF-16 code units (JavaScript's length), never fewer than Python's code
    points, so a text full of emoji cannot make Slack refuse the modal.
    """
    return len(text.encode("utf-16-le")) // 2 > FIELD_LIMIT


def _checks(
    text: str,
    checks: CheckResult | None,
    masked: Sequence[tuple[int, int]],
    possible: Sequence[str],
    redactor: Redactor | None,
) -> dict[str, Any] | None:
    if checks is None:
        return None
    line = present.reason(checks.reason, present.secret_texts(text, masked))
    labels = ", ".join(category_label(c) for c in possible)
    lead = "Possibly also" if checks.categories else "Possibly"
    return {
        "reason": line or "nothing concerning",
        "findings": present.findings(text, checks.findings, masked, redactor=redactor),
        "possible": f"{lead}: {labels} (not selected: pick them if they apply)" if labels else "",
    }


def _note(
    text: str, source: Source, masked: Sequence[tuple[int, int]], *, long: bool, cleaned: bool
) -> str | None:
    if source.ts and not text.strip():
        return NO_TEXT_NOTE
    if long:
        return SENSITIVE_NOTE if masked else None
    if masked:
        return MASKED_NOTE + (" " + CLEANED_NOTE if cleaned else "") + " " + KEPT_NOTE
    return CLEANED_NOTE + " " + KEPT_NOTE if cleaned else None


def _severity(value: str) -> dict[str, str]:
    return {"value": value, "label": SEVERITY_LABELS[value]}
