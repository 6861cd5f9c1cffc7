"""The answer to ``/safety check``: the quick checks' findings on a text, masked."""

from __future__ import annotations

from typing import Any

from bot.checks import CheckResult
from bot.incidents.validation import suggested_severity
from bot.incidents.vocab import category_label
from bot.slack import present
from bot.slack.deps import SlackDeps


def check_message(deps: SlackDeps, text: str, result: CheckResult) -> dict[str, Any]:
    """The checks' answer on ``text`` (nothing stored), credentials and personal data masked."""
    masked = present.check_sensitive_spans(result)
    secrets = present.secret_texts(text, masked)
    return deps.renderer.render_message(
        "messages/check",
        severity=suggested_severity(result),
        categories_text=", ".join(category_label(c) for c in result.categories),
        possible_text=", ".join(category_label(c) for c in present.possible_categories(result)),
        reason=present.reason(result.reason, secrets) or "Nothing concerning found.",
        findings=present.findings(text, result.findings, masked, redactor=deps.renderer.redactor),
        length_text=f"{len(text):,}",
        elapsed=f"{result.elapsed_ms:.1f}",
        command=deps.settings.command,
    )
