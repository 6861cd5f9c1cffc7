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
from dataclasses import dataclass
from functools import lru_cache

from bot.checks.models import Segment

_TAG = re.compile(
    r"<(/?)[ \t]{0,4}(scratchpad_reasoning|scratchpad|thinking|think|reasoning|inner_monologue|"
    r"tool_use|tool_call|function_call|function_calls|invoke|tool_result|function_result|"
    r"tool_output|function_output|observation|output|final_answer|answer|response)"
    r"([^<>\n]{0,200})>",
    re.IGNORECASE,
)
_TAG_ROLE = {
    "scratchpad_reasoning": "reasoning",
    "scratchpad": "reasoning",
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
# Role lines start at most three spaces in: four make a markdown code block, where
# "user: ops-admin" is a field of a credentials block, not a turn.
_QUOTED_LINE = re.compile(
    r"^[ \t]{0,3}(?:(?:user|human|system|operator|customer|client|task|input|request|tarea|aufgabe|"
    r"tâche|usuario|usuaria|usuário|usuária|utilizador|cliente|benutzer|nutzer|kunde|kundin|"
    r"utilisateur|utente|gebruiker|klant|użytkownik|klient|kullanıcı|müşteri|пользователь|"
    r"клиент|email received|message received|incoming)\b|"
    r"ユーザー|利用者|お客様|用户|使用者|客户|顾客|사용자|고객|उपयोगकर्ता|ग्राहक|المستخدم|العميل)"
    r"[^:：\n]{0,60}[:：]",
    re.IGNORECASE,
)
# A role may carry a timestamp or qualifier: "Assistant (Mon 09:15):", "Agent [14:02]:".
_QUALIFIER = r"(?:\s{0,4}[(\[][^()\[\]\n]{0,40}[)\]])?"
_FINAL_LINE = re.compile(
    rf"^[ \t]{{0,3}}(?:assistant|ai|model|agent|bot|chatbot|answer|final answer|asistente|"
    rf"agente|assistente|atendente|assistent|assistentin|asystent|asistan|ассистент|помощник|"
    rf"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{{0,8}}(?:アシスタント|ボット|助手|机器人|客服|"
    rf"어시스턴트|챗봇|봇)|सहायक|المساعد){_QUALIFIER}\s{{0,2}}[:：]",
    re.I,
)
# ReAct-style agents: "Action: tool_name" / "Action Input: {...}" act, "Observation:" is
# the tool's answer. A bare "Action:" only counts when a tool-like name follows, so meeting
# notes ("Action: Sam to follow up") stay prose; arguments may follow on the line
# ("Action: ats.get_offer {...}").
_ACTION_LINE = re.compile(
    r"^\s{0,8}(?:(?:action|aktion|acción)\s*:\s*[\w.:-]{1,80}\s*(?:$|[{(])|action[ _]input\s*:|"
    r"aktionseingabe\s*:|entrada de (?:la )?acción\s*:|entrée d'action\s*:|tool[ _]call\s*:|"
    r"calling tool\b|tool\s*:\s*[\w.:-]{1,80}\s*$)",
    re.I,
)
_OBSERVATION_LINE = re.compile(
    r"^\s{0,8}(?:observation|beobachtung|observación|tool[ _]result|tool[ _]output|"
    r"function[ _]result)\s*:",
    re.I,
)
_STICKY_QUOTED = re.compile(r"^\s{0,8}\[(?:system|inbox|facility|alert|context|document)", re.I)
# Agent run logs. A call is a dotted or snake_case name followed by "(":
# "mail.list(", "send_push(". Timestamps: "[08:05]", "[2025-06-02T07:00:02Z]".
_CALL_NAME = (
    r"(?:[A-Za-z_][\w-]{0,40}(?:\.[A-Za-z_][\w-]{0,40}){1,4}|[A-Za-z][A-Za-z0-9]{0,30}_\w{1,40})"
)
_STAMP = r"(?:[A-Za-z]{2,10}\.?\s{1,2})?\d{1,4}[^\]\n:]{0,12}:\d{2}[^\]\n]{0,16}"
_STAMP_CALL = re.compile(
    rf"^\s{{0,8}}\[{_STAMP}\]\s{{0,4}}(?:(?:tool|call|action)\s{{0,2}}:\s{{0,4}}[A-Za-z_][\w.-]{{0,80}}"
    rf"|(?:call\s{{1,4}})?{_CALL_NAME}\s?\()",
    re.I,
)
# A timestamped line: a chat post "[#eval | 16:42] status-agent: ..." or a log line.
_STAMP_LINE = re.compile(rf"^\s{{0,8}}\[(?:#?[\w.-]{{1,40}}\s{{0,2}}\|\s{{0,2}})?{_STAMP}\]")
_AUTHOR = re.compile(r"\]\s{0,4}@?([\w.-]{1,40})\s{0,2}:(?:\s|$)")
# "[tool] slack.post(...)", "[tool: slack.post_dm]", "[tool_call: x]" open a call;
# "[result] {...}" is its answer.
_BRACKET_CALL = re.compile(
    rf"^\s{{0,8}}\[(?:(?:tool[ _-]?call|tool[ _-]?use|function[ _-]?call|call|action)"
    rf"(?:\s{{0,2}}[:\s]\s{{0,2}}[\w.:/-]{{1,80}})?\]|tool\s{{0,2}}:\s{{0,2}}[\w.:/-]{{1,80}}\]"
    rf"|tool\]\s{{0,4}}{_CALL_NAME}\s?\()",
    re.I,
)
_BRACKET_RESULT = re.compile(
    r"^\s{0,8}\[(?:result|output|observation|response|tool[ _-]?(?:result|output|response))\]",
    re.I,
)
# A bracketed line on its own names a speaker: "[USER]", "[ASSISTENT]", "[Fen — reasoning]".
_BRACKET_ROLE = re.compile(r"^\s{0,8}\[\s{0,2}([^\[\]\n|]{1,80})\]\s*$")
# Agent prompts: "agent> drafting...", "bot$ ls", "tool> {...}".
_PROMPT = re.compile(r"^\s{0,8}([A-Za-z][\w.-]{0,40})\s?([>$])(?:\s|$)")
# "> admin.get_customer(id=1)": a command at a ">" prompt (only after an agent header).
_GT_CALL = re.compile(rf"^\s{{0,8}}>\s{{0,2}}{_CALL_NAME}\s?\(")
_NB_IN = re.compile(r"^\s{0,8}In\s?\[\s?\d{0,6}\s?\]:")
_NB_OUT = re.compile(r"^\s{0,8}Out\s?\[\s?\d{0,6}\s?\]:")
_NB_CONT = re.compile(r"^\s{0,8}\.\.\.:(?:\s|$)")
_HTTP_STATUS = re.compile(r"^\s{0,8}HTTP/\d(?:\.\d)?\s{1,4}\d{3}\b")
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


# Fenced blocks some agents print their calls and results in (```tool_code / ```tool_outputs).
_FENCE_OPEN = re.compile(
    r"^\s{0,3}```\s{0,2}(tool_code|tool_call|function_call|tool_outputs?|tool_result|"
    r"function_results?|observation)\s*$",
    re.I,
)

# One pass per line: the first marker that matches, in the priority order _line_role uses.
_MARKERS = (
    ("fence", _FENCE_OPEN),
    ("reasoning", _REASONING_LINE),
    ("nb_in", _NB_IN),
    ("nb_out", _NB_OUT),
    ("nb_cont", _NB_CONT),
    ("bracket_call", _BRACKET_CALL),
    ("bracket_result", _BRACKET_RESULT),
    ("stamp_call", _STAMP_CALL),
    ("stamp", _STAMP_LINE),
    ("sticky", _STICKY_QUOTED),
    ("bracket_role", _BRACKET_ROLE),
    ("quoted", _QUOTED_LINE),
    ("final", _FINAL_LINE),
    ("action", _ACTION_LINE),
    ("observation", _OBSERVATION_LINE),
    ("gt_call", _GT_CALL),
    ("quote_mark", _QUOTE_MARK),
    ("shell", _SHELL_LINE),
    ("sql", _SQL_LINE),
    ("http", _HTTP_CALL),
    ("http_status", _HTTP_STATUS),
    ("prompt", _PROMPT),
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
    context = _context(text, 0, len(text))
    for match in _TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing and _mentioned(text, match):
            continue
        if open_role is None:
            if closing:
                continue
            segments.extend(_classify_untagged(text, position, match.start(), context))
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
        segments.extend(_classify_untagged(text, position, len(text), context))
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


# Words that make a speaker, prompt or author the model ("status-agent", "[ASSISTENT]",
# "ops-bot>") or someone else ("[USER]", "tool>").
_MODEL_WORDS = frozenset(
    {"assistant", "assistent", "assistente", "asistente", "ai", "ki", "ia", "model", "modell",
     "agent", "bot", "chatbot", "copilot", "llm"}
)  # fmt: skip
_INPUT_WORDS = frozenset(
    {"user", "nutzer", "benutzer", "utilisateur", "usuario", "usuário", "human", "customer",
     "client", "kunde", "cliente", "operator", "system", "tool", "result", "output",
     "observation", "environment", "env", "developer", "inbox", "context", "document",
     "email", "mail", "prompt", "task", "input", "stdout", "stderr"}
)  # fmt: skip
_REASONING_WORDS = re.compile(
    r"reasoning|thinking|thought|trace|scratchpad|überlegung|raisonnement|razonamiento", re.I
)
_WORD_SPLIT = re.compile(r"[\s_.@#-]+")
_HEAD_SPLIT = re.compile(r"\s(?:—|–|-|:|\()|[—–:(,]")
# The first lines of an agent log name the agent: "[support-agent | ticket #1]",
# 'Acme — support assistant "Fen" | export', "Modell: mira-2".
_AGENT_HEADER = re.compile(r"(?:agent|bot|assistant|assistent|copilot)\b|\bmodell?\s{0,2}:", re.I)
_AGENT_NAME = re.compile(
    r"(?:assistant|assistent|agent|bot|copilot|persona)\s{0,3}(?:named\s{1,3}|called\s{1,3})?"
    r"[\"“«„‘']\s{0,2}([^\"”»“‘’'\n]{1,30})[\"”»“’']"
    r"|\bmodell?\s{0,2}:\s{0,2}([\w.-]{1,40})",
    re.I,
)
_NAME_LINE = re.compile(
    rf"^\s{{0,8}}([A-Za-z][\w'-]{{0,30}}(?:\s[A-Za-z][\w'-]{{0,30}})?){_QUALIFIER}\s{{0,2}}:"
)
_CALLISH = re.compile(
    rf"(?:call\s{{1,4}}|run\s{{1,4}})?{_CALL_NAME}\s?\(|(?:call|tool)\s{{0,2}}:", re.I
)


@dataclass(frozen=True, slots=True)
class _Context:
    """What the first lines say about a text: it is an agent's log (``agent``), and the
    names the agent goes by."""

    agent: bool = False
    names: frozenset[str] = frozenset()


_NO_CONTEXT = _Context()


def _context(text: str, start: int, end: int) -> _Context:
    """The agent header of ``text[start:end]``: its first two non-empty lines."""
    head = [line for line in text[start : min(end, start + 1200)].split("\n") if line.strip()][:2]
    agent = False
    names: set[str] = set()
    for line in head:
        line = line[:300]
        if _AGENT_HEADER.search(line):
            agent = True
            for found in _AGENT_NAME.finditer(line):
                names.add((found.group(1) or found.group(2)).strip().lower())
    return _Context(agent, frozenset(names)) if agent else _NO_CONTEXT


@lru_cache(maxsize=4096)
def _speaker(name: str) -> str | None:
    """ "model", "input" or None for a speaker, prompt or author name."""
    words = [w for w in _WORD_SPLIT.split(name.lower()) if w]
    if not words:
        return None
    if words[0] in _INPUT_WORDS:
        return "input"
    if any(w in _MODEL_WORDS or w.endswith("bot") for w in words):
        return "model"
    return "input" if any(w in _INPUT_WORDS for w in words) else None


def _who(name: str, context: _Context) -> str | None:
    if name.lower() in context.names:
        return "model"
    return _speaker(name)


def _classify_untagged(
    text: str, start: int, end: int, context: _Context | None = None
) -> list[Segment]:
    """Classify the lines of an untagged region, keeping paragraph-level state; runs of
    lines with the same role and tool become one segment."""
    if context is None:
        context = _context(text, start, end)
    out: list[Segment] = []
    state: str | None = None
    tool: str | None = None
    sticky = False
    email_block = False
    run: tuple[str, int, int, str | None] | None = None
    for line_start, line_end, body in _lines(text, start, end):
        if not body.strip():
            if state == "http_request":
                state = "http_body"
            elif not sticky and not email_block and not _in_block(state):
                state, tool = None, None
            continue
        role, new_tool, state, sticky, email_block = _line_role(
            text, line_start, body, state, sticky, email_block, end, context
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
def _line_kind(body: str) -> tuple[str | None, str]:
    """The marker a line starts with and the name it carries (a speaker, author or tool),
    memoised: logs and pasted transcripts repeat lines."""
    found = _MARKER.match(body)
    kind = found.lastgroup if found else None
    if kind == "json_call" and not (_ARGS_HINT.search(body) or _STRONG_CALL_KEY.match(body)):
        return "json", ""
    if kind == "fence":
        return kind, _FENCE_OPEN.match(body).group(1).lower()  # type: ignore[union-attr]
    if kind == "bracket_role":
        inner = _BRACKET_ROLE.match(body).group(1)  # type: ignore[union-attr]
        head = _HEAD_SPLIT.split(inner, maxsplit=1)[0].strip()
        return ("bracket_reasoning" if _REASONING_WORDS.search(inner) else kind), head
    if kind == "stamp":
        author = _AUTHOR.search(body, 0, 120)
        return ("stamp_author", author.group(1)) if author else ("stamp", "")
    if kind == "prompt":
        return _prompt_kind(body)
    if kind in ("stamp_call", "bracket_call", "gt_call"):
        return kind, _call_name(body)
    return kind, ""


def _prompt_kind(body: str) -> tuple[str | None, str]:
    """An agent prompt line ("agent> ...", "bot$ ...") by who it is and what follows."""
    found = _PROMPT.match(body)
    assert found is not None
    who = _speaker(found.group(1))
    if who == "input":
        return "quoted", ""
    if who is None:
        return None, ""
    rest = body[found.end() :]
    if found.group(2) == "$":
        return "shell", ""
    if _REASONING_LINE.match(rest):
        return "reasoning", ""
    if _CALLISH.match(rest.lstrip()):
        return "prompt_call", _call_name(rest)
    return "final", ""


_CALL_AT = re.compile(rf"{_CALL_NAME}(?=\s?\()|(?<=:)\s{{0,4}}[A-Za-z_][\w.-]{{0,80}}")


def _call_name(body: str) -> str:
    found = _CALL_AT.search(body, 0, 200)
    return found.group(0).strip() if found else "function"


# Markers that end a sticky block (a system prompt, an inbox): the model speaks or acts.
_ENDS_STICKY = frozenset(
    {"final", "action", "shell", "stamp_call", "bracket_call", "prompt_call", "gt_call", "nb_in",
     "role_model", "role_input", "bracket_reasoning", "sticky"}
)  # fmt: skip
_CALL_STATES = frozenset({"shell_output", "json_result", "json_call", "call_body", "notebook"})


def _resolve(
    kind: str | None, name: str, body: str, state: str | None, context: _Context
) -> str | None:
    """A marker whose meaning depends on the text's agent header or the line before."""
    if kind == "bracket_role":
        who = _who(name, context)
        return "role_model" if who == "model" else "role_input" if who else "json"
    if kind == "bracket_reasoning":
        return kind if _who(name, context) == "model" else "json"
    if kind == "stamp_author":
        return "final" if _who(name, context) == "model" else "quoted"
    if kind == "stamp":
        return "stamp_prose" if context.agent else "json"
    if kind == "gt_call":
        return kind if context.agent or state in _CALL_STATES else "quote_mark"
    if kind == "nb_cont":
        return kind if state == "notebook" else None
    if kind == "final" and body.lstrip()[:6].lower() == "answer":
        return "answer"
    if kind is None and context.names:
        found = _NAME_LINE.match(body)
        if found and found.group(1).lower() in context.names:
            return "final"
    return kind


def _line_role(
    text: str,
    line_start: int,
    body: str,
    state: str | None,
    sticky: bool,
    email_block: bool,
    end: int,
    context: _Context = _NO_CONTEXT,
) -> tuple[str, str | None, str | None, bool, bool]:
    """Role of one line given the paragraph state; returns the updated state as well."""
    if _in_heredoc(state):
        ended = body.strip() == state[len(_HEREDOC) :]  # type: ignore[index]
        return "tool_call", None, "shell_output" if ended else state, False, False
    if state in _FENCE_ROLES:
        closed = body.lstrip().startswith("```")
        return _FENCE_ROLES[state], None, None if closed else state, False, False
    kind, name = _line_kind(body)
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
            role = "reasoning" if state == "reasoning" else "quoted"
            return role, None, state, True, email_block
        sticky = False
    if kind == "sticky":
        return "quoted", None, "quoted", True, False
    if email_block:
        return "tool_call", None, state, False, True
    if kind in _CALLS:
        next_state = _CALLS[kind]
        return "tool_call", name or _DEFAULT_TOOL[kind], next_state, False, False
    if kind in _FIXED:
        return _FIXED[kind](state)
    if kind == "json" and state in (None, "json_call", "json_result", "shell_output"):
        return "quoted", None, "json_result", False, False
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


def _in_block(state: str | None) -> bool:
    """Inside a heredoc or a fenced call or result, where blank lines do not end the run."""
    return _in_heredoc(state) or state in _FENCE_ROLES


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
}
_DEFAULT_TOOL = dict.fromkeys(_CALLS, "function")
_AFTER_CALL = {
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
    "bracket_reasoning": lambda state: ("reasoning", None, "reasoning", True, False),
    "stamp_prose": lambda state: ("final", None, None, False, False),
    "quote_mark": lambda state: ("quoted", None, state, False, False),
    "shell": lambda state: ("tool_call", "shell", "shell_output", False, False),
    "sql": lambda state: ("tool_call", "sql", "sql", False, False),
    "http": lambda state: ("tool_call", "http", "http_request", False, False),
    "http_status": lambda state: ("quoted", None, "shell_output", False, False),
    "arrow": lambda state: ("quoted", None, _AFTER_CALL.get(state or "", state), False, False),
    "json_call": lambda state: ("tool_call", "function", "json_call", False, False),
    "action": lambda state: ("tool_call", "function", "json_call", False, False),
    "observation": lambda state: ("quoted", None, "json_result", False, False),
    "bracket_result": lambda state: ("quoted", None, "json_result", False, False),
    "nb_in": lambda state: ("tool_call", "python", "notebook", False, False),
    "nb_cont": lambda state: ("tool_call", "python", "notebook", False, False),
    "nb_out": lambda state: ("quoted", None, "shell_output", False, False),
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
    "call_body": "tool_call",
    "http_request": "tool_call",
    "http_body": "tool_call",
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
