"""Shortcuts: "Report safety incident" on a message, "New safety incident" anywhere."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents.attachments import evidence_text
from bot.incidents.drafts import Source
from bot.ingest.log_files import logs_among
from bot.slack import eval_screen, form_files, report_refresh
from bot.slack.deps import SlackDeps
from bot.slack.files import file_ids, read_files
from bot.slack.form_defaults import defaults_for
from bot.slack.listener import bound
from bot.slack.message_text import message_text
from bot.slack.report_modal import report_view

log = logging.getLogger(__name__)
MESSAGE_SHORTCUT = "report_message"
GLOBAL_SHORTCUT = "new_incident"


def register(app: App, deps: SlackDeps) -> None:
    """Listen for both shortcuts, and for evidence entered, files attached or an eval log
    screened in the form they open."""
    report_refresh.register(app, deps)
    form_files.register(app, deps)  # before ``views``: a form with files to read first
    eval_screen.register(app, deps)
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
    """Open the report form for the flagged message, prefilled from its checks; a message
    with files shows a modal at once and the form once they are read into its evidence."""
    message = shortcut.get("message") or {}
    channel = shortcut.get("channel") or {}
    source = Source(
        channel=channel.get("id"),
        ts=message.get("ts"),
        author=message.get("user") or message.get("bot_id"),
    )
    user_id = shortcut["user"]["id"]
    ids = file_ids(message.get("files") or [])
    if ids:  # reading them may outlast the trigger id: a modal opens at once, the form follows
        waiting = deps.renderer.render_view("modals/reading_files", count=len(ids))
        opened = client.views_open(trigger_id=shortcut["trigger_id"], view=waiting)
    defaults = defaults_for(client, message, channel, deps.settings.channel_model_map)
    files = read_files(client, ids)
    text = evidence_text(message_text(message), files)
    attached = [f.file for f in files]
    view = report_view(
        deps,
        user_id=user_id,
        text=text,
        source=source,
        defaults=defaults,
        files=attached,
        eval_logs=logs_among(files),  # each offered for screening (``eval_screen``)
    )
    if ids:
        _replace(client, opened["view"]["id"], view)
    else:
        client.views_open(trigger_id=shortcut["trigger_id"], view=view)


def _replace(client: WebClient, view_id: str, view: dict[str, Any]) -> None:
    """Put the form in place of the modal that said the files were being read."""
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as exc:  # the reporter closed it meanwhile: nothing is lost
        log.info("report form not shown: %s", exc.response.get("error"))


def open_blank(deps: SlackDeps, client: WebClient, shortcut: dict[str, Any]) -> None:
    """Open a blank report form."""
    view = report_view(deps, user_id=shortcut["user"]["id"], text="")
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)
