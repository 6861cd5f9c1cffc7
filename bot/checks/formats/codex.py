"""OpenAI Codex CLI logs, one JSON object per line, in their two shapes.

A session rollout (``~/.codex/sessions/…/rollout-*.jsonl``) wraps each record as
``{"timestamp", "type", "payload"}``. A ``response_item`` payload is a Responses API item
(a message, ``reasoning``, ``function_call`` / ``function_call_output``,
``custom_tool_call``, ``local_shell_call``) and reads like one. ``event_msg`` lines repeat
what those items hold for the terminal (``agent_message``, ``agent_reasoning``,
``exec_command_begin``), so they are read only in a log with no ``response_item``;
``turn_context`` is settings, and ``session_meta`` / ``compacted`` text is input.

``codex exec --json`` prints events: ``{"type": "item.completed", "item": {"type":
"agent_message" | "reasoning" | "command_execution" | …}}`` (``item_type`` in its first
versions), each item once per stage, of which the last is read; its older form is
``{"id": …, "msg": {"type": "agent_message", …}}``, an ``event_msg`` payload.

One record pasted on its own (a single line of either log, or one record pretty-printed)
is read when its shape is unmistakably Codex's: a rollout line whose payload is an item
or a terminal event, an ``exec`` item event carrying an item, or an older ``msg`` line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.checks.formats import jsondoc
from bot.checks.formats.codex_items import render_event_msg, render_exec_item
from bot.checks.formats.jsondoc import JObj, text_of
from bot.checks.formats.messages import is_message, render_input, render_message
from bot.checks.formats.view import Transcript, ViewBuilder

_PREFIX = 16_384
_SHAPE = re.compile(
    r'"type"\s*:\s*"(?:session_meta|response_item|event_msg|turn_context|thread\.started'
    r'|item\.(?:started|updated|completed))"|"msg"\s*:\s*\{\s*"type"\s*:'
)
_ROLLOUT = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
_EXEC = frozenset(
    {"thread.started", "turn.started", "turn.completed", "turn.failed", "item.started",
     "item.updated", "item.completed", "error"}
)  # fmt: skip
# The ``msg`` types of the older ``codex exec --json`` lines that say a line is Codex's.
_EVENT_MSGS = frozenset(
    {"agent_message", "agent_reasoning", "agent_reasoning_raw_content", "user_message",
     "exec_command_begin", "exec_command_end", "patch_apply_begin", "patch_apply_end",
     "mcp_tool_call_begin", "mcp_tool_call_end", "task_started", "task_complete",
     "token_count", "session_configured", "exec_approval_request", "turn_diff"}
)  # fmt: skip

# The item types of ``codex exec --json`` that make a lone ``item.*`` line Codex's.
_EXEC_ITEMS = frozenset(
    {"agent_message", "assistant_message", "reasoning", "todo_list", "command_execution",
     "file_change", "mcp_tool_call", "web_search", "error"}
)  # fmt: skip

Render = Callable[[ViewBuilder], None]


def read_codex(text: str) -> Transcript | None:
    """A Codex rollout or ``codex exec --json`` log, or None unless at least two lines,
    and half of all lines, are Codex records."""
    if not _SHAPE.search(text, 0, _PREFIX):
        return None
    lines = _lines(text)
    records = [value for _, value in lines if value is not None and _is_codex(value)]
    if len(records) < 2 or len(records) * 2 < len(lines):
        return None
    if all(text_of(value.get("type")) == "error" for value in records):
        return None
    has_items = any(text_of(value.get("type")) == "response_item" for value in records)
    out = ViewBuilder(text)
    for (start, end), value in _latest(lines):
        if value is None or not _is_codex(value):
            out.raw(start, end, None)
            out.synthetic("\n\n")
            continue
        render = _renderer(value, has_items)
        if render is not None:
            render(out)
            out.synthetic("\n\n")
    return out.build("codex")


def read_codex_record(text: str, value: Any) -> Transcript | None:
    """One Codex record pasted alone (``value`` is the parsed document), or None unless
    it has a Codex record's shape and holds something to read."""
    if not _is_lone_record(value):
        return None
    render = _renderer(value, has_items=False)
    if render is None:
        return None
    out = ViewBuilder(text)
    render(out)
    found = out.build("codex")
    return found if found.segments else None


def _is_lone_record(value: Any) -> bool:
    """Whether a single object is a Codex record no other log would print: bookkeeping
    (``thread.started``, ``turn.completed``) and bare ``error`` objects are not enough."""
    if not isinstance(value, JObj) or not _is_codex(value):
        return False
    kind = text_of(value.get("type"))
    payload = value.get("payload")
    if kind in _ROLLOUT:
        if not isinstance(payload, JObj):
            return False
        if kind == "response_item":
            return is_message(payload)
        if kind == "event_msg":
            return text_of(payload.get("type")) in _EVENT_MSGS
        return kind in ("session_meta", "compacted")
    item = value.get("item")
    if kind.startswith("item."):
        return isinstance(item, JObj) and _item_type(item) in _EXEC_ITEMS
    return "id" in value and isinstance(value.get("msg"), JObj)


def _item_type(item: JObj) -> str:
    return text_of(item.get("type", item.get("item_type")))


def _lines(text: str) -> list[tuple[tuple[int, int], JObj | None]]:
    """Each non-blank line's span with the JSON object it holds (None: not one)."""
    return [(span, jsondoc.line_object(text, *span)) for span in jsondoc.filled_lines(text)]


def _is_codex(value: JObj | None) -> bool:
    if value is None:
        return False
    kind = text_of(value.get("type"))
    if kind in _ROLLOUT:
        return "payload" in value
    message = value.get("msg")
    if isinstance(message, JObj):
        return text_of(message.get("type")) in _EVENT_MSGS
    return kind in _EXEC


def _latest(
    lines: list[tuple[tuple[int, int], JObj | None]],
) -> list[tuple[tuple[int, int], JObj | None]]:
    """The lines with each ``exec`` item kept once, at its first place, in its last
    stage (a command's ``item.completed`` holds its output, ``item.started`` does not)."""
    kept: list[tuple[tuple[int, int], JObj | None]] = []
    slot: dict[str, int] = {}
    for span, value in lines:
        item = value.get("item") if value is not None else None
        key = text_of(item.get("id")) if isinstance(item, JObj) else ""
        if key and key in slot:
            kept[slot[key]] = (span, value)
            continue
        if key:
            slot[key] = len(kept)
        kept.append((span, value))
    return kept


def _renderer(value: JObj, has_items: bool) -> Render | None:
    """How to render one Codex record; None for bookkeeping."""
    kind = text_of(value.get("type"))
    payload = value.get("payload")
    if kind == "response_item":
        if isinstance(payload, JObj) and is_message(payload):
            return lambda out: render_message(out, payload)
        return None
    if kind == "event_msg":
        return None if has_items else (lambda out: render_event_msg(out, payload))
    if kind in ("session_meta", "compacted") and isinstance(payload, JObj):
        text = payload.get("instructions", payload.get("message"))
        return lambda out: render_input(out, text)
    item = value.get("item")
    if kind.startswith("item.") and isinstance(item, JObj):
        return lambda out: render_exec_item(out, item)
    message = value.get("msg")
    if isinstance(message, JObj):
        return lambda out: render_event_msg(out, message)
    if kind in ("error", "turn.failed"):
        return lambda out: render_input(out, value.get("message", value.get("error")))
    return None
