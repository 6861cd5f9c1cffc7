"""CrewAI verbose output: ``# Agent: name`` opens an agent's step and ``## Task:``,
``## Thought:``, ``## Using tool:``, ``## Tool Input:``, ``## Tool Output:`` and
``## Final Answer:`` its sections, each up to the next header.

The task is the agent's input (``quoted``), the thought its reasoning, the tool named
after ``Using tool:`` and its input a ``tool_call`` of that tool, the tool's output
``quoted`` and the final answer ``final``.
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX, cut, fixed, plain
from bot.checks.formats.view import Transcript
from bot.checks.transcript import merge_segments

_HEAD = re.compile(
    r"^[ \t]{0,3}(?:#[ \t]{1,2}(?P<agent>Agent)|\#\#[ \t]{1,2}(?P<section>Task|Thought|Using tool|"
    r"Tool Input|Tool Output|Final Answer))[ \t]*:",
    re.M | re.I,
)
_ROLES = {
    "agent": "quoted",
    "task": "quoted",
    "thought": "reasoning",
    "using tool": "tool_call",
    "tool input": "tool_call",
    "tool output": "quoted",
    "final answer": "final",
}
_STEPS = frozenset({"thought", "using tool", "tool input", "tool output", "final answer"})


def read_crewai(text: str) -> Transcript | None:
    """Segments of a CrewAI run, or None unless the first 64 KB hold a ``# Agent:``
    header and a ``##`` step of an agent (thought, tool or final answer)."""
    if "gent" not in text[:PREFIX]:  # a cheap test before the header pattern
        return None
    heads = list(_HEAD.finditer(text, 0, PREFIX))
    if not any(h.group("agent") for h in heads) or not any(_kind(h) in _STEPS for h in heads):
        return None
    heads = list(_HEAD.finditer(text))
    segments = plain(text, 0, heads[0].start())
    tool = "tool"
    for head, end in cut(heads, len(text)):
        kind = _kind(head)
        if kind == "using tool":
            tool = _tool_name(text, head.end(), end) or tool
        segments.extend(fixed(text, _ROLES[kind], head.start(), end, tool))
    return Transcript("crewai", text, merge_segments(segments))


def _kind(head: re.Match[str]) -> str:
    return "agent" if head.group("agent") else head.group("section").lower()


def _tool_name(text: str, start: int, end: int) -> str | None:
    line_end = text.find("\n", start, end)
    name = text[start : end if line_end < 0 else line_end].strip()
    return name[:80] or None
