"""Plain-text transcripts with role headers: ``[assistant]``, ``Human:`` / ``AI:``,
``### Assistant``, ``**Assistant:**``, ``<|im_start|>assistant``, and the headers log
viewers print around tool use (``[assistant -> bash_tool]``, ``[tool bash_tool]``,
``[tool_call: x]``, ``[tool result]``, ``→ tool: x``).

A header's role lasts until the next header, across blank lines. Input turns (user,
system, tool results) are ``quoted``; an assistant turn is segmented as plain text; a tool
call turn is ``tool_call``, except the reasoning fields of a JSON body or ``thoughts:``
lines. The text is not copied: segments point into it directly.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.checks.fences import Fence, fences
from bot.checks.formats import jsondoc
from bot.checks.formats.arguments import REASONING_FIELDS, field_role
from bot.checks.formats.blocks import PREFIX
from bot.checks.formats.jsondoc import JObj
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.transcript import merge_segments, parse_segments

_WHO = r"assistant|user|system|human|ai|model|developer|tool|function|observation"
# The same roles as a log viewer or a translated export prints them in the other languages
# the checks read (bracketed and heading headers only: "Sistema:" opens prose too often).
_LOCAL_MODEL = (
    "asistente|assistent|assistente|asystent|asistan|アシスタント|助手|助理|어시스턴트"
    "|सहायक|المساعد|مساعد|ассистент|помощник"
)
_LOCAL_INPUT = (
    "usuario|usuário|benutzer|nutzer|utilisateur|utente|gebruiker|użytkownik|kullanıcı"
    "|ユーザー|用户|用戶|使用者|사용자|उपयोगकर्ता|المستخدم|مستخدم|пользователь"
    "|sistema|système|systeem|sistem|システム|系统|系統|시스템|सिस्टम|النظام|система"
)
_LOCAL = f"{_LOCAL_MODEL}|{_LOCAL_INPUT}"
_CALL = r"tool[ _-]?call|tool[ _-]?use|function[ _-]?call|call"
_RESULT = r"tool[ _-]?result|tool[ _-]?output|tool[ _-]?response|function[ _-]?result|result"
_NAME = r"[\w.:/-]{1,80}"
_HEADER = re.compile(
    rf"^[ \t]{{0,4}}(?:"
    rf"\[[ \t]?(?P<b>{_CALL}|{_RESULT}|{_WHO}|{_LOCAL})(?:[ \t]*(?:->|→|:|[ \t])[ \t]*(?P<bn>{_NAME}))?"
    rf"[ \t]?\]"
    rf"|<\|im_start\|>(?P<im>{_WHO})"
    rf"|\#{{1,4}}[ \t]{{1,2}}(?P<h>{_CALL}|{_RESULT}|{_WHO}|{_LOCAL})[ \t]*:?[ \t]*$"
    rf"|\*\*(?P<s>{_WHO}|{_LOCAL})[ \t]*:?[ \t]*\*\*:?"
    rf"|(?:→|->)[ \t]*(?P<a>tool|{_CALL})[ \t]*:[ \t]*(?P<an>{_NAME})?"
    rf"|(?:←|<-)[ \t]*(?P<r>{_RESULT}|tool)\b[ \t]*:?"
    rf"|(?P<c>assistant|human|ai|user|system)[ \t]*:"
    rf")",
    re.IGNORECASE | re.MULTILINE,
)
_MODEL = frozenset({"assistant", "ai", "model", *_LOCAL_MODEL.split("|")})
_INPUT = frozenset({"user", "system", "human", "developer", *_LOCAL_INPUT.split("|")})
_REASONING_LINE = re.compile(
    rf"^[ \t]{{0,8}}[\"']?(?:{'|'.join(sorted(REASONING_FIELDS))})[\"']?[ \t]*[:=]",
    re.IGNORECASE | re.MULTILINE,
)
_MODEL_BLOCK = re.compile(
    r"^[ \t]{0,4}<(?:tool_use|tool_call|function_calls?|invoke|thinking|think|"
    r"scratchpad_reasoning|scratchpad|reasoning)\b",
    re.IGNORECASE | re.MULTILINE,
)
_FIELD_LINE = re.compile(r"^[ \t]{0,8}[\"']?[\w-]{1,40}[\"']?[ \t]*[:=]", re.MULTILINE)


def read_markers(text: str) -> Transcript | None:
    """Segments of a role-marked transcript, or None when ``text`` is not one: it needs
    two headers in its first 64 KB, one of them the model's (or a tool call)."""
    if not _detected(text):
        return None
    segments = []
    headers = _headers(text)
    segments.extend(parse_segments(text[: headers[0].start()]))
    for k, header in enumerate(headers):
        end = headers[k + 1].start() if k + 1 < len(headers) else len(text)
        output = k + 1 < len(headers) and _output(headers[k + 1])
        segments.extend(_turn(text, header, end, output))
    return Transcript("role-markers", text, merge_segments(segments))


