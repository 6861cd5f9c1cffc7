"""What a signed Slack body must look like before Bolt sees it.

Bolt's matchers and context builder index into payloads without checking types
(``body["actions"][0]["action_id"]``), and ``json`` recurses once per nesting level, so a
signed body of an unforeseen shape would fail deep inside them. Both HTTP and Socket Mode
check here first and refuse such a body with a short reason.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

# Real payloads nest about 15 deep; json and Bolt recurse once per level.
MAX_DEPTH = 100
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")

# Interactions that always name the user who acted.
_USER_ACTIONS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
)
_TEXT_FIELDS = (
    "type",
    "callback_id",
    "trigger_id",
    "response_url",
    "action_id",
    "block_id",
    "api_app_id",
    "token",
    "team_id",
    "enterprise_id",
    "event_id",
    "user_id",
    "channel_id",
)
# An id as text, or an object whose id (if any) is text.
_REFERENCES = ("user", "team", "enterprise", "channel")
_OBJECTS = ("event", "view", "message", "container", "state")
_VIEW_TEXT = ("id", "type", "callback_id", "private_metadata", "hash", "external_id")


class MalformedRequest(ValueError):
    """A signed body unlike anything Slack sends; its text is the reason, short enough to answer."""


def parse_body(text: str, content_type: str) -> Any:
    """A JSON event, a ``payload=`` interaction, or a form (a slash command)."""
    try:
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            return _loads(text)
        form = dict(parse_qsl(text, keep_blank_values=True))
        return _loads(form["payload"]) if "payload" in form else form
    except MalformedRequest:
        raise
    except ValueError:
        raise MalformedRequest("not a Slack request") from None


def _loads(text: str) -> Any:
    """``json.loads``, once the text is known not to nest deeper than MAX_DEPTH."""
    if _nests_deeper(text, MAX_DEPTH):
        raise MalformedRequest(f"JSON nested more than {MAX_DEPTH} deep")
    return json.loads(text)


def _nests_deeper(text: str, limit: int) -> bool:
    """Whether brackets outside JSON strings open more than ``limit`` deep (no recursion)."""
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > limit:
            return True
    return False


def depth(payload: Any) -> int:
    """How deep lists and objects nest in a parsed payload (no recursion)."""
    deepest, stack = 0, [(payload, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def malformed(body: Any) -> str | None:
    """What makes ``body`` unlike any request Slack sends, or None.

    Only the fields Bolt and the listeners rely on are checked: a slash command names its
    command and user; an interaction its type and user; ids, objects and lists have the
    types Bolt indexes them as; a click names its action, a view its id, type and state.
    """
    if not isinstance(body, dict):
        return "not a JSON object"
    if not body:
        return "empty body"
    if depth(body) > MAX_DEPTH:
        return f"JSON nested more than {MAX_DEPTH} deep"
    if "ssl_check" in body:
        return None
    if "command" in body:
        fine = _is_text(body.get("command")) and _is_text(body.get("user_id"))
        return None if fine else "a slash command needs command and user_id"
    return _field_problem(body) or _kind_problem(body)


def _field_problem(body: dict[str, Any]) -> str | None:
    """Fields of the wrong type anywhere Bolt's context builder and matchers look."""
    for key in _TEXT_FIELDS:
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"{key} must be text"
    for key in _REFERENCES:
        if not _is_reference(body.get(key)):
            return f"{key} must be an id or an object with one"
    for key in _OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            return f"{key} must be an object"
    for key in ("authorizations", "actions"):
        if not _is_list_of_objects(body.get(key)):
            return f"{key} must be a list of objects"
    event = body.get("event")
    if event is not None and not all(_is_reference(event.get(k)) for k in _REFERENCES):
        return "an event's user, team and channel must be ids"
    return None


def _kind_problem(body: dict[str, Any]) -> str | None:
    """What the request's type requires: an event type, a user, a view, a message, actions."""
    kind = body.get("type")
    if not _is_text(kind):
        return "no request type"
    if kind == "event_callback" and not _has_text(body.get("event"), "type"):
        return "an event needs a type"
    if kind in _USER_ACTIONS and not _has_text(body.get("user"), "id"):
        return f"{kind} needs a user"
    if kind == "block_actions":
        return _actions_problem(body.get("actions")) or _view_problem(body.get("view"), False)
    if kind in ("view_submission", "view_closed"):
        return _view_problem(body.get("view"), True)
    if kind == "message_action" and not isinstance(body.get("message"), dict):
        return "message_action needs a message"
    return None


def _actions_problem(actions: Any) -> str | None:
    """A click names at least one action, each with a text action_id (and block_id)."""
    if not actions:
        return "block_actions needs actions"
    for action in actions:
        if not _has_text(action, "action_id"):
            return "an action needs an action_id"
        if not all(_is_text_or_none(action.get(k)) for k in ("block_id", "value")):
            return "an action's block_id and value must be text"
        if not _is_object_or_none(action.get("selected_option")):
            return "an action's selected_option must be an object"
    return None


def _view_problem(view: Any, required: bool) -> str | None:
    """A view has text fields, a list of blocks, and state mapping blocks to actions to values."""
    if view is None and not required:
        return None
    if not (_has_text(view, "id") and _has_text(view, "type")):
        return "a view needs an id and a type"
    if not all(_is_text_or_none(view.get(k)) for k in _VIEW_TEXT):
        return "a view's id, type, callback_id and private_metadata must be text"
    if not _is_list_of_objects(view.get("blocks")):
        return "a view's blocks must be a list of objects"
    state = view.get("state") or {}
    values = (state.get("values") or {}) if isinstance(state, dict) else None
    if not isinstance(values, dict) or not all(
        isinstance(actions, dict) and all(_is_element_state(v) for v in actions.values())
        for actions in values.values()
    ):
        return "a view's state must map blocks to actions to values"
    return None


def _is_element_state(value: Any) -> bool:
    """One input's state: an object whose selections are objects."""
    return (
        isinstance(value, dict)
        and _is_object_or_none(value.get("selected_option"))
        and _is_list_of_objects(value.get("selected_options"))
    )


def _is_reference(value: Any) -> bool:
    if isinstance(value, dict):
        return _is_text_or_none(value.get("id"))
    return _is_text_or_none(value)


def _is_list_of_objects(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, dict) for v in value))


def _is_object_or_none(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def _is_text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _has_text(node: Any, key: str) -> bool:
    return isinstance(node, dict) and _is_text(node.get(key))
