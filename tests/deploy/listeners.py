"""What the built Bolt app listens for, read from its registered listeners.

Bolt keeps no public list of what each listener matches, so the constraint (the command
name, callback id or event type) is read from the closure of each built-in matcher. The
reverse direction uses Bolt's public ``Listener.matches`` with a request shaped like Slack's.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

# Matcher functions (by the builder that made them) whose constraint names a manifest entry.
_KINDS = {
    "command": "command",
    "shortcut": "shortcut",
    "global_shortcut": "global_shortcut",
    "message_shortcut": "message_shortcut",
    "event": "event",
}


@dataclass
class Registered:
    """The commands, shortcut callback ids (with their type) and events an app listens for."""

    commands: set[str] = field(default_factory=set)
    shortcuts: dict[str, str] = field(default_factory=dict)  # callback id -> global|message|any
    events: set[str] = field(default_factory=set)


def registered(app: App) -> Registered:
    """Everything ``app``'s listeners match that a Slack app manifest must declare."""
    found = Registered()
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            builder = getattr(func, "__qualname__", "").split(".<locals>")[0]
            if func is None or builder not in _KINDS:
                continue
            _record(found, _KINDS[builder], inspect.getclosurevars(func).nonlocals)
    return found


def _record(found: Registered, kind: str, names: Mapping[str, Any]) -> None:
    if kind == "command":
        found.commands.add(_plain(names["command"]))
    elif kind == "event":
        value = names.get("event_type") or names["constraints"]["type"]
        found.events.add(_plain(value))
    else:
        callback_id = _plain(names.get("callback_id", names.get("constraints")))
        found.shortcuts[callback_id] = {
            "global_shortcut": "global",
            "message_shortcut": "message",
        }.get(kind, "any")


def _plain(value: Any) -> str:
    if not isinstance(value, str):
        raise AssertionError(f"a listener matches {value!r}; the manifest needs a fixed name")
    return value


def handles(app: App, body: dict[str, Any]) -> bool:
    """Whether some listener of ``app`` would take a request with ``body``."""
    request = BoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
    request.body = body
    response = BoltResponse(status=200)
    return any(listener.matches(req=request, resp=response) for listener in app._listeners)


def command_body(command: str) -> dict[str, Any]:
    """A slash command as Bolt sees it once parsed."""
    return {"command": command, "text": "", "user_id": "U1", "team_id": "T1", "trigger_id": "1"}


def shortcut_body(callback_id: str, kind: str) -> dict[str, Any]:
    """A global (``shortcut``) or message (``message_action``) shortcut."""
    body: dict[str, Any] = {
        "type": "shortcut" if kind == "global" else "message_action",
        "callback_id": callback_id,
        "trigger_id": "1",
        "user": {"id": "U1"},
        "team": {"id": "T1"},
    }
    if kind == "message":
        body.update(channel={"id": "C1"}, message={"ts": "1.0", "text": "x"})
    return body


def event_body(event_type: str) -> dict[str, Any]:
    """An Events API callback carrying an event of ``event_type``."""
    return {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "Ev1",
        "event": {"type": event_type, "user": "U1", "channel": "D1", "tab": "home"},
    }
