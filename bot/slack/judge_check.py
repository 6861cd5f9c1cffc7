"""``/safety check --judge TEXT``: the quick checks and the judge's opinion on a text, for the
triage team only. The command is acked at once; the judge is asked after the ack and the
answer replaces the ephemeral "asking" note. Nothing is stored; the text is masked by the
judge before it is sent (``bot.judge``)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk.webhook import WebhookClient

from bot.incidents.errors import DomainError, InvalidInput, PermissionDenied
from bot.incidents.vocab import SEVERITY_LABELS, actuality_label, category_label
from bot.judge.compare import compare
from bot.judge.reviewer import Reviewer
from bot.judge.verdict import Opinion
from bot.llm.connection import BudgetSpent, ModelError
from bot.slack.check_answer import check_message
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
FLAG = "--judge"


def asks_judge(rest: str) -> bool:
    """Whether the check's text starts with ``--judge``."""
    words = rest.split(maxsplit=1)
    return bool(words) and words[0] == FLAG


def check_with_judge(
    deps: SlackDeps, ack: Ack, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    """Refuse at once (in the ack) what cannot be done; else ack, and answer after it."""
    name = deps.settings.command
    text = rest.strip()[len(FLAG) :].strip()
    if not deps.is_triage(user_id):
        raise PermissionDenied(
            f"Sorry, only the safety triage team can ask the judge. Nothing was sent; "
            f"`{name} check TEXT` runs the quick checks."
        )
    judge = deps.judge
    if judge is None:
        raise InvalidInput(
            "No judge is configured (SAFETYBOT_JUDGE_PROVIDER; see docs/judge.md). "
            f"`{name} check TEXT` runs the quick checks."
        )
    if not text:
        raise InvalidInput(f"Check what? Try `{name} check --judge` followed by the text.")
    url = str(command.get("response_url") or "")
    ack(
        **deps.renderer.render_message(
            "messages/notice", message=f"Asking the judge ({judge.model})…", warning=False
        )
    )
    deps.after_ack(lambda: _answer(deps, judge, text, url), body=command)


def _answer(deps: SlackDeps, judge: Reviewer, text: str, url: str) -> None:
    """Run the checks and the judge, and answer with both (or with what went wrong)."""
    try:
        result = deps.incidents.check(text)
    except DomainError as exc:
        _respond(
            url, deps.renderer.render_message("messages/notice", message=str(exc), warning=True)
        )
        return
    checks = check_message(deps, text, result)
    try:
        opinion = judge.review(text)
        context = opinion_context(opinion, compare(opinion, result).summary)
    except ModelError as exc:
        log.warning("the judge could not answer a check: %s", type(exc).__name__)
        context = {"failure": _failure(exc), "model": judge.model}
    answer = deps.renderer.render_message("messages/judge_check", **context)
    _respond(url, {"text": answer["text"], "blocks": [*checks["blocks"], *answer["blocks"]]})


def opinion_context(opinion: Opinion, summary: str) -> dict[str, Any]:
    """Template data of the judge's part of the answer (model text raw, for the filters)."""
    return {
        "failure": "",
        "model": opinion.model,
        "unreadable": opinion.error is not None,
        "summary": summary,
        "severity_label": SEVERITY_LABELS.get(opinion.severity, opinion.severity),
        "reasoning": opinion.reasoning,
        "rows": [
            {
                "label": category_label(v.category),
                "where": actuality_label(v.actuality),
                "quote": v.quote,
            }
            for v in opinion.found()
        ],
    }


def _failure(error: ModelError) -> str:
    if isinstance(error, BudgetSpent):
        return "today's budget for the judge is spent; it resumes tomorrow (UTC)"
    if error.status is None:
        return "the judge did not answer in time; try again later"
    return f"the judge's API answered HTTP {error.status}; try again later"


def _respond(url: str, message: dict[str, Any]) -> None:
    if url:
        WebhookClient(url, timeout=5).send(
            response_type="ephemeral", replace_original=True, **message
        )
