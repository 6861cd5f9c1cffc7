"""AutoGen console logs: turns headed ``name (to recipient):`` between dashed rules,
``***** Suggested tool call (id): name *****`` blocks with their ``Arguments:`` JSON,
and ``***** Response from calling tool (id) *****`` blocks with the tool's answer.

A speaker is the model when its name says so (``ops_agent``, ``assistant``, ``coder``) or
when it suggests tool calls; every other speaker (``user_proxy``, ``admin``, a person such
as ``employee_F.N.``) is input, and so is every tool response, whoever's turn prints it.
A suggested call is ``tool_call`` except the reasoning fields of its arguments, and so is
a code block in the model's turn, which AutoGen's executor runs.
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX
from bot.checks.formats.markers import call_segments
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.speakers import speaker_kind
from bot.checks.transcript import merge_segments, parse_segments

_TURN = re.compile(r"^([\w.@-]{1,60}) \(to [\w.@ -]{1,60}\):[ \t]*$", re.MULTILINE)
_CALL = re.compile(
    r"^\*{3,} Suggested tool call \([\w.-]{0,80}\): ([\w.:/-]{1,80}) \*{3,}[ \t]*$", re.MULTILINE
)
_RESULT = re.compile(
    r"^\*{3,} Response from calling tool(?: \([\w.-]{0,80}\))? \*{3,}[ \t]*$", re.MULTILINE
)
_BLOCK_END = re.compile(r"^\*{10,}[ \t]*$|^-{20,}[ \t]*$", re.MULTILINE)
_CODE = re.compile(
    r"^```(python|py|sh|bash|shell|console|sql|powershell)[ \t]*\n.*?^```[ \t]*$",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)
# Agent roles AutoGen examples name without an agent word.
_AGENT_NAMES = frozenset({"coder", "planner", "critic", "engineer", "scientist", "writer"})


def read_autogen(text: str) -> Transcript | None:
    """Segments of an AutoGen console log, or None when ``text`` has fewer than two turn
    headers in its first 64 KB."""
    early = _TURN.finditer(text, 0, PREFIX)
    if next(early, None) is None or next(early, None) is None:
        return None
    heads = list(_TURN.finditer(text))
    turns = [
        (head, following.start() if following else len(text))
        for head, following in zip(heads, [*heads[1:], None], strict=True)
    ]
    callers = {head.group(1) for head, end in turns if _CALL.search(text, head.end(), end)}
    segments = parse_segments(text[: heads[0].start()])
    for head, end in turns:
        model = head.group(1) in callers or _is_agent(head.group(1))
        segments.extend(_turn(text, head.start(), head.end(), end, model))
    return Transcript("autogen", text, merge_segments(segments))


def _is_agent(name: str) -> bool:
    lowered = name.lower()
    return speaker_kind(name) == "model" or lowered in _AGENT_NAMES


def _turn(text: str, start: int, body: int, end: int, model: bool) -> list[Segment]:
    """One turn: the blocks it holds, and between them the speaker's text (the model's
    segmented as plain text, anyone else's quoted)."""
    out = [Segment("final" if model else "quoted", start, body)]
    position = body
    for kind, block_start, block_end, tool in _blocks(text, body, end):
        out.extend(_prose(text, position, block_start, model))
        if kind == "call" and model:
            out.extend(
                call_segments(
                    text, block_start, _arguments(text, block_start, block_end), block_end, tool
                )
            )
        else:
            out.append(Segment("quoted", block_start, block_end))
        position = block_end
    out.extend(_prose(text, position, end, model))
    return [s for s in out if s.end > s.start]


def _blocks(text: str, body: int, end: int) -> list[tuple[str, int, int, str]]:
    """("call" | "result", start, end, tool) of each block in ``text[body:end]``, in order."""
    found = []
    for pattern, kind in ((_CALL, "call"), (_RESULT, "result")):
        for match in pattern.finditer(text, body, end):
            closing = _BLOCK_END.search(text, match.end(), end)
            stop = closing.end() if closing else end
            tool = match.group(1) if kind == "call" else ""
            found.append((kind, match.start(), stop, tool))
    return sorted(found, key=lambda block: block[1])


def _arguments(text: str, start: int, end: int) -> int:
    """Where a call's arguments start: after its ``Arguments:`` line, if any."""
    marker = text.find("Arguments:", start, end)
    return marker + len("Arguments:") if marker >= 0 else text.find("\n", start, end) + 1


def _prose(text: str, start: int, end: int, model: bool) -> list[Segment]:
    """A speaker's own text: quoted for input; for the model, its code blocks are run by
    AutoGen's executor (``exitcode: 0`` in the next turn), so they are ``tool_call``, and
    the rest is segmented as plain text."""
    if end <= start or not text[start:end].strip():
        return []
    if not model:
        return [Segment("quoted", start, end)]
    out = []
    position = start
    for fence in _CODE.finditer(text, start, end):
        out.extend(_plain(text, position, fence.start()))
        out.append(Segment("tool_call", fence.start(), fence.end(), fence.group(1).lower()))
        position = fence.end()
    out.extend(_plain(text, position, end))
    return out


def _plain(text: str, start: int, end: int) -> list[Segment]:
    return [
        Segment(s.role, s.start + start, s.end + start, s.tool)
        for s in parse_segments(text[start:end])
    ]
