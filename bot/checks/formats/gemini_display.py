"""Gemini CLI's display history: what a ``/restore`` checkpoint keeps under ``history``.

A checkpoint (``~/.gemini/tmp/<project>/checkpoints/*.json``) is ``{"history": [...],
"clientHistory": [...], "toolCall": {"name", "args"}, "commitHash", "messageId"}``;
``clientHistory`` (GenAI ``Content``, read by ``genai``) may be missing, leaving the
terminal's items: ``{"id": 3, "type": "user" | "gemini" | "gemini_content" | "thinking" |
"tool_group" | "info" | …, "text": …}``. A ``gemini`` or ``gemini_content`` item is the
model's text, a ``thinking`` item's ``thought`` (``subject``, ``description``) its
reasoning, and each tool of a ``tool_group`` a ``tool_call`` of its ``name`` whose
``description`` (the command, the path, an MCP call's JSON arguments) is the action and
whose ``resultDisplay`` is ``quoted``. What the user typed or ran (``user``,
``user_shell``) and the terminal's notes (``info``, ``error``, …) are ``quoted``; panels
such as ``about`` or ``stats`` are left out. ``toolCall``, the call the checkpoint was
taken before, closes the view as the model's call.
"""

from __future__ import annotations

from typing import Any

from bot.checks.formats.jsondoc import JObj, JStr, text_of
from bot.checks.formats.messages import render_block, render_call, render_input, render_model_text
from bot.checks.formats.view import ViewBuilder

_MODEL_TEXT = frozenset({"gemini", "gemini_content"})
_BY_MODEL = _MODEL_TEXT | {"thinking", "tool_group"}
_INPUT = frozenset({"user", "user_shell", "info", "error", "warning", "hint"})
# Panels the terminal shows that hold no turn of the conversation.
_PANELS = frozenset(
    {"about", "help", "stats", "model_stats", "tool_stats", "model", "quit", "compression",
     "extensions_list", "tools_list", "skills_list", "agents_list", "mcp_status",
     "chat_list", "hooks_list"}
)  # fmt: skip


def display_history(value: Any) -> list[JObj] | None:
    """The display items of a checkpoint, if ``value`` is one: every item a known type,
    one of them the model's (or a pending ``toolCall``)."""
    if not isinstance(value, JObj) or not isinstance(value.get("history"), list):
        return None
    items = value["history"]
    if not items or not all(_is_item(item) for item in items):
        return None
    by_model = any(text_of(item.get("type")) in _BY_MODEL for item in items)
    return items if by_model or _pending_call(value) is not None else None


def render_display(out: ViewBuilder, value: JObj, items: list[JObj]) -> None:
    """The items in order, then the pending ``toolCall``."""
    for item in items:
        _item(out, item)
    call = _pending_call(value)
    if call is not None:
        render_call(out, call.get("name"), call.get("args"))
        out.synthetic("\n\n")


def _is_item(item: Any) -> bool:
    if not isinstance(item, JObj) or "parts" in item:
        return False
    kind = text_of(item.get("type"))
    return kind in _BY_MODEL or kind in _INPUT or kind in _PANELS


def _pending_call(value: JObj) -> JObj | None:
    call = value.get("toolCall")
    return call if isinstance(call, JObj) and isinstance(call.get("name"), JStr) else None


def _item(out: ViewBuilder, item: JObj) -> None:
    kind = text_of(item.get("type"))
    text = item.get("text")
    if kind in _MODEL_TEXT and isinstance(text, JStr):
        render_model_text(out, text)
    elif kind == "thinking" and isinstance(item.get("thought"), JObj):
        for key in ("subject", "description"):
            if isinstance(item["thought"].get(key), JStr):
                render_block(out, item["thought"][key], "reasoning")
    elif kind == "tool_group":
        for tool in item.get("tools") or ():
            if isinstance(tool, JObj):
                render_call(out, tool.get("name"), tool.get("description"))
                out.synthetic("\n\n")
                render_input(out, tool.get("resultDisplay"))
    elif kind in _INPUT:
        render_input(out, text)
