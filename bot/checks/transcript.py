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
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import lru_cache

from bot.checks.fences import (
    OUTPUT_INFO,
    Fence,
    console_lines,
    console_session,
    fences,
    ran_marker,
)
from bot.checks.line_shapes import (
    ACTION_NAME,
    APP_AUTHOR,
    APP_BADGE,
    APP_NAME_LINE,
    ARGS_HINT,
    AUTHOR,
    BARE_STAMP,
    BRACKET_ROLE,
    CALL_NAME,
    CHANNEL_POST,
    FENCE_OPEN,
    GT_WHOLE_CALL,
    INLINE_RESULT,
    MARKER,
    MARKER_WITHOUT_APPS,
    PROMPT,
    REASONING_LINE,
    REPL_PROMPT,
    RESULT_ARROW,
    SECTION_HEAD,
    SENT_MARK,
    SLACK_AUTHOR,
    SQL_CONT,
    STEP_CALL,
    STRONG_CALL_KEY,
    TAG,
    TAG_ROLE,
    TOOL_NAME,
    UPPER_CALL,
    WRITING_TOOL,
)
from bot.checks.models import Segment
from bot.checks.speakers import (
    CALLISH,
    HEAD_SPLIT,
    NAME_LINE,
    NO_CONTEXT,
    REASONING_WORDS,
    Context,
    app_role,
    read_context,
    role_of,
    speaker_kind,
)


def parse_segments(text: str, then_output: bool = False) -> list[Segment]:
    """Segment ``text`` into reasoning / final / tool_call / quoted regions;
    ``then_output``: what follows ``text`` is the output of a tool (a code block at its
    end is a cell the model ran)."""
    segments: list[Segment] = []
    position = 0
    open_role: str | None = None
    open_tool: str | None = None
    open_name = ""
    open_start = 0
    context = read_context(text, 0, len(text))
    blocks = [(f.start, f.end) for f in fences(text)] if "```" in text else []
    for match in TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if blocks and _inside(blocks, match.start()):
            continue  # a tag written in a code block is code
        if not closing and _mentioned(text, match):
            continue
        if open_role is None:
            if closing:
                continue
            after = _after_reasoning(segments, position)
            output = TAG_ROLE[name] == "quoted"
            segments.extend(
                _classify_untagged(text, position, match.start(), context, after, output)
            )
            open_role, open_name, open_start = TAG_ROLE[name], name, match.start()
            open_tool = _tool_name(name, match.group(3))
            continue
        if closing and name == open_name:
            segments.append(Segment(open_role, open_start, match.end(), open_tool))
            open_role, position = None, match.end()
        elif not closing and TAG_ROLE[name] != open_role:
            segments.append(Segment(open_role, open_start, match.start(), open_tool))
            open_role, open_name, open_start = TAG_ROLE[name], name, match.start()
            open_tool = _tool_name(name, match.group(3))
    if open_role is not None:
        segments.append(Segment(open_role, open_start, len(text), open_tool))
    else:
        after = _after_reasoning(segments, position)
        segments.extend(_classify_untagged(text, position, len(text), context, after, then_output))
    return merge_segments(
        [s for s in segments if s.end > s.start and text[s.start : s.end].strip()]
    )


