"""What Codex CLI prints about a step, by the role its author played.

``codex exec --json`` items: an ``agent_message`` is the model's text, ``reasoning`` and a
``todo_list`` (its plan) its reasoning; a ``command_execution``, ``file_change``,
``mcp_tool_call`` or ``web_search`` is a ``tool_call`` (of ``shell``, ``apply_patch``,
the MCP tool, ``web_search``) whose output or result is ``quoted``, as is an ``error``.

``event_msg`` payloads (and the older ``exec`` form's ``msg``) read the same way:
``agent_message`` / ``agent_reasoning``, ``exec_command_begin`` (the command),
``patch_apply_begin`` and ``mcp_tool_call_begin`` are the model's; ``user_message`` and
every ``…_end`` / output event are ``quoted``; the rest (token counts, task starts) is
bookkeeping.
"""

from __future__ import annotations

from typing import Any

from bot.checks.formats.arguments import render_value
from bot.checks.formats.jsondoc import JObj, JStr, text_of
from bot.checks.formats.messages import render_block, render_call, render_input, render_model_text
from bot.checks.formats.view import ViewBuilder

_OUTPUT_KEYS = ("aggregated_output", "formatted_output", "stdout", "stderr", "output", "result")


def render_exec_item(out: ViewBuilder, item: JObj) -> None:
    """One ``codex exec --json`` item."""
    kind = text_of(item.get("type", item.get("item_type")))
    if kind in ("agent_message", "assistant_message"):
        _model_text(out, item.get("text"))
    elif kind == "reasoning":
        _reasoning(out, item.get("text"))
    elif kind == "todo_list":
        render_value(out, item.get("items"), "reasoning", None)
    elif kind == "command_execution":
        render_call(out, None, item.get("command"), "shell")
        _outputs(out, item)
    elif kind == "file_change":
        render_call(out, None, item.get("changes"), "apply_patch")
    elif kind == "mcp_tool_call":
        render_call(out, item.get("tool"), item.get("arguments"), "mcp")
        _outputs(out, item)
    elif kind == "web_search":
        render_call(out, None, item.get("query"), "web_search")
    elif kind == "error":
        render_input(out, item.get("message"))


def render_event_msg(out: ViewBuilder, payload: Any) -> None:
    """One ``event_msg`` payload (or an older ``exec`` line's ``msg``)."""
    if not isinstance(payload, JObj):
        return
    kind = text_of(payload.get("type"))
    if kind == "agent_message":
        _model_text(out, payload.get("message"))
    elif kind in ("agent_reasoning", "agent_reasoning_raw_content"):
        _reasoning(out, payload.get("text"))
    elif kind == "exec_command_begin":
        render_call(out, None, payload.get("command"), "shell")
    elif kind == "patch_apply_begin":
        render_call(out, None, payload.get("changes"), "apply_patch")
    elif kind == "mcp_tool_call_begin":
        invocation = payload.get("invocation")
        if isinstance(invocation, JObj):
            render_call(out, invocation.get("tool"), invocation.get("arguments"), "mcp")
    elif kind in ("user_message", "error", "stream_error"):
        render_input(out, payload.get("message"))
    elif kind.endswith("_end"):
        _outputs(out, payload)


def _model_text(out: ViewBuilder, text: Any) -> None:
    if isinstance(text, JStr):
        render_model_text(out, text)


def _reasoning(out: ViewBuilder, text: Any) -> None:
    if isinstance(text, JStr):
        render_block(out, text, "reasoning")


def _outputs(out: ViewBuilder, record: JObj) -> None:
    """A command's or tool's output, quoted: the first output field it has."""
    key = next((k for k in _OUTPUT_KEYS if record.get(k)), None)
    if key is not None:
        render_input(out, record[key])
