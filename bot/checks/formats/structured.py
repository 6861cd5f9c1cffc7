"""Recognise JSON transcripts: a message list, ``{"messages": [...]}``, an Inspect AI
sample or log, a single message or API response, JSONL with one message or event per
line, and agent event logs (``{"event": "tool_call", "tool": ..., "args": ...}``, see
``events``); Codex CLI logs and single Codex records (``codex``), Gemini conversations (``genai``) and LangChain
message dumps (``langchain_messages``) where no shape above matched. Anything else (a
config file, truncated JSON) is left to the plain-text path."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from bot.checks.formats import events, jsondoc
from bot.checks.formats.codex import read_codex, read_codex_record
from bot.checks.formats.genai import read_genai
from bot.checks.formats.jsondoc import JObj
from bot.checks.formats.langchain_messages import (
    as_line,
    read_langchain_messages,
    render_langchain_message,
)
from bot.checks.formats.messages import is_message, render_message
from bot.checks.formats.view import Transcript, ViewBuilder

# A transcript names at least one of these keys early on; a config file usually does not.
_KEYS = re.compile(
    r'"(?:role|type|messages|samples|content|choices|event|kind|tool|tool_call)"\s*:'
)
_PREFIX = 16_384
_SAMPLE_KEYS = ("epoch", "target", "scores", "sample_id", "output", "events")
# Event wrappers seen in JSONL logs: {"type": "assistant", "message": {...}}, ...
_WRAPPERS = ("message", "item", "payload", "data")


def read_json(text: str, start: int) -> Transcript | None:
    """The transcript in ``text`` (whose first non-space character at ``start`` is ``{``
    or ``[``), or None when it is not one."""
    if not _KEYS.search(text, start, start + _PREFIX):
        return None
    try:
        value = jsondoc.load(text)
    except ValueError:
        return read_codex(text) or _read_jsonl(text) if text[start] == "{" else None
    found = _messages(value)
    if found is None:
        return (
            read_codex_record(text, value)
            or read_genai(text, value)
            or read_langchain_messages(text, value)
            or _events(text, value)
        )
    name, messages = found
    out = ViewBuilder(text)
    for message in messages:
        render_message(out, message)
    return out.build(_name(name, out.kinds))


def _messages(value: Any) -> tuple[str, list[JObj]] | None:
    """The format family and the messages of a parsed document, if it holds any."""
    if isinstance(value, list):
        messages = [item for item in value if is_message(item)]
        return ("chat", messages) if messages and len(messages) * 2 >= len(value) else None
    if not isinstance(value, JObj):
        return None
    if is_message(value):
        return "chat", [value]
    for key in ("messages", "input", "output"):
        items = value.get(key)
        if isinstance(items, list) and items and all(is_message(m) for m in items):
            sample = any(k in value for k in _SAMPLE_KEYS)
            return ("inspect" if sample else "chat"), items
    if isinstance(value.get("samples"), list):
        return _samples(value["samples"])
    choices = value.get("choices")
    if isinstance(choices, list):
        messages = [c["message"] for c in choices if isinstance(c, JObj) and "message" in c]
        return ("chat", messages) if messages else None
    return None


def _events(text: str, value: Any) -> Transcript | None:
    """An agent event log as one JSON document: a list of events or a single one."""
    items = value if isinstance(value, list) else [value]
    known = [(item, events.classify(item)) for item in items]
    if not any(kind is not None for _, kind in known):
        return None
    if sum(kind is not None for _, kind in known) * 2 < len(items):
        return None
    out = ViewBuilder(text)
    for item, kind in known:
        if kind is not None:
            events.render_event(out, item, *kind)
    return out.build("jsonl")


def _samples(samples: list[Any]) -> tuple[str, list[JObj]] | None:
    """Messages of every sample of an Inspect eval log, in order."""
    messages = [
        message
        for sample in samples
        if isinstance(sample, JObj) and isinstance(sample.get("messages"), list)
        for message in sample["messages"]
        if is_message(message)
    ]
    return ("inspect", messages) if messages else None


def _name(family: str, kinds: set[str]) -> str:
    if family == "inspect" or "inspect" in kinds:
        return "inspect"
    if "anthropic" in kinds:
        return "anthropic-json"
    return "openai-json"


def _read_jsonl(text: str) -> Transcript | None:
    """One JSON record per line. Lines that are not messages are segmented as plain
    text, as they would have been without this reader."""
    out = ViewBuilder(text)
    records = lines = 0
    for position, end in jsondoc.filled_lines(text):
        lines += 1
        render = _record(jsondoc.line_object(text, position, end))
        if render is not None:
            records += 1
            render(out)
        else:
            out.raw(position, end, None)
            out.synthetic("\n\n")
    return out.build("jsonl") if records >= 2 and records * 2 >= lines else None


def _record(value: JObj | None) -> Callable[[ViewBuilder], None] | None:
    """How to render a JSONL line's object: the message it is (directly, in an event
    wrapper or as a LangChain message) or the agent event it is; None when it is neither."""
    if value is None:
        return None
    if is_message(value):
        return partial(render_message, message=value)
    for key in _WRAPPERS:
        if is_message(value.get(key)):
            return partial(render_message, message=value[key])
    langchain = as_line(value)
    if langchain is not None:
        return partial(render_langchain_message, by_model=langchain[0], fields=langchain[1])
    kind = events.classify(value)
    if kind is not None:
        return partial(events.render_event, value=value, role=kind[0], tool_node=kind[1])
    return None
