"""The incident's buttons, on the triage post, ``/safety show``, reminders and the App Home.

Each click is acked at once, then: who is asking is checked, one service method is called
(or a modal is opened, see ``triage_modals``), and a refusal or error is answered
ephemerally. The post is never edited here: the change's outbox notices do that. A click
on a stale post is refused, not applied: the block id carries the status and assignee the
viewer saw, and the service refuses a status change made from an out-of-date view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.incidents.errors import DomainError, InvalidInput, InvalidTransition, StaleAssignment
from bot.incidents.records import UNCHECKED
from bot.incidents.vocab import STATUS_LABELS
from bot.slack import triage_modals
from bot.slack.commands import show_message
from bot.slack.deps import SlackDeps
from bot.slack.listener import bound
from bot.slack.present import mention
from bot.slack.text import escape
from bot.store.models import STATUSES, Incident

log = logging.getLogger(__name__)
MENU = "incident_menu"  # the App Home's overflow menu: the option's value names the verb


@dataclass(frozen=True)
class Click:
    """One click, reduced to plain values."""

    user: str
    verb: str
    key: str
    seen_status: str | None = None
    seen_assignee: str | None = None  # "-" for nobody; None when the view did not say
    trigger_id: str | None = None
    response_url: str | None = None
    ephemeral: bool = False


def parse_click(body: dict[str, Any]) -> Click:
    """The click in a ``block_actions`` payload; a payload naming no incident is an error."""
    action = (body.get("actions") or [{}])[0]
    verb = str(action.get("action_id") or "")
    value = str(action.get("value") or "")
    if verb == MENU:
        verb = str((action.get("selected_option") or {}).get("value") or "")
    key, status, assignee = _seen(str(action.get("block_id") or ""))
    key = (value if value and action.get("action_id") != MENU else key).strip().upper()
    if not key:
        raise InvalidInput("This button does not say which incident it is for.")
    container = body.get("container") or {}
    return Click(
        user=str((body.get("user") or {}).get("id") or ""),
        verb=verb,
        key=key[:40],
        seen_status=status,
        seen_assignee=assignee,
        trigger_id=body.get("trigger_id"),
        response_url=body.get("response_url"),
        ephemeral=bool(container.get("is_ephemeral")),
    )


def _seen(block_id: str) -> tuple[str, str | None, str | None]:
    """``<surface>[:<section>]:<KEY>:<status>[:<assignee>]`` → key, status, assignee."""
    parts = block_id.split(":")
    if len(parts) >= 4 and parts[-2] in STATUSES:
        return parts[-3], parts[-2], parts[-1]
    if len(parts) >= 3 and parts[-1] in STATUSES:
        return parts[-2], parts[-1], None
    return "", None, None


@dataclass
class Turn:
    """One click being handled: what it needs to act and to answer."""

    deps: SlackDeps
    client: WebClient
    click: Click

    @property
    def key(self) -> str:
        return self.click.key

    @property
    def user(self) -> str:
        return self.click.user

    def require_triage(self, what: str) -> None:
        self.deps.rules.require_triage(self.user, self.key, what)

    def open_incident(self) -> Incident:
        """The incident as it is now; refused when it was closed since the view was drawn."""
        incident = self.deps.incidents.get(self.key)
        if incident.status == "closed":
            raise InvalidTransition(
                f"{incident.key} is closed now; nothing was changed. Reopen it first if there "
                "is more to do."
            )
        return incident

    def answer(self, text: str, *, warning: bool = True) -> None:
        """Tell the clicker, ephemerally; on the App Home (no message to answer), in a modal."""
        if self.click.response_url:
            message = self.deps.renderer.render_message(
                "messages/triage_answer", text=text, warning=warning
            )
            _respond(self.click.response_url, replace_original=False, **message)
        elif self.click.trigger_id:
            notice = self.deps.renderer.render_view("modals/notice", text=text)
            self.client.views_open(trigger_id=self.click.trigger_id, view=notice)

    def changed(self) -> None:
        """After a change: an ephemeral ``show`` is redrawn; posts and homes update themselves."""
        if self.click.ephemeral and self.click.response_url:
            message = show_message(self.deps, self.key, self.user)
            _respond(self.click.response_url, replace_original=True, **message)

    def open_modal(self, callback: str) -> None:
        """Open a triage modal for this incident (it remembers an ephemeral origin to redraw)."""
        if not self.click.trigger_id:
            raise InvalidInput("This button needs to be clicked in Slack to open its form.")
        detail = self.deps.incidents.detail(self.key)
        origin = (self.click.response_url or "") if self.click.ephemeral else ""
        view = triage_modals.view(self.deps, callback, detail, self.user, origin)
        self.client.views_open(trigger_id=self.click.trigger_id, view=view)


# --- the verbs ----------------------------------------------------------------------------


def acknowledge(turn: Turn) -> None:
    """Acknowledge a new incident; a second click says who did it first."""
    turn.require_triage("acknowledge")
    try:
        turn.deps.incidents.acknowledge(turn.key, actor=turn.user)
    except InvalidTransition:
        turn.answer(_already_acknowledged(turn), warning=False)
        return
    turn.changed()


def assign_to_me(turn: Turn) -> None:
    """Take an incident; refused when someone else took it since the view was drawn."""
    turn.require_triage("assign")
    incident = turn.open_incident()
    key = escape(incident.key)
    if incident.assignee_id == turn.user:
        turn.answer(f"*{key}* is already assigned to you.", warning=False)
        return
    seen = turn.click.seen_assignee
    expected = UNCHECKED if seen is None else (None if seen == "-" else seen)
    try:
        turn.deps.incidents.assign(incident.key, turn.user, actor=turn.user, expected=expected)
    except StaleAssignment as stale:
        turn.answer(
            f"*{key}* was just assigned to {mention(stale.assignee_id)}; nothing was changed. "
            "Use Assign… to take it over."
        )
        return
    turn.changed()


def reopen(turn: Turn) -> None:
    """Reopen a closed incident."""
    turn.require_triage("reopen")
    turn.deps.incidents.reopen(turn.key, actor=turn.user)
    turn.changed()


def stop_updates(turn: Turn) -> None:
    """The reporter's "Stop updates" in a DM: no more DMs about this incident."""
    incident = turn.deps.incidents.stop_reporter_updates(turn.key, actor=turn.user)
    turn.answer(
        f"OK: no more messages about *{escape(incident.key)}*. "
        f"`{turn.deps.settings.command} show {escape(incident.key)}` still shows where it stands.",
        warning=False,
    )


