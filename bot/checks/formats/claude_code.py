"""Claude Code (and agent CLIs that print like it): ``> prompt`` lines are the user's,
``● Bash(cmd)`` / ``● Read(path)`` / ``● Update(path)`` / ``● Task(…)`` /
``● server - tool (MCP)(…)`` are tool calls of that tool with its output indented
beneath them after ``⎿``, a ``●`` line of prose is the model's message, and
``✻ Thinking…`` opens its reasoning. ``⏺`` is the same bullet on other terminals.

The output of a call is ``quoted``, except under the tools that write files (``Update``,
``Write``, ``Edit``): there the lines shown are the change the model made, so they are
part of its action.

``read_transcript`` does not try this reader yet: chained, it raised the held-out
actuality but flagged two more benign texts (a cue pair that spans the model's message
and the call after it, and a learned category that moved with the retrained model); see
docs/checks.md.
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX, cut, fixed
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.transcript import merge_segments

# A block starts at column 0: the model's bullet, the user's prompt, or its thinking.
_HEAD = re.compile(
    r"^(?:(?P<bullet>[●⏺])[ \t]|(?P<user>>)(?:[ \t]|$)|(?P<think>[✻∴][ \t]?Thinking))", re.M
)
_CALL = re.compile(
    r"[●⏺][ \t]+(?:(?P<name>[A-Z][A-Za-z0-9]{1,40})"
    r"|[\w.-]{1,60} - (?P<mcp>[\w.-]{1,80}) \(MCP\))\("
)
_OUTPUT = re.compile(r"^[ \t]{1,8}⎿", re.M)
# A short label with no sentence end ("● Update Todos") is a call when output follows it.
_LABEL = re.compile(r"[●⏺][ \t]+([A-Z][\w-]{0,30}(?: [\w-]{1,30}){0,3})[ \t]*$")
_WRITES = frozenset({"Update", "Write", "Edit", "MultiEdit", "NotebookEdit", "Create"})


def read_claude_code(text: str) -> Transcript | None:
    """Segments of a Claude Code session, or None unless the first 64 KB hold a
    ``● Name(…)`` call and a ``⎿`` output line."""
    if not _detected(text):
        return None
    heads = list(_HEAD.finditer(text))
    # Before the first prompt or bullet is the CLI's banner, or the reporter's own words.
    segments = fixed(text, "quoted", 0, heads[0].start())
    for head, end in cut(heads, len(text)):
        segments.extend(_block(text, head, end))
    return Transcript("claude-code", text, merge_segments(segments))


def _detected(text: str) -> bool:
    calls = (m for m in _HEAD.finditer(text, 0, PREFIX) if _CALL.match(text, m.start()))
    first = next(calls, None)
    return first is not None and _OUTPUT.search(text, first.end(), PREFIX) is not None


def _block(text: str, head: re.Match[str], end: int) -> list[Segment]:
    start = head.start()
    if head.group("user"):
        return fixed(text, "quoted", start, end)
    if head.group("think"):
        return fixed(text, "reasoning", start, end)
    output = _OUTPUT.search(text, start, end)
    tool = _tool(text, start, output is not None)
    if tool is None:
        return fixed(text, "final", start, end)
    stop = output.start() if output else end
    shown = "tool_call" if tool in _WRITES else "quoted"
    return fixed(text, "tool_call", start, stop, tool) + fixed(text, shown, stop, end, tool)


def _tool(text: str, start: int, has_output: bool) -> str | None:
    """The tool a ``●`` block calls, or None for the model's prose."""
    call = _CALL.match(text, start)
    if call:
        return call.group("name") or call.group("mcp")
    line_end = text.find("\n", start)
    label = _LABEL.match(text, start, len(text) if line_end < 0 else line_end)
    return label.group(1) if label and has_output else None
