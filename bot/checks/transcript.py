"""Split pasted text into segments by who wrote it and what it does.

Roles: ``reasoning`` (private thoughts), ``final`` (the answer), ``tool_call`` (an action:
tool tags, JSON function calls, shell commands, SQL, an email marked sent) and ``quoted``
(input the model did not write: user turns, inbox dumps, quoted replies, tool results).
The parser is a single pass over tags followed by a line classifier for untagged text. It
tolerates unclosed tags (a block runs to the next tag or the end) and mixed formats. All
offsets are into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from bot.checks.models import Segment

_TAG = re.compile(
    r"<(/?)[ \t]{0,4}(scratchpad_reasoning|thinking|think|reasoning|inner_monologue|"
    r"tool_use|tool_call|function_call|function_calls|invoke|tool_result|function_result|"
    r"tool_output|function_output|observation|output|final_answer|answer|response)"
    r"([^<>\n]{0,200})>",
    re.IGNORECASE,
)
_TAG_ROLE = {
    "scratchpad_reasoning": "reasoning",
    "thinking": "reasoning",
    "think": "reasoning",
    "reasoning": "reasoning",
    "inner_monologue": "reasoning",
    "tool_use": "tool_call",
    "tool_call": "tool_call",
    "function_call": "tool_call",
    "function_calls": "tool_call",
    "invoke": "tool_call",
    "tool_result": "quoted",
    "function_result": "quoted",
    "tool_output": "quoted",
    "function_output": "quoted",
    "observation": "quoted",
    "output": "final",
    "final_answer": "final",
    "answer": "final",
    "response": "final",
}
_TOOL_NAME = re.compile(r"""^[:.]([\w.-]{1,80})|name\s*=\s*["']?([\w.-]{1,80})""")

_REASONING_LINE = re.compile(
    r"^\s{0,8}(?:\**)(?:reasoning|thought|thoughts|thinking|internal reasoning|private reasoning|"
    r"plan|razonamiento|pensamiento|überlegung|gedanke|réflexion|raisonnement)(?:\**)\s*:",
    re.IGNORECASE,
)
_QUOTED_LINE = re.compile(
    r"^\s{0,8}(?:user|human|operator|customer|client|task|input|request|tarea|aufgabe|"
    r"tâche|usuario|benutzer|utilisateur|email received|message received|incoming)\b[^:\n]{0,60}:",
    re.IGNORECASE,
)
_FINAL_LINE = re.compile(r"^\s{0,8}(?:assistant|ai|model|agent|answer|final answer)\s*:", re.I)
# ReAct-style agents: "Action: tool_name" / "Action Input: {...}" act, "Observation:" is
# the tool's answer. A bare "Action:" only counts when a tool-like name follows, so meeting
# notes ("Action: Sam to follow up") stay prose.
_ACTION_LINE = re.compile(
    r"^\s{0,8}(?:action\s*:\s*[\w.:-]{1,80}\s*$|action[ _]input\s*:|tool[ _]call\s*:|"
    r"calling tool\b|tool\s*:\s*[\w.:-]{1,80}\s*$)",
    re.I,
)
_OBSERVATION_LINE = re.compile(
    r"^\s{0,8}(?:observation|tool[ _]result|tool[ _]output|function[ _]result)\s*:", re.I
)
_STICKY_QUOTED = re.compile(r"^\s{0,8}\[(?:system|inbox|facility|alert|context|document)", re.I)
# A bare "#" is a markdown heading far more often than a root prompt, so it only counts
# after user@host.
_SHELL_LINE = re.compile(r"^\s{0,8}(?:\$|>>>|PS>|[\w.-]{1,40}@[\w.-]{1,40}:[^\n$#]{0,80}[$#])\s")
_SQL_LINE = re.compile(
    r"^\s{0,8}(?:UPDATE\s+\w|DELETE\s+FROM|INSERT\s+INTO|DROP\s+(?:TABLE|DATABASE)|ALTER\s+TABLE|"
    r"GRANT\s+\w|REVOKE\s+\w|TRUNCATE\s+\w|CREATE\s+(?:USER|ROLE|TABLE))"
)
_JSON_CALL = re.compile(
    r"^\s{0,8}\{\s*\"(?:tool|name|function|action|tool_name|command|cmd|type)\"\s*:", re.I
)
_JSON_LINE = re.compile(r"^\s{0,8}[\[{]")
_QUOTE_MARK = re.compile(r"^\s{0,8}>")
_HEADER_LINE = re.compile(
    r"^\s{0,8}(?:from|to|cc|bcc|date|subject|sent|status|de|para|asunto|fecha|estado|von|an|"
    r"betreff|datum|objet|à|envoyé|sent via|delivery)\s*:",
    re.IGNORECASE,
)
_SENT_MARK = re.compile(
    r"^\s{0,8}(?:status\s*:\s*(?:sent|delivered)|sent\s*:|sent via\s*:.{0,60}(?:sent|delivered)|"
    r"estado\s*:\s*(?:enviado|entregado)|status\s*:\s*(?:gesendet|zugestellt)|"
    r"statut\s*:\s*(?:envoyé|livré)|envoyé\s*:)|delivery confirmed",
    re.IGNORECASE,
)
_HTTP_CALL = re.compile(r"^\s{0,8}(?:GET|POST|PUT|PATCH|DELETE)\s{1,4}(?:/|https?://)")
_RESULT_ARROW = re.compile(r"^\s{0,8}(?:→|->|<-|=>|⇒)\s{0,4}")
_STRONG_CALL_KEY = re.compile(r"^\s{0,8}\{\s*\"(?:tool|tool_name|function)\"\s*:", re.I)


