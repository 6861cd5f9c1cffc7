"""OpenAI and Anthropic chat transcripts: a list of messages, or an object with a
``messages`` list (a request body, an export) and optionally its ``model`` and ``id``.
The transcript goes to the checks as JSON, which their format readers parse."""

from __future__ import annotations

from typing import Any

from bot.ingest.samples import Sample, as_json, optional_text, text_source


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
    text = as_json(value)
    meta = value if isinstance(value, dict) else {}
    return Sample(
        text=text,
        source=text_source(text),
        source_file=name,
        sample_id=optional_text(meta.get("id")),
        model=optional_text(meta.get("model")),
        line=line,
    )
