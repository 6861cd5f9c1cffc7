"""The "View outputs" button of a reproduction run, and the outputs modal's page buttons.

A button's value (``AIS-42:7``, or ``AIS-42:7:2`` for page 2) is untrusted: the incident is
read again and who may see it is checked on every press, exactly as ``/safety show`` does
(a restricted incident's outputs: the triage team and its reporter), and the run must be one
of that incident's. The modal is opened, or redrawn in place at the page pressed; a refusal
is answered ephemerally (or, inside the modal, in its place).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.incidents.errors import DomainError, InvalidInput, PermissionDenied
from bot.slack.deps import SlackDeps
from bot.slack.output_pages import outputs_context
from bot.slack.text import escape

if TYPE_CHECKING:
    from bot.reproduce.runs import RunView

log = logging.getLogger(__name__)
ACTIONS = re.compile(r"^reproduction_outputs(?:_prev|_next|_run_[0-9]{1,2})?$")
SHOWN_RUNS = 3  # as many as ``show`` lists runs (templates/messages/show.json.j2)
_VALUE = re.compile(r"^([A-Za-z0-9_-]{1,40}):([0-9]{1,9})(?::([0-9]{1,4}))?$")


@dataclass(frozen=True)
class Press:
    """One press of View outputs or a page button, reduced to plain values."""

    user: str
    key: str
    run_id: int
    page: int = 1


def parse_press(body: dict[str, Any]) -> Press:
    """The press in a ``block_actions`` payload; a malformed value is refused."""
    action = (body.get("actions") or [{}])[0]
    found = _VALUE.match(str(action.get("value") or "").strip())
    if found is None:
        raise InvalidInput("This button does not name a reproduction run. Nothing was shown.")
    user = str((body.get("user") or {}).get("id") or "")
    return Press(user, found.group(1).upper(), int(found.group(2)), int(found.group(3) or 1))


def offered(views: list[RunView]) -> list[dict[str, Any]]:
    """A View outputs button for each of the last runs ``show`` lists that has outputs."""
    return [
        {"key": v.key, "run_id": v.run.id, "label": f"Outputs of run {v.run.id}"}
        for v in views[-SHOWN_RUNS:]
        if v.outputs
    ]


def register(app: App, deps: SlackDeps) -> None:
    """Listen for View outputs and the outputs modal's page buttons."""

    @app.action(ACTIONS)
    def pressed(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        deps.after_ack(lambda: press(deps, client, body), body=body)


def press(deps: SlackDeps, client: WebClient, body: dict[str, Any]) -> None:
    """Open (or redraw) the outputs modal at the page pressed; a refusal is answered."""
    try:
        view = outputs_view(deps, parse_press(body))
    except DomainError as exc:
        _refuse(deps, client, body, escape(str(exc)))
        return
    _show(client, body, view)


def outputs_view(deps: SlackDeps, wanted: Press) -> dict[str, Any]:
    """The modal of run ``wanted.run_id`` at ``wanted.page``, if ``wanted.user`` may see it."""
    incident = deps.incidents.get(wanted.key)
    if not deps.rules.may_see_content(wanted.user, incident):
        raise PermissionDenied(
            f"{incident.key} is restricted: only the safety triage team and its reporter see "
            "its reproduction outputs. Nothing was shown."
        )
    runs = deps.reproductions
    if runs is None:
        raise InvalidInput(
            "Reproduction runs are off in this bot. On the command line, "
            f"`safetybot reproduce {incident.key} --outputs {wanted.run_id}` prints them."
        )
    run = runs.run(wanted.run_id, key=incident.key)
    context = outputs_context(run, deps.renderer.redactor, wanted.page)
    return deps.renderer.render_view("modals/reproduction_outputs", **context)


def _show(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """In the modal pressed, in place (the last press wins); from a message, a new modal."""
    opened = _modal_of(body)
    if opened:
        client.views_update(view_id=opened, view=view)
    elif body.get("trigger_id"):
        client.views_open(trigger_id=str(body["trigger_id"]), view=view)


def _refuse(deps: SlackDeps, client: WebClient, body: dict[str, Any], text: str) -> None:
    """Tell the presser why: in the modal's place, else ephemerally, else in a notice modal."""
    try:
        opened = _modal_of(body)
        if opened:
            notice = deps.renderer.render_view("modals/notice", text=text)
            client.views_update(view_id=opened, view=notice)
        elif body.get("response_url"):
            message = deps.renderer.render_message(
                "messages/triage_answer", text=text, warning=True
            )
            WebhookClient(str(body["response_url"]), timeout=5).send(
                response_type="ephemeral", replace_original=False, **message
            )
        elif body.get("trigger_id"):
            notice = deps.renderer.render_view("modals/notice", text=text)
            client.views_open(trigger_id=str(body["trigger_id"]), view=notice)
    except Exception:
        log.exception("could not tell the user why outputs were not shown")


def _modal_of(body: dict[str, Any]) -> str:
    """The id of the modal the press came from ("" for a message)."""
    view = body.get("view") or {}
    return str(view.get("id") or "") if view.get("type") == "modal" else ""
