"""What a reproduction run sends: the prompt an incident's report carried.

Two sources, in this order: the report's own prompt (the form's "Prompt or context" field,
``safetybot report --prompt``), else evidence that is a chat transcript (OpenAI or Anthropic
message JSON, an Inspect eval sample filed by ``safetybot import``), sent as the
conversation up to, not including, its final assistant turn, with its system prompt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.incidents.errors import InvalidInput
from bot.llm.connection import Message
from bot.masking.redaction import Redactor

FORM = "the report's prompt"
OPENAI = "OpenAI messages"
ANTHROPIC = "Anthropic messages"
INSPECT = "an Inspect eval sample"

_SYSTEM_ROLES = frozenset({"system", "developer"})
_MODEL_ROLES = frozenset({"assistant", "model", "ai", "bot"})
_USER_ROLES = frozenset({"user", "human"})
_TOOL_ROLES = frozenset({"tool", "function", "ipython"})
_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
_CALL_PARTS = frozenset({"tool_use", "server_tool_use", "tool_call", "function_call"})
_REASONING_PARTS = frozenset({"thinking", "redacted_thinking", "reasoning"})


@dataclass(frozen=True)
class Prompt:
    """A conversation to send: a system prompt and user/assistant turns ending with a user's."""

    system: str
    messages: tuple[Message, ...]
    source: str

    def masked(self, redactor: Redactor) -> Prompt:
        """The same prompt with credentials and personal data masked, as it may leave us."""
        return Prompt(
            system=redactor.text(self.system),
            messages=tuple(Message(m.role, redactor.text(m.content)) for m in self.messages),
            source=self.source,
        )

    @property
    def chars(self) -> int:
        """The characters sent, system prompt included."""
        return len(self.system) + sum(len(m.content) for m in self.messages)

    def digest(self) -> str:
        """A sha256 of exactly what is sent: the timeline names it instead of the text."""
        body = json.dumps(
            [self.system, [[m.role, m.content] for m in self.messages]], ensure_ascii=False
        )
        return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


class NoPrompt(InvalidInput):
    """An incident that carries nothing to send again."""


def no_prompt_message(key: str) -> str:
    """Why ``key`` cannot be reproduced, and how to give it a prompt."""
    return (
        f"{key} has no prompt to send again: its report carried neither a prompt nor a chat "
        'transcript. Report it again with the prompt in the form\'s "Prompt or context" '
        "field (or `safetybot report FILE --prompt PROMPT_FILE`), or import the conversation "
        "as OpenAI or Anthropic message JSON or an Inspect eval log with `safetybot import`."
    )


def prompt_of(text: str, prompt: str | None) -> Prompt | None:
    """The prompt of an incident whose evidence is ``text`` and whose report's prompt field
    is ``prompt``; None when it carries neither a prompt nor a transcript with a user turn."""
    if prompt and prompt.strip():
        return Prompt(system="", messages=(Message("user", prompt),), source=FORM)
    return transcript_prompt(text)


def transcript_prompt(text: str) -> Prompt | None:
    """The conversation of a chat transcript before its final assistant turn; None when
    ``text`` is not one."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        document = json.loads(stripped)
    except ValueError:
        return None
    found = _messages(document)
    if found is None:
        return None
    raw, system = found
    source = _source(document, raw)
    turns = _merged(_turn(m) for m in raw if isinstance(m, dict))
    system_parts = [system, *(c for r, c in turns if r == "system")]
    conversation = [(r, c) for r, c in turns if r != "system" and c.strip()]
    conversation = _before_final_answer(conversation)
    if not any(role == "user" for role, _ in conversation):
        return None
    return Prompt(
        system="\n\n".join(p for p in system_parts if p.strip()),
        messages=tuple(Message(role, content) for role, content in _merged(conversation)),
        source=source,
    )


def _messages(document: Any) -> tuple[list[Any], str] | None:
    """The message list and top-level system prompt of a transcript document."""
    if isinstance(document, list):
        messages, system = document, ""
    elif isinstance(document, dict) and isinstance(document.get("messages"), list):
        messages, system = document["messages"], _text(document.get("system"))
    else:
        return None
    if not messages or not all(_is_message(m) for m in messages):
        return None
    return messages, system


def _is_message(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("role"), str)
        and ("content" in value or "tool_calls" in value)
    )


def _source(document: Any, messages: list[Any]) -> str:
    if isinstance(document, dict) and "epoch" in document:
        return INSPECT
    anthropic_parts = {"tool_use", "tool_result", "thinking"}
    parts = (
        p.get("type")
        for m in messages
        if isinstance(m.get("content"), list)
        for p in m["content"]
        if isinstance(p, dict)
    )
    if (isinstance(document, dict) and "system" in document) or any(
        kind in anthropic_parts for kind in parts
    ):
        return ANTHROPIC
    return OPENAI


def _turn(message: dict[str, Any]) -> tuple[str, str]:
    """One message as (role, text): system, user (a tool's result too) or assistant."""
    role = str(message.get("role")).lower()
    content = _text(message.get("content"))
    if role in _SYSTEM_ROLES:
        return "system", content
    if role in _MODEL_ROLES:
        calls = [_call(c) for c in message.get("tool_calls") or () if isinstance(c, dict)]
        return "assistant", "\n".join(p for p in (content, *calls) if p)
    if role in _TOOL_ROLES:
        return "user", f"[tool result]\n{content}"
    return "user", content


def _text(content: Any) -> str:
    """The text of a message's content: a string, or the text of its parts."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "\n".join(p for p in (_part(part) for part in content) if p)


def _part(part: Any) -> str:
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    kind = str(part.get("type") or "")
    if kind in _TEXT_PARTS:
        return _text(part.get("text"))
    if kind in _CALL_PARTS:
        return _call(part)
    if kind == "tool_result":
        return f"[tool result]\n{_text(part.get('content'))}"
    if kind in _REASONING_PARTS:
        return ""  # earlier reasoning is the model's own, not part of what it was asked
    return f"[{kind or 'part'} omitted]"


def _call(call: dict[str, Any]) -> str:
    """A tool call as text: ``[tool call NAME: ARGUMENTS]``."""
    nested = call.get("function")
    function: dict[str, Any] = nested if isinstance(nested, dict) else call
    name = str(function.get("name") or call.get("name") or "tool")
    arguments = next(
        (function[k] for k in ("arguments", "input") if k in function), call.get("input", {})
    )
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return f"[tool call {name}: {arguments}]"


def _merged(turns: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive turns of one role joined (providers want user and assistant to alternate)."""
    merged: list[tuple[str, str]] = []
    for role, content in turns:
        if merged and merged[-1][0] == role:
            merged[-1] = (role, f"{merged[-1][1]}\n\n{content}")
        else:
            merged.append((role, content))
    return merged


def _before_final_answer(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The turns before the last assistant turn (all of them when there is none), from the
    first user turn on."""
    last = max((i for i, (role, _) in enumerate(turns) if role == "assistant"), default=None)
    kept = turns if last is None else turns[:last]
    first_user = next((i for i, (role, _) in enumerate(kept) if role == "user"), len(kept))
    return kept[first_user:]
