"""LangChain and LangGraph message dumps: the messages of a graph's state or a chain.

A message is ``{"type": "ai" | "human" | "system" | "tool", "content": …}`` (its
``model_dump()``), ``{"type": "ai", "data": {…}}`` (``messages_to_dict``) or
``{"lc": 1, "type": "constructor", "id": [..., "AIMessage"], "kwargs": {…}}``
(``dumpd``), alone, in a list, under ``"messages"`` or under ``"values"`` (a LangGraph
state snapshot). An ``ai`` message is the model's: its ``content`` and its ``tool_calls``
(``name``, ``args``, read like any tool call; those in ``additional_kwargs`` when it has
none of its own), with ``reasoning_content`` as reasoning. Every other message is
``quoted``.
"""

from __future__ import annotations

from typing import Any

from bot.checks.formats.jsondoc import JObj, text_of
from bot.checks.formats.messages import render_input, render_model_message
from bot.checks.formats.view import Transcript, ViewBuilder

_TYPES = {
    "ai": "ai", "AIMessage": "ai", "AIMessageChunk": "ai",
    "human": "human", "HumanMessage": "human", "HumanMessageChunk": "human",
    "system": "system", "SystemMessage": "system",
    "tool": "tool", "ToolMessage": "tool", "ToolMessageChunk": "tool",
    "function": "function", "FunctionMessage": "function",
    "chat": "chat", "ChatMessage": "chat",
}  # fmt: skip
_MODEL_CHAT_ROLES = frozenset({"assistant", "ai", "model"})
_MARKERS = frozenset({"additional_kwargs", "response_metadata", "tool_call_id"})
_EXTRA_KEYS = ("tool_calls", "function_call", "reasoning_content")


def as_message(value: Any) -> tuple[bool, JObj] | None:
    """(whether the model wrote it, the fields) of a LangChain message, or None."""
    if not isinstance(value, JObj):
        return None
    kind, fields = text_of(value.get("type")), value
    if isinstance(value.get("data"), JObj):
        fields = value["data"]
    elif text_of(value.get("type")) == "constructor" and isinstance(value.get("kwargs"), JObj):
        path = value.get("id")
        kind = text_of(path[-1]) if isinstance(path, list) and path else ""
        fields = value["kwargs"]
    role = _TYPES.get(kind)
    if role is None or "content" not in fields:
        return None
    if role == "chat":
        return text_of(fields.get("role")).lower() in _MODEL_CHAT_ROLES, fields
    return role == "ai", fields


def as_line(value: Any) -> tuple[bool, JObj] | None:
    """A JSONL line's LangChain message, only when nothing else could have written it:
    the model's message, a wrapped one, or one with LangChain's own fields (an agent
    event log's ``{"type": "tool", "content": …}`` stays an event)."""
    found = as_message(value)
    if found is None:
        return None
    by_model, fields = found
    return found if by_model or fields is not value or _MARKERS & fields.keys() else None


def read_langchain_messages(text: str, value: Any) -> Transcript | None:
    """The LangChain messages a parsed document holds, or None unless it holds one of
    the model's and at least half its items are messages."""
    items = _items(value)
    found = [as_message(item) for item in items]
    messages = [m for m in found if m is not None]
    if not any(by_model for by_model, _ in messages) or len(messages) * 2 < len(items):
        return None
    out = ViewBuilder(text)
    for by_model, fields in messages:
        render_langchain_message(out, by_model, fields)
    return out.build("langchain-messages")


def render_langchain_message(out: ViewBuilder, by_model: bool, fields: JObj) -> None:
    """Render one message, followed by a paragraph break."""
    if by_model:
        render_model_message(out, _with_extras(fields))
    else:
        render_input(out, fields.get("content"))
    out.synthetic("\n\n")


def _items(value: Any) -> list[Any]:
    if isinstance(value, JObj):
        state = value.get("values")
        holder = state if isinstance(state, JObj) and "messages" in state else value
        messages = holder.get("messages")
        return messages if isinstance(messages, list) else [value]
    return value if isinstance(value, list) else []


def _with_extras(fields: JObj) -> JObj:
    """The message with the calls and reasoning that ``additional_kwargs`` holds where the
    message has none of its own (older dumps keep OpenAI's fields there)."""
    extra = fields.get("additional_kwargs")
    if not isinstance(extra, JObj):
        return fields
    wanted = [key for key in _EXTRA_KEYS if key in extra and not fields.get(key)]
    if not wanted:
        return fields
    merged = JObj()
    for source, keys in ((fields, list(fields)), (extra, wanted)):
        for key in keys:
            merged[key] = source[key]
            merged.keys_at[key] = source.keys_at[key]
    return merged