def _inline(pattern: re.Pattern[str]) -> str:
    """A compiled pattern's source with its IGNORECASE flag made local."""
    source = pattern.pattern
    return f"(?i:{source})" if pattern.flags & re.IGNORECASE else f"(?:{source})"


# One pass per line: the first marker that matches, in the priority order _line_role uses.
_MARKERS = (
    ("reasoning", _REASONING_LINE),
    ("sticky", _STICKY_QUOTED),
    ("quoted", _QUOTED_LINE),
    ("final", _FINAL_LINE),
    ("action", _ACTION_LINE),
    ("observation", _OBSERVATION_LINE),
    ("quote_mark", _QUOTE_MARK),
    ("shell", _SHELL_LINE),
    ("sql", _SQL_LINE),
    ("http", _HTTP_CALL),
    ("arrow", _RESULT_ARROW),
    ("json_call", _JSON_CALL),
    ("json", _JSON_LINE),
    ("header", _HEADER_LINE),
)
_MARKER = re.compile("|".join(f"(?P<{name}>{_inline(pattern)})" for name, pattern in _MARKERS))
_ARGS_HINT = re.compile(r"\"(?:args|arguments|parameters|input|to|body|command|text)\"")


def parse_segments(text: str) -> list[Segment]:
    """Segment ``text`` into reasoning / final / tool_call / quoted regions."""
    segments: list[Segment] = []
    position = 0
    open_role: str | None = None
    open_tool: str | None = None
    open_name = ""
    open_start = 0
    for match in _TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing and _mentioned(text, match):
            continue
        if open_role is None:
            if closing:
                continue
            segments.extend(_classify_untagged(text, position, match.start()))
            open_role, open_name, open_start = _TAG_ROLE[name], name, match.start()
            open_tool = _tool_name(name, match.group(3))
            continue
        if closing and name == open_name:
            segments.append(Segment(open_role, open_start, match.end(), open_tool))
            open_role, position = None, match.end()
        elif not closing and _TAG_ROLE[name] != open_role:
            segments.append(Segment(open_role, open_start, match.start(), open_tool))
            open_role, open_name, open_start = _TAG_ROLE[name], name, match.start()
            open_tool = _tool_name(name, match.group(3))
    if open_role is not None:
        segments.append(Segment(open_role, open_start, len(text), open_tool))
    else:
        segments.extend(_classify_untagged(text, position, len(text)))
    return merge_segments(
        [s for s in segments if s.end > s.start and text[s.start : s.end].strip()]
    )


def _mentioned(text: str, match: re.Match[str]) -> bool:
    """True when an opening tag sits inside prose ("send it with the <tool_use:email>
    tool. Then ..."): text before it on its line, text after it, and no closing tag on
    that line. A block starts a line, follows another tag, or closes on the same line."""
    start, end = match.span()
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 200) : start].rstrip()
    if not before or before.endswith(">"):
        return False
    line_end = text.find("\n", end, end + 2000)
    after = text[end : line_end if line_end >= 0 else end + 2000]
    return bool(after.strip()) and f"</{match.group(2).lower()}" not in after.lower()


