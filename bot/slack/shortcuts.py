"""Shortcuts: "Report safety incident" on a message, "New safety incident" anywhere."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.incidents.drafts import Source
from bot.slack import report_refresh
from bot.slack.deps import SlackDeps
from bot.slack.form_defaults import defaults_for
from bot.slack.listener import bound
from bot.slack.message_text import message_text
from bot.slack.report_modal import report_view

log = logging.getLogger(__name__)
MESSAGE_SHORTCUT = "report_message"
GLOBAL_SHORTCUT = "new_incident"


def register(app: App, deps: SlackDeps) -> None:
    """Listen for both shortcuts, and for evidence entered in the form they open."""
    report_refresh.register(app, deps)
    app.message_shortcut(MESSAGE_SHORTCUT)(bound(report_message, deps))
    app.shortcut(GLOBAL_SHORTCUT)(bound(new_incident, deps))


def report_message(deps: SlackDeps, ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
    """The message shortcut: ack, then open the form for the message after the ack."""
    ack()
    deps.after_ack(lambda: open_for_message(deps, client, shortcut), body=shortcut)


def new_incident(deps: SlackDeps, ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
    """The global shortcut: ack, then open a blank form after the ack."""
    ack()
    deps.after_ack(lambda: open_blank(deps, client, shortcut), body=shortcut)


def open_for_message(deps: SlackDeps, client: WebClient, shortcut: dict[str, Any]) -> None:
    """Open the report form for the flagged message, prefilled from its checks."""
    message = shortcut.get("message") or {}
    channel = shortcut.get("channel") or {}
    source = Source(
        channel=channel.get("id"),
        ts=message.get("ts"),
        author=message.get("user") or message.get("bot_id"),
    )
    user_id = shortcut["user"]["id"]
    defaults = defaults_for(client, message, channel, deps.settings.channel_model_map)
    text = message_text(message)
    view = report_view(deps, user_id=user_id, text=text, source=source, defaults=defaults)
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)


def open_blank(deps: SlackDeps, client: WebClient, shortcut: dict[str, Any]) -> None:
    """Open a blank report form."""
    view = report_view(deps, user_id=shortcut["user"]["id"], text="")
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)
