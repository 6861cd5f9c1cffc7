"""Markdown code fences in plain text: where each closed block starts and ends, whether it
is a console session (prompts with their output inside it), and whether the line after it
is the output of running it.

A fence's lines are kept together: a ``# comment`` in it is no heading, a ``user:`` no
turn and a tag no block. What the block is follows from where it stands (the transcript
parser decides): code the model shows as an example is its prose, a block right before
its output is a cell it ran.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.checks.line_shapes import FENCE_OPEN, REPL_LINE, SHELL_LINE

# An opening fence: up to three spaces, three or more backticks, an optional info string.
_OPEN = re.compile(r"[ \t]{0,3}(`{3,})[ \t]*([^`\s]{0,40})[^`\n]{0,80}$")
_CLOSE = re.compile(r"[ \t]{0,3}(`{3,})[ \t]*$")
# Info strings of a block that is output, not code.
OUTPUT_INFO = frozenset({"output", "outputs", "stdout", "stderr", "console-output", "result"})
# What an executor prints right after it ran a cell.
_RAN = re.compile(
    r"^\s{0,8}(?:exit\s?code|exitcode|exit status|return code|stdout|stderr|"
    r"execution (?:output|result|log)|code output|execution succeeded|execution failed)\b",
    re.I,
)
_PROMPT_CONT = re.compile(r"\\\s*$")


@dataclass(frozen=True, slots=True)
class Fence:
    """A closed code block: ``start`` of its opening line, ``body`` where the first line
    after it starts, ``close`` where its closing line starts, ``end`` where that line ends,
    and the language it names (lower case, "" when none)."""

    start: int
    body: int
    close: int
    end: int
    info: str


def fences(text: str, start: int = 0, end: int | None = None) -> list[Fence]:
    """The closed generic fences of ``text[start:end]`` (an unclosed one is not a block;
    ```` ```tool_code ```` and the other call and result fences are left to the parser).
    Linear in the number of fence lines: an opener no later line can close is turned down
    at once, and the lines a search for a close crosses are inside the block it finds."""
    lines = _fence_lines(text, start, len(text) if end is None else end)
    # The most backticks of any bare fence line at or after each index.
    reach = [0] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        reach[k] = max(reach[k + 1], lines[k].ticks if lines[k].bare else 0)
    out: list[Fence] = []
    k = 0
    while k < len(lines):
        opener = lines[k]
        if opener.info is None or reach[k + 1] < opener.ticks:
            k += 1
            continue
        j = k + 1
        while not (lines[j].bare and lines[j].ticks >= opener.ticks):
            j += 1
        close = lines[j]
        if not opener.special:
            body = min(opener.end + 1, close.start)
            out.append(Fence(opener.start, body, close.start, close.end, opener.info))
        k = j + 1
    return out


@dataclass(frozen=True, slots=True)
class _Line:
    """A line holding a fence: its bounds, backticks, whether it is bare (it can close a
    block), the info string it opens with (None: it cannot open one) and whether that
    names a call or result fence the parser reads itself."""

    start: int
    end: int
    ticks: int
    bare: bool
    info: str | None
    special: bool


def _fence_lines(text: str, start: int, stop: int) -> list[_Line]:
    out: list[_Line] = []
    at = text.find("```", start, stop)
    while at >= 0:
        line = text.rfind("\n", 0, at) + 1
        line_end = _line_end(text, at, stop)
        if line >= start:
            closed = _CLOSE.match(text, line, line_end)
            opened = _OPEN.match(text, line, line_end)
            if opened is not None:
                special = FENCE_OPEN.match(text[line:line_end]) is not None
                info = opened.group(2).lower()
                out.append(_Line(line, line_end, len(opened.group(1)), bool(closed), info, special))
        at = text.find("```", line_end, stop)
    return out


def _line_end(text: str, at: int, stop: int) -> int:
    found = text.find("\n", at, stop)
    return stop if found < 0 else found


def console_session(text: str, fence: Fence) -> bool:
    """Whether the block is a console session: a prompt line (``$ cmd``, ``mysql> …``)
    followed inside the block by a line of its output."""
    prompted = False
    continued = False
    for line in text[fence.body : fence.close].split("\n"):
        if not line.strip():
            continue
        if SHELL_LINE.match(line) or REPL_LINE.match(line):
            prompted, continued = True, bool(_PROMPT_CONT.search(line))
        elif prompted and not continued:
            return True
        else:
            continued = continued and bool(_PROMPT_CONT.search(line))
    return False


def console_lines(text: str, fence: Fence) -> list[tuple[int, int, bool]]:
    """(start, end, is a command) for each line of a console session's block: prompt lines
    and their ``\\`` continuations are commands, every other line is output."""
    out: list[tuple[int, int, bool]] = []
    offset = fence.body
    continued = False
    for line in text[fence.body : fence.close].split("\n"):
        command = bool(SHELL_LINE.match(line) or REPL_LINE.match(line)) or continued
        continued = command and bool(_PROMPT_CONT.search(line))
        out.append((offset, offset + len(line), command))
        offset += len(line) + 1
    return [(s, min(e, fence.close), c) for s, e, c in out if s < fence.close]


def ran_marker(line: str) -> bool:
    """Whether ``line`` is what an executor prints after running a cell (``exitcode: 0``,
    ``STDOUT:``, ``Execution output:``)."""
    return _RAN.match(line) is not None
