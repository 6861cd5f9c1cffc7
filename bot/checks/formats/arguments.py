"""Tool-call arguments: which fields are the model's reasoning and which are the action.

Agents often carry their reasoning inside the call (``{"thoughts": "...", "cmd": "..."}``).
Those fields are ``reasoning``; every other field of a call is part of the action
(``tool_call``). Fields are rendered into the view as ``key: value`` lines, so rules read
the decoded text the way they read a ``<tool_use>`` block.
"""

from __future__ import annotations

import json
from typing import Any

from bot.checks.formats.jsondoc import JObj, JStr, nested
from bot.checks.formats.view import ViewBuilder

REASONING_FIELDS = frozenset(
    {
        "thoughts", "thought", "thinking", "reasoning", "rationale", "plan", "explanation",
        "reflection", "analysis", "criticism", "self_criticism", "justification",
        "scratchpad", "inner_monologue", "chain_of_thought", "internal_reasoning",
    }
)  # fmt: skip
# Fields that make a JSON answer an action (an agent answering with
# {"thoughts": ..., "command": {...}}); inside a tool call every field already is one.
CALL_FIELDS = frozenset(
    {"command", "cmd", "action", "tool", "tool_call", "function_call", "code", "script", "sql"}
)
_MAX_DEPTH = 8


def field_role(key: str, inherited: str) -> str:
    """Role of a field given the role of the object that holds it."""
    lowered = key.lower()
    if inherited == "reasoning" or lowered in REASONING_FIELDS:
        return "reasoning"
    if inherited == "final" and lowered in CALL_FIELDS:
        return "tool_call"
    return inherited


def render_object(
    out: ViewBuilder,
    obj: JObj,
    role: str,
    tool: str | None,
    depth: int = 0,
    skip: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Render ``obj`` as ``key: value`` lines, each with its field's role (except the
    keys in ``skip``)."""
    for key, value in obj.items():
        if key in skip:
            continue
        own = field_role(key, role)
        own_tool = tool if own == "tool_call" else None
        out.string(obj.keys_at[key], own, own_tool)
        out.synthetic(": ", own, own_tool)
        render_value(out, value, own, own_tool, depth + 1)
        out.synthetic("\n")


def render_value(out: ViewBuilder, value: Any, role: str, tool: str | None, depth: int = 0) -> None:
    """Render one JSON value with ``role``; JSON objects encoded in strings are opened."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, JStr):
        inner = nested(value) if value.value.lstrip().startswith("{") else None
        if inner is None:
            out.string(value, role, tool)
        else:
            out.synthetic("\n")
            render_object(out, inner, role, tool, depth)
    elif isinstance(value, JObj):
        out.synthetic("\n")
        render_object(out, value, role, tool, depth)
    elif isinstance(value, list):
        for item in value:
            render_value(out, item, role, tool, depth)
            out.synthetic("\n")
    elif value is not None:
        out.synthetic(json.dumps(value), role, tool)
