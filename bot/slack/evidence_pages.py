"""The page buttons of ``/safety show``: First, Previous, Next, Last, and one per finding.

A button's value (``AIS-42:3``: the incident and a page, or a finding's index) is untrusted:
the incident is read again and who may see it is checked on every press, exactly as
``show`` does. The ``show`` message is then redrawn in place at that page; anything wrong
is answered in a separate ephemeral message and the shown page stays as it was.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.incidents.errors import DomainError, InvalidInput
from bot.slack.commands import show_message
from bot.slack.deps import SlackDeps
from bot.slack.text import escape

log = logging.getLogger(__name__)
ACTIONS = re.compile(r"^evidence_(page|finding)_\w+$")
_VALUE = re.compile(r"^([A-Za-z0-9_-]{1,40}):([0-9]{1,7})$")


@dataclass(frozen=True)
class Press:
    """One press of a page or finding button, reduced to plain values."""

    user: str
    key: str
    page: int = 1
    finding: int | None = None


def parse_press(body: dict[str, Any]) -> Press:
    """The press in a ``block_actions`` payload; a malformed value is refused."""
    action = (body.get("actions") or [{}])[0]
    found = _VALUE.match(str(action.get("value") or "").strip())
    if found is None:
        raise InvalidInput("This button does not name a page of evidence. Nothing was changed.")
    user = str((body.get("user") or {}).get("id") or "")
    key, number = found.group(1).upper(), int(found.group(2))
    if str(action.get("action_id") or "").startswith("evidence_finding_"):
        return Press(user, key, finding=number)
    return Press(user, key, page=number)


def register(app: App, deps: SlackDeps) -> None:
    """Listen for the page and finding buttons of ``show``."""

    @app.action(ACTIONS)
    def pressed(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        deps.after_ack(lambda: turn_page(deps, client, body), body=body)


def turn_page(deps: SlackDeps, client: WebClient, body: dict[str, Any]) -> None:
    """Redraw ``show`` at the page pressed; a refusal is answered on its own."""
    try:
        press = parse_press(body)
        message = show_message(deps, press.key, press.user, page=press.page, finding=press.finding)
        _redraw(client, body, message)
    except DomainError as exc:
        _answer(deps, body, escape(str(exc)))


def _redraw(client: WebClient, body: dict[str, Any], message: dict[str, Any]) -> None:
    """Replace the pressed ``show``: through its response URL, else (a posted message) in place."""
    if body.get("response_url"):
        _respond(str(body["response_url"]), replace_original=True, **message)
        return
    container = body.get("container") or {}
    if container.get("channel_id") and container.get("message_ts"):
        client.chat_update(channel=container["channel_id"], ts=container["message_ts"], **message)


def _answer(deps: SlackDeps, body: dict[str, Any], text: str) -> None:
    if not body.get("response_url"):
        return
    message = deps.renderer.render_message("messages/triage_answer", text=text, warning=True)
    try:
        _respond(str(body["response_url"]), replace_original=False, **message)
    except Exception:
        log.exception("could not tell the user why a page was not shown")


def _respond(url: str, **message: Any) -> None:
    WebhookClient(url, timeout=5).send(response_type="ephemeral", **message)
