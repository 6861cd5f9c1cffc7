"""The requests Slack sends an app, built from what a person did on the playground page.

Plain functions from plain values to Slack's payload shapes: the slash command form,
``message_action`` and ``shortcut``, ``block_actions``, ``view_submission`` and
``view_closed``, and the ``app_home_opened`` event. The page reports only ids and chosen
values; the elements themselves are looked up in the stored message or view, so the bot
receives exactly what Slack would send for that view.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.playground.blockkit import block_id_of

Json = dict[str, Any]
Chosen = str | list[str] | None
_USER_KEYS = {
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
}
_VALUE_TYPES = ("plain_text_input", "email_text_input", "url_text_input", "number_input")
_ONE_OPTION = ("static_select", "external_select", "radio_buttons", "overflow")
_MANY_OPTIONS = ("multi_static_select", "multi_external_select", "checkboxes")
STATEFUL = (*_VALUE_TYPES, *_ONE_OPTION, *_MANY_OPTIONS, *_USER_KEYS)


@dataclass(frozen=True)
class Actor:
    """The person acting, and the workspace and app the request is for."""

    user_id: str
    user_name: str
    team_id: str
    team_domain: str
    api_app_id: str

    def user(self) -> Json:
        """The ``user`` object of interaction payloads."""
        return {
            "id": self.user_id,
            "username": self.user_name,
            "name": self.user_name,
            "team_id": self.team_id,
        }

    def common(self, kind: str) -> Json:
        """Fields every interaction payload carries."""
        return {
            "type": kind,
            "token": "playground",
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self.user(),
            "api_app_id": self.api_app_id,
            "is_enterprise_install": False,
            "enterprise": None,
        }


def slash_command(
    actor: Actor,
    *,
    command: str,
    text: str,
    channel: tuple[str, str],
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form Slack posts for a slash command."""
    return {
        "token": "playground",
        "team_id": actor.team_id,
        "team_domain": actor.team_domain,
        "channel_id": channel[0],
        "channel_name": channel[1],
        "user_id": actor.user_id,
        "user_name": actor.user_name,
        "command": command,
        "text": text,
        "api_app_id": actor.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def message_action(
    actor: Actor,
    *,
    callback_id: str,
    channel: tuple[str, str],
    message: Json,
    response_url: str,
    trigger_id: str,
    action_ts: str,
) -> Json:
    """A message shortcut chosen from a message's "⋯" menu."""
    return {
        **actor.common("message_action"),
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "action_ts": action_ts,
        "channel": {"id": channel[0], "name": channel[1]},
        "message_ts": message["ts"],
        "message": slack_message(message, actor.team_id),
        "response_url": response_url,
    }


def global_shortcut(actor: Actor, *, callback_id: str, trigger_id: str, action_ts: str) -> Json:
    """A global shortcut chosen from the shortcuts menu."""
    return {
        **actor.common("shortcut"),
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "action_ts": action_ts,
    }


def slack_message(message: Json, team_id: str) -> Json:
    """A stored message as interaction payloads carry it."""
    out: Json = {"type": "message", "ts": message["ts"], "text": message.get("text", "")}
    for key in ("user", "bot_id", "thread_ts", "attachments"):
        if message.get(key):
            out[key] = message[key]
    if message.get("blocks"):
        out["blocks"] = message["blocks"]
    out["team"] = team_id
    return out


def block_actions(
    actor: Actor,
    *,
    action: Json,
    container: Json,
    trigger_id: str,
    channel: tuple[str, str] | None = None,
    message: Json | None = None,
    view: Json | None = None,
    response_url: str | None = None,
) -> Json:
    """A click or choice on an interactive element of a message, modal or home tab."""
    payload = {
        **actor.common("block_actions"),
        "container": container,
        "trigger_id": trigger_id,
        "actions": [action],
        "state": {"values": {}},
    }
    if channel is not None:
        payload["channel"] = {"id": channel[0], "name": channel[1]}
    if message is not None:
        payload["message"] = slack_message(message, actor.team_id)
    if view is not None:
        payload["view"] = view
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def view_submission(actor: Actor, *, view: Json, trigger_id: str) -> Json:
    """A modal submitted with its state."""
    return {
        **actor.common("view_submission"),
        "view": view,
        "trigger_id": trigger_id,
        "response_urls": [],
    }


def view_closed(actor: Actor, *, view: Json) -> Json:
    """A modal closed with Cancel or ✕ (sent only when it asked with ``notify_on_close``)."""
    return {**actor.common("view_closed"), "view": view, "is_cleared": False}


def app_home_opened(
    actor: Actor, *, channel: str, view: Json | None, event_id: str, event_ts: str
) -> Json:
    """The Events API callback for a person opening the app's Home tab."""
    event: Json = {
        "type": "app_home_opened",
        "user": actor.user_id,
        "channel": channel,
        "tab": "home",
        "event_ts": event_ts,
    }
    if view is not None:
        event["view"] = view
    return {
        "token": "playground",
        "team_id": actor.team_id,
        "api_app_id": actor.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(float(event_ts)),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": actor.team_id,
                "user_id": actor.user_id,
                "is_bot": False,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


# ---------------------------------------------------------------- elements and state


def elements(blocks: list[Any]) -> Iterator[tuple[str, Json, Json]]:
    """Every interactive element with its block id and block, in order."""
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        bid = block_id_of(block, index)
        found: list[Any] = []
        if block.get("type") == "actions":
            found = list(block.get("elements") or [])
        elif block.get("type") == "section" and block.get("accessory"):
            found = [block["accessory"]]
        elif block.get("type") == "input" and block.get("element"):
            found = [block["element"]]
        for item in found:
            if isinstance(item, dict):
                yield bid, block, item


def find_element(blocks: list[Any], block_id: str, action_id: str) -> tuple[Json, Json] | None:
    """The block and element with these ids, or ``None``."""
    for bid, block, item in elements(blocks):
        if bid == block_id and str(item.get("action_id", "")) == action_id:
            return block, item
    return None


def element_state(item: Json, chosen: Chosen) -> Json | None:
    """Slack's state entry for one element given the page's value; ``None`` if stateless."""
    kind = str(item.get("type"))
    if kind in _VALUE_TYPES:
        text = chosen if isinstance(chosen, str) and chosen != "" else None
        return {"type": kind, "value": text}
    if kind in _ONE_OPTION:
        values = _as_list(chosen)
        option = _options_by_value(item).get(values[0]) if values else None
        return {"type": kind, "selected_option": option}
    if kind in _MANY_OPTIONS:
        by_value = _options_by_value(item)
        return {
            "type": kind,
            "selected_options": [by_value[v] for v in _as_list(chosen) if v in by_value],
        }
    if kind in _USER_KEYS:
        key = _USER_KEYS[kind]
        values = _as_list(chosen)
        if kind.startswith("multi_"):
            return {"type": kind, key: values}
        return {"type": kind, key: values[0] if values else None}
    return None


def state_values(view: Json, chosen: dict[str, dict[str, Chosen]]) -> Json:
    """``view.state.values`` for a modal or home tab, from the page's values by block and action."""
    values: Json = {}
    for bid, block, item in elements(view.get("blocks") or []):
        action_id = str(item.get("action_id", ""))
        if action_id not in (chosen.get(bid) or {}) and block.get("type") != "input":
            continue
        state = element_state(item, (chosen.get(bid) or {}).get(action_id))
        if state is not None:
            values.setdefault(bid, {})[action_id] = state
    return values


def missing_required(view: Json, values: Json) -> dict[str, str]:
    """Required inputs left empty: Slack's client refuses to submit and says so inline."""
    errors = {}
    for bid, block, item in elements(view.get("blocks") or []):
        if block.get("type") != "input" or block.get("optional"):
            continue
        state = (values.get(bid) or {}).get(str(item.get("action_id", ""))) or {}
        if not any(v for k, v in state.items() if k != "type"):
            errors[bid] = "Please complete this required field."
    return errors


def action(item: Json, block_id: str, chosen: Chosen, action_ts: str) -> Json:
    """The ``actions[0]`` entry of a ``block_actions`` payload for ``item``."""
    out: Json = {
        "type": item.get("type"),
        "action_id": item.get("action_id", ""),
        "block_id": block_id,
        "action_ts": action_ts,
    }
    if item.get("type") == "button":
        for key in ("text", "value", "style", "url"):
            if key in item:
                out[key] = item[key]
        return out
    state = element_state(item, chosen) or {}
    out.update({k: v for k, v in state.items() if k != "type"})
    if "placeholder" in item:
        out["placeholder"] = item["placeholder"]
    return out


def _as_list(chosen: Chosen) -> list[str]:
    if chosen is None or chosen == "":
        return []
    return [str(c) for c in chosen] if isinstance(chosen, list) else [str(chosen)]


def _options_by_value(item: Json) -> dict[str, Json]:
    options = list(item.get("options") or [])
    for group in item.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return {str(o.get("value")): o for o in options if isinstance(o, dict)}
