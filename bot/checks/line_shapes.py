"""The line shapes plain-text transcripts are read by: tags, role lines, calls, results,
prompts, shell and SQL lines, sent e-mails and fences (each a bounded regex), and the one
combined marker pattern that finds the lines worth a closer look in a single pass."""

from __future__ import annotations

import re

TAG = re.compile(
    r"<(/?)[ \t]{0,4}(scratchpad_reasoning|scratchpad|thinking|think|reasoning|inner_monologue|"
    r"tool_use|tool_call|function_call|function_calls|invoke|tool_result|function_result|"
    r"tool_output|function_output|observation|output|final_answer|answer|response)"
    r"([^<>\n]{0,200})>",
    re.IGNORECASE,
)
TAG_ROLE = {
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
# Any tag (a block's ``<thinking>``, ``</tool_use>``, ``<tool_use:email>``), with the spaces
# around it, at the edge of a span.
_EDGE_TAG = re.compile(r"\s*</?[A-Za-z_][\w:.-]{0,40}>\s*")


def without_edge_tags(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` of ``text`` without the tags at its edges (``<thinking>They will…``
    is the sentence, not the tag); empty (``head == stop``) when it held nothing else."""
    head = start
    while (lead := _EDGE_TAG.match(text, head, end)) is not None and lead.end() > head:
        head = lead.end()
    stop = end
    for trail in reversed(list(_EDGE_TAG.finditer(text, head, end))):
        if trail.end() != stop:
            break
        stop = trail.start()
    return head, max(stop, head)


TOOL_NAME = re.compile(r"""^[:.]([\w.-]{1,80})|name\s*=\s*["']?([\w.-]{1,80})""")

REASONING_LINE = re.compile(
    r"^\s{0,8}(?:\**)(?:reasoning|thought|thoughts|thinking|internal reasoning|private reasoning|"
    r"plan|razonamiento|pensamiento|überlegung|gedanke|réflexion|raisonnement)(?:\**)\s*:",
    re.IGNORECASE,
)
# Role lines start at most three spaces in: four make a markdown code block, where
# "user: ops-admin" is a field of a credentials block, not a turn.
QUOTED_LINE = re.compile(
    r"^[ \t]{0,3}(?:(?:user|human|system|operator|customer|client|task|input|request|tarea|aufgabe|"
    r"tâche|usuario|usuaria|usuário|usuária|utilizador|cliente|benutzer|nutzer|kunde|kundin|"
    r"utilisateur|utente|gebruiker|klant|użytkownik|klient|kullanıcı|müşteri|пользователь|"
    r"клиент|email received|message received|incoming)\b|"
    r"ユーザー|利用者|お客様|用户|使用者|客户|顾客|사용자|고객|उपयोगकर्ता|ग्राहक|المستخدم|العميل)"
    r"[^:：\n]{0,60}[:：]",
    re.IGNORECASE,
)
# A role may carry a timestamp or qualifier: "Assistant (Mon 09:15):", "Agent [14:02]:".
QUALIFIER = r"(?:\s{0,4}[(\[][^()\[\]\n]{0,40}[)\]])?"
FINAL_LINE = re.compile(
    rf"^[ \t]{{0,3}}(?:assistant|ai|model|agent|bot|chatbot|answer|final answer|asistente|"
    rf"agente|assistente|atendente|assistent|assistentin|asystent|asistan|ассистент|помощник|"
    rf"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{{0,8}}(?:アシスタント|ボット|助手|机器人|客服|"
    rf"어시스턴트|챗봇|봇)|सहायक|المساعد){QUALIFIER}\s{{0,2}}[:：]",
    re.I,
)
# ReAct-style agents: "Action: tool_name" / "Action Input: {...}" act, "Observation:" is
# the tool's answer. A bare "Action:" only counts when a tool-like name follows, so meeting
# notes ("Action: Sam to follow up") stay prose; arguments may follow on the line
# ("Action: ats.get_offer {...}").
ACTION_LINE = re.compile(
    r"^\s{0,8}(?:(?:action|aktion|acción)\s*:\s*[\w.:-]{1,80}\s*(?:$|[{(])|action[ _]input\s*:|"
    r"aktionseingabe\s*:|entrada de (?:la )?acción\s*:|entrée d'action\s*:|tool[ _]call\s*:|"
    r"calling tool\b|tool\s*:\s*[\w.:-]{1,80}\s*$)",
    re.I,
)
OBSERVATION_LINE = re.compile(
    r"^\s{0,8}(?:observation|beobachtung|observación|tool[ _]result|tool[ _]output|"
    r"function[ _]result)\s*:",
    re.I,
)
STICKY_QUOTED = re.compile(r"^\s{0,8}\[(?:system|inbox|facility|alert|context|document)", re.I)
# Agent run logs. A call is a dotted or snake_case name followed by "(":
# "mail.list(", "send_push(". Timestamps: "[08:05]", "[2025-06-02T07:00:02Z]".
CALL_NAME = (
    r"(?:[A-Za-z_][\w-]{0,40}(?:\.[A-Za-z_][\w-]{0,40}){1,4}|[A-Za-z][A-Za-z0-9]{0,30}_\w{1,40})"
)
STAMP = r"(?:[A-Za-z]{2,10}\.?\s{1,2})?\d{1,4}[^\]\n:]{0,12}:\d{2}[^\]\n]{0,16}"
STAMP_CALL = re.compile(
    rf"^\s{{0,8}}\[{STAMP}\]\s{{0,4}}(?:(?:tool|call|action)\s{{0,2}}:\s{{0,4}}[A-Za-z_][\w.-]{{0,80}}"
    rf"|(?:call\s{{1,4}})?{CALL_NAME}\s?\()",
    re.I,
)
# A timestamped line: a chat post "[#eval | 16:42] status-agent: ..." or a log line.
STAMP_LINE = re.compile(rf"^\s{{0,8}}\[(?:#?[\w.-]{{1,40}}\s{{0,2}}\|\s{{0,2}})?{STAMP}\]")
AUTHOR = re.compile(r"\]\s{0,4}@?([\w.-]{1,40})\s{0,2}:(?:\s|$)")
# "[tool] slack.post(...)", "[tool: slack.post_dm]", "[tool_call: x]" open a call;
# "[result] {...}" is its answer.
BRACKET_CALL = re.compile(
    rf"^\s{{0,8}}\[(?:(?:tool[ _-]?call|tool[ _-]?use|function[ _-]?call|call|action)"
    rf"(?:\s{{0,2}}[:\s]\s{{0,2}}[\w.:/-]{{1,80}})?\]|tool\s{{0,2}}:\s{{0,2}}[\w.:/-]{{1,80}}\]"
    rf"|tool\]\s{{0,4}}{CALL_NAME}\s?\()",
    re.I,
)
BRACKET_RESULT = re.compile(
    r"^\s{0,8}\[(?:result|output|observation|response|tool[ _-]?(?:result|output|response))\]",
    re.I,
)
# A bracketed line on its own names a speaker: "[USER]", "[ASSISTENT]", "[Fen — reasoning]".
BRACKET_ROLE = re.compile(r"^\s{0,8}\[\s{0,2}([^\[\]\n|]{1,80})\]\s*$")
# Agent prompts: "agent> drafting...", "bot$ ls", "tool> {...}".
PROMPT = re.compile(r"^\s{0,8}([A-Za-z][\w.-]{0,40})\s?([>$])(?:\s|$)")
# "> admin.get_customer(id=1)": a command at a ">" prompt (only after an agent header).
GT_CALL = re.compile(rf"^\s{{0,8}}>\s{{0,2}}{CALL_NAME}\s?\(")
NB_IN = re.compile(r"^\s{0,8}In\s?\[\s?\d{0,6}\s?\]:")
NB_OUT = re.compile(r"^\s{0,8}Out\s?\[\s?\d{0,6}\s?\]:")
NB_CONT = re.compile(r"^\s{0,8}\.\.\.:(?:\s|$)")
HTTP_STATUS = re.compile(r"^\s{0,8}HTTP/\d(?:\.\d)?\s{1,4}\d{3}\b")
# A bare "#" is a markdown heading far more often than a root prompt, so it only counts
# after user@host.
SHELL_LINE = re.compile(r"^\s{0,8}(?:\$|>>>|PS>|[\w.-]{1,40}@[\w.-]{1,40}:[^\n$#]{0,80}[$#])\s")
SQL_LINE = re.compile(
    r"^\s{0,8}(?:UPDATE\s+\w|DELETE\s+FROM|INSERT\s+INTO|DROP\s+(?:TABLE|DATABASE)|ALTER\s+TABLE|"
    r"GRANT\s+\w|REVOKE\s+\w|TRUNCATE\s+\w|CREATE\s+(?:USER|ROLE|TABLE))"
)
JSON_CALL = re.compile(
    r"^\s{0,8}\{\s*\"(?:tool|name|function|action|tool_name|command|cmd|type)\"\s*:", re.I
)
JSON_LINE = re.compile(r"^\s{0,8}[\[{]")
QUOTE_MARK = re.compile(r"^\s{0,8}>")
HEADER_LINE = re.compile(
    r"^\s{0,8}(?:from|to|cc|bcc|date|subject|sent|status|de|para|asunto|fecha|estado|von|an|"
    r"betreff|datum|objet|à|envoyé|sent via|delivery)\s*:",
    re.IGNORECASE,
)
SENT_MARK = re.compile(
    r"^\s{0,8}(?:status\s*:\s*(?:sent|delivered)|sent\s*:|sent via\s*:.{0,60}(?:sent|delivered)|"
    r"estado\s*:\s*(?:enviado|entregado)|status\s*:\s*(?:gesendet|zugestellt)|"
    r"statut\s*:\s*(?:envoyé|livré)|envoyé\s*:)|delivery confirmed",
    re.IGNORECASE,
)
HTTP_CALL = re.compile(r"^\s{0,8}(?:GET|POST|PUT|PATCH|DELETE)\s{1,4}(?:/|https?://)")
RESULT_ARROW = re.compile(r"^\s{0,8}(?:→|->|<-|=>|⇒)\s{0,4}")
STRONG_CALL_KEY = re.compile(r"^\s{0,8}\{\s*\"(?:tool|tool_name|function)\"\s*:", re.I)


def inline(pattern: re.Pattern[str]) -> str:
    """A compiled pattern's source with its IGNORECASE flag made local."""
    source = pattern.pattern
    return f"(?i:{source})" if pattern.flags & re.IGNORECASE else f"(?:{source})"


# Fenced blocks some agents print their calls and results in (```tool_code / ```tool_outputs).
FENCE_OPEN = re.compile(
    r"^\s{0,3}```\s{0,2}(tool_code|tool_call|function_call|tool_outputs?|tool_result|"
    r"function_results?|observation)\s*$",
    re.I,
)

# One pass per line: the first marker that matches, in the priority order _line_role uses.
MARKERS = (
    ("fence", FENCE_OPEN),
    ("reasoning", REASONING_LINE),
    ("nb_in", NB_IN),
    ("nb_out", NB_OUT),
    ("nb_cont", NB_CONT),
    ("bracket_call", BRACKET_CALL),
    ("bracket_result", BRACKET_RESULT),
    ("stamp_call", STAMP_CALL),
    ("stamp", STAMP_LINE),
    ("sticky", STICKY_QUOTED),
    ("bracket_role", BRACKET_ROLE),
    ("quoted", QUOTED_LINE),
    ("final", FINAL_LINE),
    ("action", ACTION_LINE),
    ("observation", OBSERVATION_LINE),
    ("gt_call", GT_CALL),
    ("quote_mark", QUOTE_MARK),
    ("shell", SHELL_LINE),
    ("sql", SQL_LINE),
    ("http", HTTP_CALL),
    ("http_status", HTTP_STATUS),
    ("prompt", PROMPT),
    ("arrow", RESULT_ARROW),
    ("json_call", JSON_CALL),
    ("json", JSON_LINE),
    ("header", HEADER_LINE),
)
MARKER = re.compile("|".join(f"(?P<{name}>{inline(pattern)})" for name, pattern in MARKERS))
ARGS_HINT = re.compile(r"\"(?:args|arguments|parameters|input|to|body|command|text)\"")