def _inside(blocks: list[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` lies inside one of the sorted, disjoint ``blocks``."""
    k = bisect_right(blocks, (offset, 1 << 62)) - 1
    return k >= 0 and blocks[k][0] < offset < blocks[k][1]


def _after_reasoning(segments: list[Segment], position: int) -> bool:
    """True when the text at ``position`` comes right after a closed reasoning block."""
    return bool(segments) and segments[-1].role == "reasoning" and segments[-1].end == position


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
    if TAG_ROLE[tag] != "tool_call":
        return None
    found = TOOL_NAME.search(rest.strip())
    if found:
        return found.group(1) or found.group(2)
    return tag


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, body) of each line of ``text[start:end]`` (newline excluded)."""
    offset = start
    for body in text[start:end].split("\n"):
        yield offset, offset + len(body), body
        offset += len(body) + 1


def _classify_untagged(
    text: str,
    start: int,
    end: int,
    context: Context | None = None,
    after_reasoning: bool = False,
    then_output: bool = False,
) -> list[Segment]:
    """Classify the lines of an untagged region, keeping paragraph-level state; runs of
    lines with the same role and tool become one segment. Right after a closed reasoning
    block (``after_reasoning``), a first line opening with a call is the agent's action
    (``</thinking>\nsubmit_answers({…})``). A code block is read whole (:func:`_fence`);
    ``then_output``: the region is followed by a tool's output."""
    if context is None:
        context = read_context(text, start, end)
    out: list[Segment] = []
    state: str | None = None
    tool: str | None = None
    sticky = False
    email_block = False
    run: tuple[str, int, int, str | None] | None = None
    blocks = {f.start: f for f in fences(text, start, end)} if "```" in text[start:end] else {}
    skip = start
    for line_start, line_end, body in _lines(text, start, end):
        if line_start < skip:
            continue
        fence = blocks.get(line_start)
        if fence is not None:
            after_reasoning = False
            shown = _fence(text, fence, (state, sticky, email_block), end, context, then_output)
            pieces, state = shown
            pieces = [(r, s, e, (t or tool or "function") if r == "tool_call" else None)
                      for r, s, e, t in pieces]  # fmt: skip
            skip = fence.end + 1
        else:
            pieces, state, tool, sticky, email_block, after_reasoning = _line_pieces(
                text, line_start, line_end, body, (state, tool, sticky, email_block),
                end, context, after_reasoning,
            )  # fmt: skip
            if not pieces:
                continue
        for piece in pieces:
            if run is not None and run[0] == piece[0] and run[3] == piece[3]:
                run = (piece[0], run[1], piece[2], piece[3])
                continue
            if run is not None:
                out.append(Segment(*run))
            run = piece
    if run is not None:
        out.append(Segment(*run))
    return out


_Piece = tuple[str, int, int, str | None]
_LineState = tuple[str | None, str | None, bool, bool]


def _line_pieces(
    text: str,
    line_start: int,
    line_end: int,
    body: str,
    held: _LineState,
    end: int,
    context: Context,
    after_reasoning: bool,
) -> tuple[list[_Piece], str | None, str | None, bool, bool, bool]:
    """The pieces of one line outside a code block and the state after it (``held``:
    state, tool, sticky, inside an e-mail block)."""
    state, tool, sticky, email_block = held
    if after_reasoning and body.strip():
        after_reasoning = False
        if _line_kind(body)[0] == "bare_call":
            state = "reasoning"
    if not body.strip():
        if state == "http_request":
            state = "http_body"
        elif not sticky and not email_block and not _in_block(state):
            state, tool = None, None
        return [], state, tool, sticky, email_block, after_reasoning
    role, new_tool, state, sticky, email_block = _line_role(
        text, line_start, body, state, sticky, email_block, end, context
    )
    tool = new_tool if new_tool is not None else tool
    seg_tool = (tool or "function") if role == "tool_call" else None
    cut = _inline_result(body) if role == "tool_call" else -1
    pieces: list[_Piece] = [(role, line_start, line_end, seg_tool)]
    if cut > 0:
        pieces = [
            (role, line_start, line_start + cut, seg_tool),
            ("quoted", line_start + cut, line_end, None),
        ]
    return pieces, state, tool, sticky, email_block, after_reasoning


# Languages a code block names, and the tool that runs it.
_FENCE_TOOLS = {
    "bash": "shell", "sh": "shell", "shell": "shell", "zsh": "shell", "console": "shell",
    "shell-session": "shell", "powershell": "shell", "ps1": "shell", "python": "python",
    "py": "python", "python3": "python", "ipython": "python", "sql": "sql", "": "code",
}  # fmt: skip
# Line kinds that are a tool's answer to what ran just before them.
_OUTPUT_KINDS = frozenset(
    {"observation", "nb_out", "bracket_result", "upper_result", "http_status", "arrow"}
)


def _fence(
    text: str,
    fence: Fence,
    held: tuple[str | None, bool, bool],
    end: int,
    context: Context,
    then_output: bool,
) -> tuple[list[_Piece], str | None]:
    """The pieces of a code block, read whole, and the state after it. It takes the role
    an unmarked line would take where it stands (in a user's turn it is quoted, in a call
    its body). In the model's own prose it is an example (that prose's role) unless it ran:
    a console session (prompts with their output) is its commands and their output, and a
    block right before its output (``Observation:``, ``exitcode: 0``, an output block, a
    tool result) is a cell the model ran (``tool_call``)."""
    state, sticky, email_block = held
    base = _line_role(text, fence.start, "x", state, sticky, email_block, end, context)[0]
    if base in ("quoted", "tool_call"):
        return [(base, fence.start, fence.end, None)], state
    if console_session(text, fence):
        lines = console_lines(text, fence)
        pieces: list[_Piece] = [
            ("tool_call", s, e, "shell") if command else ("quoted", s, e, None)
            for s, e, command in lines
        ]
        first, last = pieces[0], pieces[-1]
        pieces[0] = (first[0], fence.start, first[2], first[3])
        pieces[-1] = (last[0], last[1], fence.end, last[3])
        return pieces, state
    if _ran(text, fence, end, base, context, then_output):
        tool = _FENCE_TOOLS.get(fence.info, fence.info)
        return [("tool_call", fence.start, fence.end, tool)], "shell_output"
    return [(base, fence.start, fence.end, None)], state


def _ran(text: str, fence: Fence, end: int, base: str, context: Context, then_output: bool) -> bool:
    """Whether the first non-blank line after the block is the output of running it (or,
    with none in the region, ``then_output``). "Output:" counts only in an agent's log or
    after its reasoning, since an answer shows what example code would print."""
    line_start = fence.end + 1
    while line_start < end:
        line_end = text.find("\n", line_start, end)
        line_end = end if line_end < 0 else line_end
        body = text[line_start:line_end]
        if body.strip():
            return _output_line(body, base, context)
        line_start = line_end + 1
    return then_output


def _output_line(body: str, base: str, context: Context) -> bool:
    kind, name = _line_kind(body)
    if kind in _OUTPUT_KINDS or ran_marker(body):
        return True
    if kind == "fence":
        return name not in _FENCE_CALLS
    if kind == "result_label":
        return context.agent or base == "reasoning"
    opened = re.match(r"\s{0,3}```\s*(\w{1,20})", body)
    return opened is not None and opened.group(1).lower() in OUTPUT_INFO


# Call lines that may carry their output after an arrow on the same line.
_INLINE_KINDS = frozenset(
    {"stamp_call", "bare_stamp_call", "gt_call", "gt2_call", "label_call", "bare_call"}
)


def _inline_result(body: str) -> int:
    """Where the output a call line carries begins ("queue() → 9 starters"), or -1: the
    first arrow outside the call's parentheses."""
    if _line_kind(body)[0] not in _INLINE_KINDS:
        return -1
    for found in INLINE_RESULT.finditer(body):
        head = body[: found.start() + 1]
        if head.count("(") <= head.count(")"):
            return found.start(1)
    return -1


@lru_cache(maxsize=4096)
def _line_kind(body: str, marker: re.Pattern[str] = MARKER) -> tuple[str | None, str]:
    """The marker a line starts with and the name it carries (a speaker, author or tool),
    memoised: logs and pasted transcripts repeat lines."""
    found = marker.match(body)
    kind = found.lastgroup if found else None
    if kind == "json_call" and not (ARGS_HINT.search(body) or STRONG_CALL_KEY.match(body)):
        return "json", ""
    if kind == "fence":
        return kind, FENCE_OPEN.match(body).group(1).lower()  # type: ignore[union-attr]
    if kind == "bracket_role":
        inner = BRACKET_ROLE.match(body).group(1)  # type: ignore[union-attr]
        head = HEAD_SPLIT.split(inner, maxsplit=1)[0].strip()
        return ("bracket_reasoning" if REASONING_WORDS.search(inner) else kind), head
    if kind == "stamp":
        author = AUTHOR.search(body, 0, 120)
        return ("stamp_author", author.group(1)) if author else ("stamp", "")
    if kind == "prompt":
        return _prompt_kind(body)
    if kind in _NAMED:
        return kind, _NAMED[kind](body)
    return kind, ""


def _repl_tool(body: str) -> str:
    """The tool a REPL prompt line uses: the call a Python prompt makes, else the REPL."""
    found = REPL_PROMPT.match(body)
    tool = found.lastgroup if found and found.lastgroup else "shell"
    if tool == "python":
        call = re.match(rf"\s{{0,8}}>>>\s{{1,2}}({CALL_NAME})\s?\(", body)
        return call.group(1) if call else tool
    return tool


def _stamp_tool(body: str) -> str:
    """The call after a bare time ("09:02  calendar.list(…)"), or "shell" for a command."""
    found = _STAMPED_CALL.match(body)
    return found.group(1) if found else "shell"


def _first_call(body: str) -> str:
    found = re.search(CALL_NAME, body)
    return found.group(0) if found else "function"


_STAMPED_CALL = re.compile(rf"\s{{0,8}}{BARE_STAMP}\s{{1,6}}({CALL_NAME})\s?\(", re.I)


def _group(pattern: re.Pattern[str], *groups: int) -> Callable[[str], str]:
    def name(body: str) -> str:
        found = pattern.match(body)
        return " ".join((found.group(g) or "") for g in groups).strip() if found else ""

    return name


_CALL_AT = re.compile(rf"{CALL_NAME}(?=\s?\()|(?<=:)\s{{0,4}}[A-Za-z_][\w.-]{{0,80}}")


def _call_name(body: str) -> str:
    found = _CALL_AT.search(body, 0, 200)
    return found.group(0).strip() if found else "function"


# How each named marker finds its name (a tool, an author).
_NAMED: dict[str, Callable[[str], str]] = {
    "stamp_call": _call_name,
    "bracket_call": _call_name,
    "gt_call": _call_name,
    "gt2_call": _call_name,
    "bare_call": _call_name,
    "label_call": _call_name,
    "section_call": _first_call,
    "bare_stamp_call": _stamp_tool,
    "repl": _repl_tool,
    "upper_call": _group(UPPER_CALL, 1),
    "action": _group(ACTION_NAME, 1),
    "section_head": _group(SECTION_HEAD, 1),
    "step_call": _group(STEP_CALL, 1),
    "channel_post": _group(CHANNEL_POST, 1, 2),
    "slack_author": _group(SLACK_AUTHOR, 1),
    "app_author": _group(APP_AUTHOR, 1),
}


def _prompt_kind(body: str) -> tuple[str | None, str]:
    """An agent prompt line ("agent> ...", "bot$ ...") by who it is and what follows."""
    found = PROMPT.match(body)
    assert found is not None
    who = speaker_kind(found.group(1))
    if who == "input":
        return "quoted", ""
    if who is None:
        return None, ""
    rest = body[found.end() :]
    if found.group(2) == "$":
        return "shell", ""
    if REASONING_LINE.match(rest):
        return "reasoning", ""
    if CALLISH.match(rest.lstrip()):
        return "prompt_call", _call_name(rest)
    return "final", ""


# Markers that end a sticky block (a system prompt, an inbox, a channel post): the model
# speaks or acts, or someone else posts.
_ENDS_STICKY = frozenset(
    {"final", "action", "shell", "stamp_call", "bracket_call", "prompt_call", "gt_call", "nb_in",
     "role_model", "role_input", "bracket_reasoning", "sticky", "repl", "bare_stamp_call",
     "gt2_call", "label_call", "upper_call", "section_call", "step_call", "post",
     "channel_input", "stamp_post", "reasoning_head"}
)  # fmt: skip
_CALL_STATES = frozenset(
    {"shell_output", "stamp_output", "json_result", "json_call", "call_body", "notebook"}
)
_JSON_OUTPUT = frozenset(
    {None, "json_call", "json_result", "shell_output", "stamp_output", "repl_cmd"}
)
# States after which a line opening with a call is the agent's action: its reasoning
# ("Thought: … \nsend_email(…)") or another call.
_ACTS_NEXT = _CALL_STATES | {"reasoning"}
# States right after a call, where "Result:" is its answer rather than prose.
_ANSWERED = _CALL_STATES | {"repl_cmd", "sql", "step", "http_body"}


def _resolve(
    kind: str | None, name: str, body: str, state: str | None, context: Context
) -> str | None:
    """A marker whose meaning depends on the text's agent header or the line before."""
    if kind == "bracket_role":
        who = role_of(name, context)
        return "role_model" if who == "model" else "role_input" if who else "json"
    if kind == "bracket_reasoning":
        return kind if role_of(name, context) == "model" else "json"
    if kind == "stamp_author":
        return _stamped_author(name, body, context)
    if kind == "stamp":
        return "stamp_prose" if context.agent else "json"
    if kind == "gt_call":
        agent = context.agent or state in _CALL_STATES or GT_WHOLE_CALL.match(body)
        return kind if agent else "quote_mark"
    if kind == "bare_call":
        return kind if context.agent or state in _ACTS_NEXT else None
    if kind in _BY_STATE:
        return _BY_STATE[kind](body, state)
    if kind == "section_head":
        return _section_kind(name, body)
    if kind in ("channel_post", "slack_author"):
        return _channel_author(kind, name, context)
    if kind == "app_author":
        return "post" if app_role(name, context) == "model" else "role_input"
    if kind == "final" and body.lstrip()[:6].lower() == "answer":
        return "answer"
    if kind is None and (context.names or context.channel):
        return _named_speaker(body, context)
    return kind


def _section_kind(title: str, body: str) -> str | None:
    """A titled section: reasoning when its title says so; a box-drawn one (``── final
    report ──``) otherwise starts the agent's own text, while an ``== … ==`` banner (a test
    runner's ``==== 2 failed ====``) belongs to the output it sits in."""
    if REASONING_WORDS.search(title):
        return "reasoning_head"
    return "final" if body.lstrip()[:1] in "─━═" else None


def _stamped_author(name: str, body: str, context: Context) -> str:
    """A stamped line by an author: the model's post into a channel ("[#ops | 16:42]
    relay-bot: …", "[14:02] @ops-bot: …"), the model's line in a log, or someone else's."""
    if role_of(name, context) != "model":
        return "channel_input" if context.channel else "quoted"
    chat = context.channel or body.lstrip()[:2] == "[#" or "@" in body[: body.find(name) + 1]
    return "stamp_post" if chat else "final"


def _channel_author(kind: str, name: str, context: Context) -> str | None:
    """A channel post header or a Slack author line: the model's post, or someone else's
    message (an author line outside a channel export is prose: "Standup 09:30")."""
    if role_of(name, context) == "model":
        return "post"
    if kind == "channel_post":
        return "role_input"  # someone else's post: quoted across its paragraphs
    return "channel_input" if context.channel else None


def _app_over_badge(text: str, line_start: int, body: str, end: int) -> tuple[str | None, str]:
    """A name alone on its line over an app's badge line ("Relay" over "APP  14:07"): the
    app's author line, as "Relay APP  14:07" would be."""
    found = APP_NAME_LINE.match(body)
    if found is None:
        return None, ""
    below = line_start + len(body) + 1
    stop = text.find("\n", below, end)
    if APP_BADGE.match(text[below : end if stop < 0 else stop]) is None:
        return None, ""
    return "app_author", found.group(1)


def _named_speaker(body: str, context: Context) -> str | None:
    """ "Name: …" by the agent the header names (its line), or in a channel export by a
    model (its post)."""
    found = NAME_LINE.match(body)
    if not found:
        return None
    who = role_of(found.group(1), context)
    if context.channel and who == "model":
        return "post"
    return "final" if found.group(1).lower() in context.names else None


def _repl_continued(body: str, state: str | None) -> str | None:
    """A prompt's continuation line ("    -> WHERE …"), or a result arrow elsewhere."""
    if state == "repl_cmd":
        return "repl_cont"
    return "arrow" if RESULT_ARROW.match(body) else None


# Markers whose meaning depends only on the line before.
_BY_STATE: dict[str, Callable[[str, str | None], str | None]] = {
    "nb_cont": lambda body, state: "nb_cont" if state == "notebook" else None,
    "repl_cont": _repl_continued,
    "result_label": lambda body, state: "observation" if state in _ANSWERED else None,
    "bare_stamp": lambda body, state: "stamp_prose" if state == "stamp_output" else None,
}


def _line_role(
    text: str,
    line_start: int,
    body: str,
    state: str | None,
    sticky: bool,
    email_block: bool,
    end: int,
    context: Context = NO_CONTEXT,
) -> tuple[str, str | None, str | None, bool, bool]:
    """Role of one line given the paragraph state; returns the updated state as well."""
    if _in_heredoc(state):
        ended = body.strip() == state[len(_HEREDOC) :]  # type: ignore[index]
        return "tool_call", None, "shell_output" if ended else state, False, False
    if state in _FENCE_ROLES:
        closed = body.lstrip().startswith("```")
        return _FENCE_ROLES[state], None, None if closed else state, False, False
    if state is not None and state.startswith(_OPEN):
        return "tool_call", None, _after_line(body, state), False, False
    if state == "sql_open" and SQL_CONT.match(body):
        ended = body.rstrip().endswith(";")
        return "tool_call", None, "repl_cmd" if ended else state, False, False
    kind, name = _line_kind(body)
    if kind == "app_badge" and not context.channel:
        kind, name = _line_kind(body, MARKER_WITHOUT_APPS)
    elif kind is None and context.channel:
        kind, name = _app_over_badge(text, line_start, body, end)
    if kind == "fence":
        if name in _FENCE_CALLS:
            return "tool_call", "function", _FENCE_CALL, False, False
        return "quoted", None, _FENCE_OUTPUT, False, False
    if kind == "reasoning":
        return "reasoning", None, "reasoning", False, False
    kind = _resolve(kind, name, body, state, context)
    if kind == "shell":
        opened = _HEREDOC_START.search(body)
        if opened:
            return "tool_call", "shell", _HEREDOC + opened.group(1), False, False
    if kind == "json" and _config_section(text, line_start, body):
        kind = None
    if sticky:
        if kind not in _ENDS_STICKY:
            return _STICKY_ROLES.get(state or "", "quoted"), None, state, True, email_block
        sticky = False
    if kind == "sticky":
        return "quoted", None, "quoted", True, False
    if email_block:
        return "tool_call", None, state, False, True
    if kind in _CALLS:
        return "tool_call", name or _DEFAULT_TOOL[kind], _after_call(kind, name, body), False, False
    if kind == "action":
        bare = name and body.rstrip().endswith(name)
        return "tool_call", name or None, "action_input" if bare else "json_call", False, False
    if state in _INPUT_NEXT and kind in (None, "quote_mark", "json", "json_call"):
        return "tool_call", None, _opened(body, _INPUT_NEXT[state]), False, False
    if kind in _FIXED:
        return _FIXED[kind](state)
    if kind == "json" and state in _JSON_OUTPUT:
        return "quoted", None, "json_result", False, False
    if state in ("repl_cmd", "sql_open"):
        return "quoted", None, "shell_output", False, False
    if state == "notebook":
        if body[:1].isspace():
            return "tool_call", None, state, False, False
        return "quoted", None, "shell_output", False, False
    if state in _CONTINUED:
        return _CONTINUED[state], None, state, False, False
    if kind == "header" and state is None:
        if _email_was_sent(text, line_start, end):
            return "tool_call", "email", "email_sent", False, True
        return "final", None, "email_header", False, False
    return "final", None, state if state == "final" else None, False, False


# A shell heredoc (``cat > f <<'EOF'``): the lines up to the terminator are the command's
# own input, written by whoever ran it, not its output.
_HEREDOC = "heredoc:"
_HEREDOC_START = re.compile(r"(?<!<)<<-?\s{0,2}[\"']?([A-Za-z_]\w{0,30})[\"']?(?=\s|$)")


def _in_heredoc(state: str | None) -> bool:
    return state is not None and state.startswith(_HEREDOC)


_FENCE_CALLS = frozenset({"tool_code", "tool_call", "function_call"})
_FENCE_CALL, _FENCE_OUTPUT = "fence_call", "fence_output"
_FENCE_ROLES = {_FENCE_CALL: "tool_call", _FENCE_OUTPUT: "quoted"}


# What a writing call's section holds (the e-mail it sends), blank lines included, up to
# the call's result or the next marker.
_WRITTEN = "written"


def _in_block(state: str | None) -> bool:
    """Inside a heredoc, a fenced call or result or a written body, where blank lines do
    not end the run."""
    return _in_heredoc(state) or state in _FENCE_ROLES or state == _WRITTEN


def _after_call(kind: str, name: str, body: str) -> str:
    """The state a call line leaves: inside its parentheses or its unfinished SQL
    statement, in the body a writing call sends, or its output."""
    if kind == "section_call" and WRITING_TOOL.search(name):
        return _WRITTEN
    if kind == "repl" and name == "sql" and not _SQL_DONE.search(body):
        return "sql_open"
    return _opened(body, _CALLS[kind])


# A psql or mysql line whose statement is complete: it ends with ";" or is a
# backslash meta-command ("ledger=> \dt").
_SQL_DONE = re.compile(r";\s*$|^\s{0,8}\S{1,60}>\s{1,2}\\")


# A call whose arguments run over several lines ("chat.bulk_dm(\n  recipients=…)"): its
# lines are the call's until the parentheses close; the state carries the open count and
# the state that follows the call.
_OPEN = "open:"


def _opened(body: str, after: str) -> str:
    """The state after a call line: inside its parentheses, or ``after``."""
    depth = body.count("(") - body.count(")")
    return f"{_OPEN}{depth}:{after}" if depth > 0 and after != "step" else after


def _after_line(body: str, state: str) -> str:
    """The state after one more line of an open call."""
    depth, after = state[len(_OPEN) :].split(":", 1)
    return _opened("(" * int(depth) + body, after)


_SECTION = re.compile(r"^\s{0,8}\[[\w.:\"' -]{1,60}\]\s*$")
_SETTING = re.compile(r"[ \t]{0,8}[\w.\"-]{1,60}[ \t]{0,3}[=:][ \t]{0,3}\S")


def _config_section(text: str, line_start: int, body: str) -> bool:
    """A section header of an INI or TOML file (``[reporting]`` over ``key = value``
    lines): part of whatever text holds the file, not a bracketed context header."""
    if not _SECTION.match(body):
        return False
    next_line = line_start + len(body) + 1
    return _SETTING.match(text, next_line, next_line + 200) is not None


_Role = tuple[str, str | None, str | None, bool, bool]
# Calls whose tool is named on the line, and the state that follows each.
_CALLS = {
    "stamp_call": "shell_output",
    "gt_call": "shell_output",
    "bracket_call": "call_body",
    "prompt_call": "json_call",
    "repl": "repl_cmd",
    "bare_stamp_call": "stamp_output",
    "gt2_call": "shell_output",
    "bare_call": "shell_output",
    "label_call": "json_call",
    "upper_call": "json_call",
    "section_call": "shell_output",
    "step_call": "step",
}
_DEFAULT_TOOL = dict.fromkeys(_CALLS, "function")
# States whose next unmarked, quoted or JSON line is the call's own input: the command
# under a step header, the JSON under a bare "Action: http_request".
_INPUT_NEXT = {"step": "shell_output", "action_input": "json_call"}
# A sticky block's lines keep the role of the block: a post is the model's action.
_STICKY_ROLES = {"reasoning": "reasoning", "post": "tool_call"}
_AFTER_CALL = {
    _WRITTEN: "shell_output",
    "http_request": "shell_output",
    "http_body": "shell_output",
    "call_body": "shell_output",
}
# Markers whose role does not depend on the state (the state only passes through a
# quoted reply mark).
_FIXED: dict[str, Callable[[str | None], _Role]] = {
    "quoted": lambda state: ("quoted", None, "quoted", False, False),
    "final": lambda state: ("final", None, "final", False, False),
    "answer": lambda state: ("final", None, "final", False, False),
    "role_model": lambda state: ("final", None, "final", False, False),
    "role_input": lambda state: ("quoted", None, "quoted", True, False),
    # A badge line with no name over it ("APP  14:07"): an app no one named, quoted. Under a
    # name line it only continues the post that line opened (it ends no sticky block).
    "app_badge": lambda state: ("quoted", None, "quoted", True, False),
    "bracket_reasoning": lambda state: ("reasoning", None, "reasoning", True, False),
    "stamp_prose": lambda state: ("final", None, None, False, False),
    "quote_mark": lambda state: ("quoted", None, state, False, False),
    "shell": lambda state: ("tool_call", "shell", "shell_output", False, False),
    "sql": lambda state: ("tool_call", "sql", "sql", False, False),
    "http": lambda state: ("tool_call", "http", "http_request", False, False),
    "http_status": lambda state: ("quoted", None, "shell_output", False, False),
    "arrow": lambda state: ("quoted", None, _AFTER_CALL.get(state or "", state), False, False),
    "json_call": lambda state: ("tool_call", "function", "json_call", False, False),
    "observation": lambda state: ("quoted", None, "json_result", False, False),
    "bracket_result": lambda state: ("quoted", None, "json_result", False, False),
    "upper_result": lambda state: ("quoted", None, "json_result", False, False),
    "repl_cont": lambda state: ("tool_call", None, "repl_cmd", False, False),
    "post": lambda state: ("tool_call", "post", "post", True, False),
    "reasoning_head": lambda state: ("reasoning", None, "reasoning", True, False),
    "stamp_post": lambda state: ("tool_call", "post", "stamp_post", False, False),
    "channel_input": lambda state: ("quoted", None, "quoted", False, False),
    "nb_in": lambda state: ("tool_call", "python", "notebook", False, False),
    "nb_cont": lambda state: ("tool_call", "python", "notebook", False, False),
    "nb_out": lambda state: ("quoted", None, "shell_output", False, False),
}
# Unmarked lines continue the block they follow, with that block's role.
_CONTINUED = {
    _WRITTEN: "tool_call",
    "stamp_post": "tool_call",
    "stamp_output": "quoted",
    "reasoning": "reasoning",
    "quoted": "quoted",
    "shell_output": "quoted",
    "sql": "tool_call",
    "json_call": "tool_call",
    "json_result": "quoted",
    "email_header": "final",
    "call_body": "tool_call",
    "http_request": "tool_call",
    "http_body": "tool_call",
}


def _email_was_sent(text: str, start: int, end: int) -> bool:
    """True when the header block starting at ``start`` carries a sent/delivered marker."""
    block_end = text.find("\n\n", start, end)
    block_end = end if block_end < 0 else block_end
    return any(SENT_MARK.search(body) for _, _, body in _lines(text, start, block_end))


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
