"""The report form's suggestions refresh when evidence is pasted into a blank form.

A form that opens blank (the global shortcut, the App Home, a flagged message without text)
dispatches an action as characters are entered in its evidence input. When the text grew or
shrank by a paste's worth since the suggestions were made, the checks run on it and the form
is updated in place (``views.update`` with the view's hash, so a newer form is never
overwritten). Slack keeps what the reporter typed or picked in an input whose block and action
ids stay the same: the evidence and the other text inputs keep theirs, choices the reporter
made are sent back as they are, and a suggestion the reporter left untouched gets a new action
id so that Slack shows the new one.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents.drafts import Source, kept
from bot.incidents.errors import NotFound
from bot.incidents.vocab import CATEGORY_LABELS, SEEN_IN_LABELS, SEVERITY_LABELS
from bot.slack import present
from bot.slack.deps import SlackDeps
from bot.slack.listener import bound
from bot.slack.report_modal import BASIS, CALLBACK_ID, eval_logs_of, files_of, report_context
from bot.slack.views import chosen_categories, chosen_severity, multi, selected

log = logging.getLogger(__name__)
# Typing changes the text a few characters per action; a paste (or cutting it all) changes
# more at once.
PASTE_MIN = 20
ACTION_IDS = ("value", "suggested")


def register(app: App, deps: SlackDeps) -> None:
    """Listen for evidence entered in a refreshable report form."""
    app.block_action({"block_id": "evidence", "action_id": "value"})(bound(evidence_entered, deps))


def evidence_entered(deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Evidence typed or pasted: ack, then refresh the form after the ack."""
    ack()
    deps.after_ack(lambda: refresh(deps, client, body), body=body)


def refresh(deps: SlackDeps, client: WebClient, body: dict[str, Any]) -> None:
    """Update the form in ``body`` for the evidence entered, when a paste's worth changed."""
    view = body.get("view") or {}
    user_id = str((body.get("user") or {}).get("id") or "")
    text = str(((body.get("actions") or [{}])[0] or {}).get("value") or "")
    if view.get("callback_id") != CALLBACK_ID or not should_refresh(view, text):
        return
    if not deps.limiter.allow(user_id):
        return  # the submission still follows the checks of the submitted text
    try:
        refreshed = refreshed_view(deps, user_id=user_id, view=view, text=text)
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=refreshed)
    except NotFound:
        log.info("report form %s has no draft; not refreshed", view.get("id"))
    except SlackApiError as exc:  # hash_conflict: a newer update is already shown
        log.info("report form not refreshed: %s", exc.response.get("error"))


def should_refresh(view: dict[str, Any], text: str) -> bool:
    """Whether the form refreshes for ``text``: it opened blank, and ``text`` differs by a
    paste's worth of characters from the text its suggestions are for."""
    basis = _metadata(view).get(BASIS)
    return isinstance(basis, int) and abs(len(text) - basis) >= PASTE_MIN


def refreshed_view(
    deps: SlackDeps, *, user_id: str, view: dict[str, Any], text: str
) -> dict[str, Any]:
    """The form ``view`` with the suggestions for ``text`` and the reporter's choices kept."""
    text = kept(text)
    files = files_of(view)  # those of a flagged message, none of them read (its text was empty)
    checks = deps.incidents.check(text, files=files) if text.strip() else None
    # The draft now holds the text the suggestions are for, so its submission reuses them.
    draft_id = str(_metadata(view).get("draft", ""))
    draft = deps.drafts.renew(draft_id, user_id=user_id, text=text, checks=checks)
    reader = None if deps.is_triage(user_id) else user_id
    matches = deps.incidents.find_duplicates(text, reader=reader) if text.strip() else []
    source = Source(draft.source_channel, draft.source_ts, draft.source_author)
    context = report_context(
        draft_id=draft.id,
        text=text,
        checks=checks,
        matches=matches,
        source=source,
        refreshable=True,
        redactor=deps.renderer.redactor,
        files=files,
        eval_logs=eval_logs_of(view),  # the form keeps offering them
    )
    context.update(model=None, **kept_choices(view))  # Slack keeps the model typed or prefilled
    return deps.renderer.render_view("modals/report", **context)


def kept_choices(view: dict[str, Any]) -> dict[str, Any]:
    """Template data that keeps what the reporter chose, and shows the untouched suggestions."""
    values = (view.get("state") or {}).get("values") or {}
    kept: dict[str, Any] = {"restricted": "restricted" in multi(values, "restricted")}
    seen_in = selected(values, "seen_in")
    if seen_in in SEEN_IN_LABELS:
        kept["seen_in"] = {"value": seen_in, "label": SEEN_IN_LABELS[seen_in]}
    categories = chosen_categories(view, values)
    if categories is None:
        kept["category_action"] = _other_action(values, "categories")
    else:
        known = [c for c in categories if c in CATEGORY_LABELS]
        kept.update(selected_categories=present.options(CATEGORY_LABELS, known), picked=True)
    severity = chosen_severity(view, values)
    if severity is None:
        kept["severity_action"] = _other_action(values, "severity")
    elif severity in SEVERITY_LABELS:
        kept.update(
            severity={"value": severity, "label": SEVERITY_LABELS[severity]},
            severity_picked=True,
        )
    return kept


def _other_action(values: dict[str, Any], block_id: str) -> str:
    """An action id the block does not have now, so Slack shows the new initial choice."""
    current = next(iter((values.get(block_id) or {}).keys()), ACTION_IDS[0])
    return ACTION_IDS[1] if current == ACTION_IDS[0] else ACTION_IDS[0]


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}