def show(turn: Turn) -> None:
    """``/safety show`` for one row of a list, as a new ephemeral message."""
    if not turn.click.response_url:
        raise InvalidInput(f"Try `{turn.deps.settings.command} show {turn.key}`.")
    message = show_message(turn.deps, turn.key, turn.user)
    _respond(turn.click.response_url, replace_original=False, **message)


def modal(callback: str, what: str) -> Callable[[Turn], None]:
    """A verb that opens the triage modal ``callback`` for the triage team."""

    def open_it(turn: Turn) -> None:
        turn.require_triage(what)
        turn.open_incident()
        turn.open_modal(callback)

    return open_it


def add_note(turn: Turn) -> None:
    """Open the note modal, for whoever may add a note."""
    turn.deps.rules.require_note(turn.user, turn.deps.incidents.get(turn.key))
    turn.open_modal(triage_modals.NOTE)


def edit_details(turn: Turn) -> None:
    """Open the details modal for the triage team, on a closed incident too (to correct it)."""
    turn.require_triage("edit the details of")
    turn.open_modal(triage_modals.DETAILS)


def reproduce(turn: Turn) -> None:
    """Open the reproduction modal for the triage team, on a closed incident too (to see
    whether a fix holds)."""
    turn.require_triage("reproduce")
    turn.open_modal(triage_modals.REPRODUCE)


def apply_judge(turn: Turn) -> None:
    """The judge's reply's "Apply judge's categories": triage team only; a second click
    changes nothing and says so."""
    event = turn.deps.incidents.apply_judge_categories(
        turn.key, actor=turn.user, rules=turn.deps.rules
    )
    key = escape(turn.key)
    if event is None:
        turn.answer(
            f"*{key}* has the judge's categories already; nothing was changed.", warning=False
        )
        return
    turn.answer(
        f"*{key}*'s categories are now the judge's: {escape(event.to_value or 'none')}.",
        warning=False,
    )


VERBS: dict[str, Callable[[Turn], None]] = {
    "incident_ack": acknowledge,
    "incident_assign_me": assign_to_me,
    "incident_assign": modal(triage_modals.ASSIGN, "assign"),
    "incident_severity": modal(triage_modals.SEVERITY, "change the severity of"),
    "incident_status": modal(triage_modals.STATUS, "change the status of"),
    "incident_resolve": modal(triage_modals.RESOLVE, "resolve"),
    "incident_merge": modal(triage_modals.MERGE, "merge"),
    "incident_reopen": reopen,
    "incident_note": add_note,
    "incident_details": edit_details,
    "incident_show": show,
    "incident_updates_off": stop_updates,
    "incident_reproduce": reproduce,
    "incident_judge_apply": apply_judge,
}


def register(app: App, deps: SlackDeps) -> None:
    """Listen for every incident button and the App Home's menu."""
    listener = bound(clicked, deps)
    for action_id in (*VERBS, MENU):
        app.action(action_id)(listener)


def clicked(deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """A button or menu click: ack, then apply it after the ack."""
    ack()
    deps.after_ack(lambda: click(deps, client, body), body=body)


def click(deps: SlackDeps, client: WebClient, body: dict[str, Any]) -> None:
    """Apply the click in ``body``; a refusal is answered to the clicker."""
    turn = None
    try:
        turn = Turn(deps, client, parse_click(body))
        verb = VERBS.get(turn.click.verb)
        if verb is None:
            raise InvalidInput("I don't know that button; the message may be out of date.")
        verb(turn)
    except DomainError as exc:
        _answer_error(deps, client, body, turn, escape(str(exc)))


def _answer_error(
    deps: SlackDeps, client: WebClient, body: dict[str, Any], turn: Turn | None, text: str
) -> None:
    if turn is None:
        turn = Turn(deps, client, Click(user="", verb="", key="", **_reply_ids(body)))
    try:
        turn.answer(text)
    except Exception:
        log.exception("could not tell the user why a click was refused")


def _reply_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {"trigger_id": body.get("trigger_id"), "response_url": body.get("response_url")}


def _already_acknowledged(turn: Turn) -> str:
    detail = turn.deps.incidents.detail(turn.key)
    key = escape(detail.incident.key)
    first = next((e for e in detail.events if e.from_value == "new" and e.actor), None)
    if first is None:
        return f"*{key}* is {detail.incident.status} already; nothing was changed."
    who = "you" if first.actor == turn.user else mention(first.actor)
    if first.kind == "acknowledged":
        return f"*{key}* was already acknowledged by {who}; nothing was changed."
    now = STATUS_LABELS.get(detail.incident.status, "")
    return f"*{key}* was already moved on by {who} (it is {now} now); nothing was changed."


def _respond(url: str, **message: Any) -> None:
    WebhookClient(url, timeout=5).send(response_type="ephemeral", **message)
