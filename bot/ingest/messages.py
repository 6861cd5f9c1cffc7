"""OpenAI and Anthropic chat transcripts: a list of messages, or an object with a
``messages`` list (a request body, an export) and optionally its ``model`` and ``id``.
The transcript goes to the checks as JSON, which their format readers parse."""

from __future__ import annotations

from typing import Any

from bot.ingest.samples import Sample, as_json, standalone


def is_message(value: Any) -> bool:
    """An object shaped like one chat message: a ``role`` and content or tool calls."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("role"), str)
        and ("content" in value or "tool_calls" in value)
    )


def is_transcript(value: Any) -> bool:
    """A non-empty list of messages, or an object whose ``messages`` is one."""
    messages = value.get("messages") if isinstance(value, dict) else value
    return isinstance(messages, list) and bool(messages) and all(map(is_message, messages))


def transcript(value: Any, name: str, *, line: int | None = None) -> Sample:
    """The sample of one transcript (``is_transcript`` said it is one)."""
    meta = value if isinstance(value, dict) else {}
    return standalone(as_json(value), meta, name, line)
