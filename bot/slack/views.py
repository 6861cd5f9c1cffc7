"""The report modal's submission: validated inline and accepted before the ack; the incident
is stored and posted right after it (``bot.incidents.intake``)."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App

from bot.incidents.drafts import checks_of
from bot.incidents.errors import DomainError, InvalidInput, NotFound
from bot.incidents.records import ReportRequest
from bot.runtime import logs
from bot.slack.deps import SlackDeps
from bot.slack.listener import bound
from bot.slack.report_modal import (
    CALLBACK_ID,
    INITIAL,
    draft_id_of,
    files_of,
    submitted_evidence,
)
from bot.store.models import Draft

log = logging.getLogger(__name__)


def register(app: App, deps: SlackDeps) -> None:
    """Listen for report modal submissions."""
    app.view(CALLBACK_ID)(bound(submit, deps))


def submit(deps: SlackDeps, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Accept a report before the ack, or ack with the errors to show in the form."""
    user_id = body["user"]["id"]
    try:
        accepted = deps.intake.accept_draft(
            draft_id_of(view),
            user_id=user_id,
            request_of=lambda draft: parse_submission(deps, view, draft),
            wake=False,
        )
    except NotFound as exc:
        stored = deps.incidents.reported(_idempotency_key(view))
        if stored is None:
            ack(response_action="errors", errors={_field_of(exc, view): str(exc)[:150]})
            return
        ack()  # submitted again once its report was stored, and its draft deleted with it
        with logs.bound(incident=stored):
            log.info("view %s submitted again; its report is already stored", view["id"])
        return
    except InvalidInput as exc:
        ack(response_action="errors", errors={_field_of(exc, view): str(exc)[:150]})
        return
    ack()
    # The worker starts on the report once the ack is sent, so it does not delay it.
    deps.after_ack(deps.intake.wake, body=body)
    if not accepted:
        log.info("view %s submitted again while its report waits", view["id"])


def parse_submission(deps: SlackDeps, view: dict[str, Any], draft: Draft) -> ReportRequest:
    """The report a submitted modal describes; the draft supplies long text and the source."""
    values = (view.get("state") or {}).get("values") or {}
    text = draft.text
    if "evidence" in values:  # shown masked: the draft's text decides what it means
        text = submitted_evidence(deps, draft.text, _text(values, "evidence"), checks_of(draft))
    if not text.strip():
        raise InvalidInput("Paste the model output that worries you.", field="evidence")
    model = _text(values, "model").strip()
    name, _, version = model.partition(" ")
    return ReportRequest(
        text=text,
        reporter_id=draft.user_id,
        prompt=_text(values, "prompt") or None,
        title=_text(values, "title") or None,
        model_name=name or None,
        model_version=version.strip() or None,
        seen_in=selected(values, "seen_in") or "other",
        categories=chosen_categories(view, values),
        severity=chosen_severity(view, values),
        restricted="restricted" in multi(values, "restricted"),
        source_channel=draft.source_channel,
        source_ts=draft.source_ts,
        idempotency_key=_idempotency_key(view),
        files=tuple(files_of(view)),
    )


def _idempotency_key(view: dict[str, Any]) -> str:
    return f"view:{view['id']}"


def _initial(view: dict[str, Any]) -> dict[str, Any] | None:
    """What the modal opened with selected, or ``None`` (a modal from before it was kept)."""
    try:
        initial = json.loads(view.get("private_metadata") or "{}").get(INITIAL)
    except (ValueError, AttributeError):
        return None
    return initial if isinstance(initial, dict) else None


def chosen_categories(view: dict[str, Any], values: dict[str, Any]) -> list[str] | None:
    """The chosen categories; ``None`` ("as the checks suggest") when left as the modal opened.

    Slack submits a multi-select's state, not whether it was touched: a selection equal to the
    initial one counts as untouched, so the checks of the submitted text decide (the text may
    have been edited or pasted since). A cleared suggestion is an explicit "none".
    """
    chosen = multi(values, "categories")
    initial = _initial(view)
    if initial is not None and sorted(chosen) == sorted(initial.get("categories") or []):
        return None
    return chosen


def chosen_severity(view: dict[str, Any], values: dict[str, Any]) -> str | None:
    """The chosen severity; ``None`` ("as the checks suggest") when left as the modal opened."""
    chosen = selected(values, "severity")
    initial = _initial(view)
    if chosen is None or (initial is not None and chosen == initial.get("severity")):
        return None
    return chosen


def _field_of(error: DomainError, view: dict[str, Any]) -> str:
    """The input block an error belongs to; the model output field when it names none."""
    inputs = [b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"]
    if error.field in inputs:
        return str(error.field)
    return "evidence" if "evidence" in inputs else str(inputs[0])


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The state of an input block's one element, whatever its action id (a refreshed form
    gives a suggestion a new one, so that Slack shows it: ``bot.slack.report_refresh``)."""
    block = values.get(block_id)
    if not isinstance(block, dict):
        return {}
    state = block.get("value") or next(iter(block.values()), None)
    return state if isinstance(state, dict) else {}


def _text(values: dict[str, Any], block_id: str) -> str:
    return str(_element(values, block_id).get("value") or "")


def selected(values: dict[str, Any], block_id: str) -> str | None:
    """The value of the option chosen in a select block, if any."""
    option = _element(values, block_id).get("selected_option") or {}
    return option.get("value")


def multi(values: dict[str, Any], block_id: str) -> list[str]:
    """The values of the options chosen in a multi-select or checkboxes block."""
    return [o.get("value", "") for o in _element(values, block_id).get("selected_options") or []]
