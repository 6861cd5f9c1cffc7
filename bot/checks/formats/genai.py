"""Google Gemini conversations: the GenAI API's ``contents`` and what Gemini CLI saves.

A ``Content`` is ``{"role": "user" | "model", "parts": [...]}``: a list of them (Gemini
CLI's ``/chat save`` checkpoint), ``{"contents": [...]}`` (a request, its
``systemInstruction`` input), ``{"clientHistory": [...]}`` or ``{"history": [...]}`` (a
``/restore`` checkpoint; one without ``clientHistory`` is read from its display history,
``gemini_display``) and ``{"candidates": [{"content": ...}]}`` (a response). In the
model's parts, ``text`` is its text (``"thought": true`` marks its reasoning), a
``functionCall`` (``name``, ``args``) or ``executableCode`` its action; every other role's
parts, ``functionResponse`` and ``codeExecutionResult`` included, are ``quoted``.

Gemini CLI's session record (``{"sessionId": …, "messages": [...]}``) has messages
``{"type": "user" | "gemini" | "info" | "error", "content": …}``; a ``gemini`` message
adds ``thoughts`` (``subject``, ``description``: reasoning) and ``toolCalls`` (``name``,
``args`` and the ``result`` it got, which is quoted).
"""

from __future__ import annotations

from typing import Any

from bot.checks.formats.gemini_display import display_history, render_display
from bot.checks.formats.jsondoc import JObj, JStr, text_of
from bot.checks.formats.messages import (
    render_block,
    render_call,
    render_input,
    render_model_text,
)
from bot.checks.formats.view import Transcript, ViewBuilder

_CONTENT_KEYS = ("contents", "clientHistory", "history")
_CONTENT_ROLES = frozenset({"", "user", "model", "function", "tool", "system"})
_CLI_TYPES = frozenset({"user", "gemini", "info", "error", "warning"})


def read_genai(text: str, value: Any) -> Transcript | None:
    """The Gemini conversation in a parsed document, or None when it holds none."""
    contents = _contents(value)
    if contents is not None:
        out = ViewBuilder(text)
        if isinstance(value, JObj):
            render_input(out, value.get("systemInstruction", value.get("system_instruction")))
        for content in contents:
            _content(out, content)
        return out.build("gemini")
    items = display_history(value)
    if items is not None:
        out = ViewBuilder(text)
        render_display(out, value, items)
        return out.build("gemini")
    messages = _cli_messages(value)
    if messages is None:
        return None
    out = ViewBuilder(text)
    for message in messages:
        _cli_message(out, message)
    return out.build("gemini")


def _is_content(value: Any) -> bool:
    return (
        isinstance(value, JObj)
        and isinstance(value.get("parts"), list)
        and text_of(value.get("role")) in _CONTENT_ROLES
    )


def _contents(value: Any) -> list[JObj] | None:
    """The ``Content`` list a document is or holds, if every item is one."""
    if isinstance(value, JObj):
        candidates = value.get("candidates")
        if isinstance(candidates, list):
            found = [c["content"] for c in candidates if isinstance(c, JObj) and "content" in c]
            return found if found and all(_is_content(c) for c in found) else None
        value = next((value[k] for k in _CONTENT_KEYS if isinstance(value.get(k), list)), None)
    if isinstance(value, list) and value and all(_is_content(c) for c in value):
        return value
    return None


def _cli_messages(value: Any) -> list[JObj] | None:
    """Gemini CLI's session messages, if the document is one (one of them the model's)."""
    if isinstance(value, JObj):
        value = value.get("messages")
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(m, JObj) and text_of(m.get("type")) in _CLI_TYPES for m in value):
        return None
    return value if any(text_of(m.get("type")) == "gemini" for m in value) else None


def _content(out: ViewBuilder, content: JObj) -> None:
    if text_of(content.get("role")) == "model":
        for part in content["parts"]:
            _model_part(out, part)
    else:
        render_input(out, content["parts"])
    out.synthetic("\n\n")


def _model_part(out: ViewBuilder, part: Any) -> None:
    if isinstance(part, JStr):
        render_model_text(out, part)
    elif not isinstance(part, JObj):
        return
    elif isinstance(part.get("text"), JStr):
        if part.get("thought") is True:
            render_block(out, part["text"], "reasoning")
        else:
            render_model_text(out, part["text"])
    elif isinstance(part.get("functionCall"), JObj):
        call = part["functionCall"]
        render_call(out, call.get("name"), call.get("args"))
    elif isinstance(part.get("executableCode"), JObj):
        render_call(out, None, part["executableCode"].get("code"), "code_execution")
    else:
        render_input(out, part)


def _cli_message(out: ViewBuilder, message: JObj) -> None:
    if text_of(message.get("type")) != "gemini":
        render_input(out, message.get("content"))
        out.synthetic("\n\n")
        return
    for thought in message.get("thoughts") or ():
        if isinstance(thought, JObj):
            for key in ("subject", "description"):
                if isinstance(thought.get(key), JStr):
                    render_block(out, thought[key], "reasoning")
    content = message.get("content")
    for part in content if isinstance(content, list) else [content]:
        _model_part(out, part)
    for call in message.get("toolCalls") or ():
        if isinstance(call, JObj):
            render_call(out, call.get("name"), call.get("args"))
            render_input(out, call.get("result") or call.get("resultDisplay"))
    out.synthetic("\n\n")