def _headers(text: str, end: int | None = None) -> list[re.Match[str]]:
    """The headers of ``text[:end]``, except lines inside a code block (``user: admin`` in
    a YAML block is a field, not a turn)."""
    found = list(_HEADER.finditer(text, 0, len(text) if end is None else end))
    if "```" not in text:
        return found
    blocks = fences(text, 0, end)
    starts = [f.start for f in blocks]
    return [h for h in found if not _in_block(blocks, starts, h.start())]


def _in_block(blocks: list[Fence], starts: list[int], offset: int) -> bool:
    k = bisect_right(starts, offset) - 1
    return k >= 0 and blocks[k].start < offset < blocks[k].end


def _detected(text: str) -> bool:
    model = False
    for count, header in enumerate(_headers(text, PREFIX), start=1):
        model = model or _kind(header)[0] in ("model", "call")
        if count >= 2 and model:
            return True
    return False


def _who(header: re.Match[str]) -> str:
    groups = header.groupdict()
    who = next((groups[g] for g in ("b", "im", "h", "s", "a", "r", "c") if groups[g]), "").lower()
    return re.sub(r"[ _-]", "_", who)


def _output(header: re.Match[str]) -> bool:
    """Whether a header opens a tool's output (``[tool bash_tool]``, ``[tool result]``)."""
    return _kind(header)[0] == "input" and _who(header) not in _INPUT


def _kind(header: re.Match[str]) -> tuple[str, str | None]:
    """("model" | "call" | "input", tool name) of a header."""
    groups = header.groupdict()
    name = groups["bn"] or groups["an"]
    who = _who(header)
    if groups["a"] or who in ("tool_call", "tool_use", "function_call", "call"):
        return "call", name
    if who in _MODEL:
        return ("call", name) if name else ("model", None)
    if who in _INPUT:
        return "input", None
    return "input", name  # tool / function / observation / result: the tool's answer


def _turn(text: str, header: re.Match[str], end: int, then_output: bool) -> list[Segment]:
    """The segments of one turn; ``then_output``: the next turn is a tool's output."""
    kind, name = _kind(header)
    start = header.start()
    if kind == "input":
        return _input_turn(text, start, header.end(), end)
    if kind == "call":
        return call_segments(text, start, header.end(), end, name or "function")
    body = parse_segments(text[header.end() : end], then_output)
    shifted = [Segment(s.role, s.start + header.end(), s.end + header.end(), s.tool) for s in body]
    return [Segment("final", start, header.end()), *shifted]


def _input_turn(text: str, start: int, body: int, end: int) -> list[Segment]:
    """An input turn is quoted up to the first model block that starts a line
    (``<tool_use:bash>``, ``<function_calls>``, ``<thinking>``): transcripts that
    print the model's turn without an ``Assistant:`` header go on with its blocks."""
    found = _MODEL_BLOCK.search(text, body, end)
    if found is None:
        return [Segment("quoted", start, end)]
    rest = parse_segments(text[found.start() : end])
    shifted = [
        Segment(s.role, s.start + found.start(), s.end + found.start(), s.tool) for s in rest
    ]
    return [Segment("quoted", start, found.start()), *shifted]


def call_segments(text: str, start: int, body: int, end: int, tool: str) -> list[Segment]:
    """A tool-call turn: a JSON body by its fields, other bodies by ``thoughts:`` lines."""
    stripped = body
    while stripped < end and text[stripped].isspace():
        stripped += 1
    if stripped < end and text[stripped] == "{":
        fields = _json_fields(text, stripped, end, tool)
        if fields is not None:
            return [Segment("tool_call", start, stripped, tool), *fields]
    return _field_lines(text, start, end, tool)


def _json_fields(text: str, start: int, end: int, tool: str) -> list[Segment] | None:
    """Segments of a JSON body, from each top-level key to the next one."""
    close = text.rfind("}", start, end) + 1
    try:
        obj = jsondoc.load(text, start, close)
    except ValueError:
        return None
    if not isinstance(obj, JObj) or not obj:
        return None
    keys = sorted((node.start, field_role(key, "tool_call")) for key, node in obj.keys_at.items())
    bounds = [start] + [k for k, _ in keys[1:]] + [end]
    roles = [keys[0][1]] + [role for _, role in keys[1:]]
    return [
        Segment(role, bounds[i], bounds[i + 1], tool if role == "tool_call" else None)
        for i, role in enumerate(roles)
    ]


def _field_lines(text: str, start: int, end: int, tool: str) -> list[Segment]:
    """``thoughts: ...`` lines in a tool call are reasoning until the next field line."""
    out = []
    position = start
    for match in _REASONING_LINE.finditer(text, start, end):
        following = _FIELD_LINE.search(text, match.end(), end)
        stop = following.start() if following else end
        out.append(Segment("tool_call", position, match.start(), tool))
        out.append(Segment("reasoning", match.start(), stop))
        position = stop
    out.append(Segment("tool_call", position, end, tool))
    return [s for s in out if s.end > s.start and text[s.start : s.end].strip()]
