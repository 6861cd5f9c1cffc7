"""SWE-agent trajectories as printed: the issue on top, then steps headed by a line
``DISCUSSION`` or ``THOUGHT`` (the model's reasoning, then its command in a fenced
block) or ``COMMAND`` / ``ACTION`` (the command alone), with the command's output after
it or under ``OBSERVATION``. The log's emoji headers (``💭 THOUGHT``, ``🎬 ACTION``,
``👀 OBSERVATION``) read the same.

The issue and every output are ``quoted``, the discussion ``reasoning`` and each command
a ``tool_call`` of ``bash`` (an ``edit`` command runs to its ``end_of_edit`` line).
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX, cut, fixed
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.transcript import merge_segments

_HEAD = re.compile(
    r"^(?:INFO[ \t]+)?(?:(?:💭|🎬|👀|🤖)[ \t]*)?"
    r"(?P<kind>DISCUSSION|THOUGHT|COMMAND|ACTION|OBSERVATION)(?:[ \t]*\([\w -]{1,30}\))?[ \t]*:?"
    r"[ \t]*$",
    re.M,
)
_FENCE = re.compile(r"^[ \t]{0,3}```[^\n`]*\n.*?^[ \t]{0,3}```[ \t]*$", re.M | re.S)
_EDIT_END = re.compile(r"^end_of_edit[ \t]*$", re.M)
_BLANK = re.compile(r"\n[ \t]*\n")
# The lines SWE-agent prints after each output.
_PROMPT = re.compile(r"^\(Current directory: [^\n)]{1,200}\)[ \t]*$|^bash-\$", re.M)
_REASONING = frozenset({"DISCUSSION", "THOUGHT"})
_COMMANDS = frozenset({"COMMAND", "ACTION"})
_TOOL = "bash"


def read_sweagent(text: str) -> Transcript | None:
    """Segments of a SWE-agent trajectory, or None unless the first 64 KB hold a
    ``DISCUSSION`` / ``THOUGHT`` header and a command (a fenced block after it, or a
    ``COMMAND`` / ``ACTION`` header), with a second step or SWE-agent's prompt lines."""
    early = text[:PREFIX]
    if "DISCUSSION" not in early and "THOUGHT" not in early:  # a cheap test first
        return None
    if not _detected(text):
        return None
    heads = list(_HEAD.finditer(text))
    segments = fixed(text, "quoted", 0, heads[0].start())
    for head, end in cut(heads, len(text)):
        segments.extend(_step(text, head, end))
    return Transcript("swe-agent", text, merge_segments(segments))


def _detected(text: str) -> bool:
    """A step of reasoning and a command, and either a second step or the tool's prompt
    lines: a memo with one ``DISCUSSION`` heading over a code block is not a trajectory."""
    heads = list(_HEAD.finditer(text, 0, PREFIX))
    kinds = {h.group("kind") for h in heads}
    if not kinds & _REASONING:
        return False
    commands = bool(kinds & _COMMANDS) or any(
        h.group("kind") in _REASONING and _FENCE.search(text, h.end(), PREFIX) for h in heads
    )
    return commands and (len(heads) >= 2 or _PROMPT.search(text, 0, PREFIX) is not None)


def _step(text: str, head: re.Match[str], end: int) -> list[Segment]:
    kind, start = head.group("kind"), head.start()
    if kind == "OBSERVATION":
        return fixed(text, "quoted", start, end)
    if kind in _COMMANDS:
        stop = _command_end(text, head.end(), end)
        return fixed(text, "tool_call", start, stop, _TOOL) + fixed(text, "quoted", stop, end)
    return _discussion(text, start, end)


def _discussion(text: str, start: int, end: int) -> list[Segment]:
    """Reasoning up to the first fenced command; after it, commands and their outputs."""
    out: list[Segment] = []
    position, role = start, "reasoning"
    for fence in _FENCE.finditer(text, start, end):
        out += fixed(text, role, position, fence.start())
        out += fixed(text, "tool_call", fence.start(), fence.end(), _TOOL)
        position, role = fence.end(), "quoted"
    return out + fixed(text, role, position, end)


def _command_end(text: str, body: int, end: int) -> int:
    """Where an unfenced command ends: its fence, its ``end_of_edit`` line, or the first
    blank line."""
    start = body
    while start < end and text[start].isspace():
        start += 1
    fence = _FENCE.match(text, start, end)
    if fence:
        return fence.end()
    if text.startswith("edit", start):
        closing = _EDIT_END.search(text, start, end)
        if closing:
            return closing.end()
    blank = _BLANK.search(text, start, end)
    return blank.start() if blank else end
