"""Opening the report modal: checks first, so it opens with suggestions selected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.drafts import Source
from bot.slack import present
from bot.slack.deps import SlackDeps
from bot.slack.text import mask
from bot.vocab import CATEGORY_LABELS, SEEN_IN_LABELS, SEVERITY_LABELS

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.duplicates import DuplicateMatch

FIELD_LIMIT = 3000
PREVIEW = 2400
CALLBACK_ID = "report_incident"
NO_TEXT_NOTE = "That message has no text (an image or a file?). Paste the model output above."
SENSITIVE_NOTE = (
    "The text contains what looks like a credential or personal data; "
    "it will be masked in every Slack message."
)


def report_view(
    deps: SlackDeps, *, user_id: str, text: str, source: Source | None = None
) -> dict[str, Any]:
    """The report modal for ``text``, with the checks' suggestions selected."""
    source = source or Source()
    draft_id = deps.drafts.create(user_id=user_id, text=text, source=source)
    checks = deps.incidents.check(text) if text.strip() else None
    matches = deps.incidents.find_duplicates(text) if text.strip() else []
    context = report_context(
        draft_id=draft_id, text=text, checks=checks, matches=matches, source=source
    )
    return deps.renderer.render_view("modals/report", **context)


def report_context(
    *,
    draft_id: str,
    text: str,
    checks: CheckResult | None,
    matches: Sequence[DuplicateMatch],
    source: Source,
) -> dict[str, Any]:
    """Template data of the report modal.

    The draft keeps the whole text; a text too long for the input is shown as a masked
    preview and the modal says the full text is stored with the report.
    """
    masked = present.check_sensitive_spans(checks) if checks else []
    long = too_long(text)
    return {
        "private_metadata": json.dumps({"draft": draft_id}),
        "checks": _checks(text, checks, masked),
        "duplicates": present.duplicates(matches),
        "evidence": {
            "long": long,
            "initial": None if long else (text or None),
            "preview": mask(text[:PREVIEW], [(a, min(b, PREVIEW)) for a, b in masked]),
            "length_text": f"{len(text):,}",
            "note": _note(text, source, masked),
        },
        "seen_in": {"value": "other", "label": SEEN_IN_LABELS["other"]},
        "selected_categories": present.options(
            CATEGORY_LABELS, checks.categories if checks else []
        ),
        "severity": _severity(checks.severity if checks else "none"),
        "restricted": False,
        **present.modal_choices(),
    }


def too_long(text: str) -> bool:
    """Whether ``text`` overflows the modal's input.

    Counted in UTF-16 code units (JavaScript's length), never fewer than Python's code
    points, so a text full of emoji cannot make Slack refuse the modal.
    """
    return len(text.encode("utf-16-le")) // 2 > FIELD_LIMIT


def _checks(
    text: str, checks: CheckResult | None, masked: Sequence[tuple[int, int]]
) -> dict[str, Any] | None:
    if checks is None:
        return None
    line = present.reason(checks.reason, present.secret_texts(text, masked))
    return {
        "reason": line or "nothing concerning",
        "findings": present.findings(text, checks.findings, masked),
    }


def _note(text: str, source: Source, masked: Sequence[tuple[int, int]]) -> str | None:
    if source.ts and not text.strip():
        return NO_TEXT_NOTE
    return SENSITIVE_NOTE if masked else None


def _severity(value: str) -> dict[str, str]:
    return {"value": value, "label": SEVERITY_LABELS[value]}