def _tool_name(tag: str, rest: str) -> str | None:
    """Tool name from ``<tool_use:email>`` or ``<function_call name="x">``."""
    if _TAG_ROLE[tag] != "tool_call":
        return None
    found = _TOOL_NAME.search(rest.strip())
    if found:
        return found.group(1) or found.group(2)
    return tag


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, body) of each line of ``text[start:end]`` (newline excluded)."""
    offset = start
    for body in text[start:end].split("\n"):
        yield offset, offset + len(body), body
        offset += len(body) + 1


def _classify_untagged(text: str, start: int, end: int) -> list[Segment]:
    """Classify the lines of an untagged region, keeping paragraph-level state; runs of
    lines with the same role and tool become one segment."""
    out: list[Segment] = []
    state: str | None = None
    tool: str | None = None
    sticky = False
    email_block = False
    run: tuple[str, int, int, str | None] | None = None
    for line_start, line_end, body in _lines(text, start, end):
        if not body.strip():
            if not sticky and not email_block:
                state, tool = None, None
            continue
        role, new_tool, state, sticky, email_block = _line_role(
            text, line_start, body, state, sticky, email_block, end
        )
        tool = new_tool if new_tool is not None else tool
        seg_tool = tool if role == "tool_call" else None
        if run is not None and run[0] == role and run[3] == seg_tool:
            run = (role, run[1], line_end, seg_tool)
            continue
        if run is not None:
            out.append(Segment(*run))
        run = (role, line_start, line_end, seg_tool)
    if run is not None:
        out.append(Segment(*run))
    return out


@lru_cache(maxsize=4096)
def _line_kind(body: str) -> str | None:
    """The marker a line starts with (memoised: logs and pasted transcripts repeat lines)."""
    found = _MARKER.match(body)
    kind = found.lastgroup if found else None
    if kind == "json_call" and not (_ARGS_HINT.search(body) or _STRONG_CALL_KEY.match(body)):
        return "json"
    return kind


def _line_role(
    text: str,
    line_start: int,
    body: str,
    state: str | None,
    sticky: bool,
    email_block: bool,
    end: int,
) -> tuple[str, str | None, str | None, bool, bool]:
    """Role of one line given the paragraph state; returns the updated state as well."""
    kind = _line_kind(body)
    if kind == "reasoning":
        return "reasoning", None, "reasoning", False, False
    if sticky:
        return "quoted", None, state, True, email_block
    if kind == "sticky":
        return "quoted", None, "quoted", True, False
    if email_block:
        return "tool_call", None, state, False, True
    if kind in _FIXED:
        return _FIXED[kind](state)
    if kind == "json" and state in (None, "json_call", "json_result", "shell_output"):
        return "quoted", None, "json_result", False, False
    if state in _CONTINUED:
        return _CONTINUED[state], None, state, False, False
    if kind == "header" and state is None:
        if _email_was_sent(text, line_start, end):
            return "tool_call", "email", "email_sent", False, True
        return "final", None, "email_header", False, False
    return "final", None, state if state == "final" else None, False, False


_Role = tuple[str, str | None, str | None, bool, bool]
# Markers whose role does not depend on the state (the state only passes through a
# quoted reply mark).
_FIXED: dict[str, Callable[[str | None], _Role]] = {
    "quoted": lambda state: ("quoted", None, "quoted", False, False),
    "final": lambda state: ("final", None, "final", False, False),
    "quote_mark": lambda state: ("quoted", None, state, False, False),
    "shell": lambda state: ("tool_call", "shell", "shell_output", False, False),
    "sql": lambda state: ("tool_call", "sql", "sql", False, False),
    "http": lambda state: ("tool_call", "http", "shell_output", False, False),
    "arrow": lambda state: ("quoted", None, state, False, False),
    "json_call": lambda state: ("tool_call", "function", "json_call", False, False),
    "action": lambda state: ("tool_call", "function", "json_call", False, False),
    "observation": lambda state: ("quoted", None, "json_result", False, False),
}
# Unmarked lines continue the block they follow, with that block's role.
_CONTINUED = {
    "reasoning": "reasoning",
    "quoted": "quoted",
    "shell_output": "quoted",
    "sql": "tool_call",
    "json_call": "tool_call",
    "json_result": "quoted",
    "email_header": "final",
}


def _email_was_sent(text: str, start: int, end: int) -> bool:
    """True when the header block starting at ``start`` carries a sent/delivered marker."""
    block_end = text.find("\n\n", start, end)
    block_end = end if block_end < 0 else block_end
    return any(_SENT_MARK.search(body) for _, _, body in _lines(text, start, block_end))


def merge_segments(segments: list[Segment]) -> list[Segment]:
    """Merge touching segments of the same role and tool."""
    merged: list[Segment] = []
    for segment in sorted(segments, key=lambda s: s.start):
        if merged:
            last = merged[-1]
            if last.role == segment.role and last.tool == segment.tool:
                merged[-1] = Segment(last.role, last.start, max(last.end, segment.end), last.tool)
                continue
        merged.append(segment)
    return merged


def role_at(segments: list[Segment], starts: list[int], offset: int) -> Segment | None:
    """The segment containing ``offset`` (``starts`` is the sorted list of segment starts)."""
    from bisect import bisect_right

    k = bisect_right(starts, offset) - 1
    if k >= 0 and segments[k].start <= offset < segments[k].end:
        return segments[k]
    return None
