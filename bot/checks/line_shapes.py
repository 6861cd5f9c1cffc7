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
    r"plan|razonamiento|pensamiento|pensamento|raciocínio|überlegung|gedanke|réflexion|raisonnement|"
    r"pensée|pensiero|"
    r"ragionamento|gedachte|redenering|myśl|rozumowanie|düşünce|akıl yürütme|мысль|мысли|"
    r"рассуждение|思考|考え|推論|想法|推理|생각|추론|विचार|तर्क|فكرة|تفكير|استدلال)(?:\**)\s*[:：]",
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
_FINAL_ANSWER = (
    r"final answer|respuesta final|endgültige antwort|finale antwort|réponse finale|"
    r"resposta final|risposta finale|definitief antwoord|eindantwoord|ostateczna odpowiedź|"
    r"odpowiedź końcowa|nihai (?:cevap|yanıt)|son (?:cevap|yanıt)|окончательный ответ|"
    r"итоговый ответ|最終回答|最終的な回答|最终答案|最终回答|최종 답변|최종 답|अंतिम उत्तर|"
    r"الإجابة النهائية"
)
FINAL_LINE = re.compile(
    rf"^[ \t]{{0,3}}(?:assistant|ai|model|agent|bot|chatbot|answer|{_FINAL_ANSWER}|asistente|"
    rf"agente|assistente|atendente|assistent|assistentin|asystent|asistan|ассистент|помощник|"
    rf"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{{0,8}}(?:アシスタント|ボット|助手|机器人|客服|"
    rf"어시스턴트|챗봇|봇)|सहायक|المساعد){QUALIFIER}\s{{0,2}}[:：]",
    re.I,
)
# ReAct-style agents: "Action: tool_name" / "Action Input: {...}" act, "Observation:" is
# the tool's answer. A bare "Action:" only counts when a tool-like name follows, so meeting
# notes ("Action: Sam to follow up") stay prose; arguments may follow on the line
# ("Action: ats.get_offer {...}"). The labels come in the fifteen languages of the data.
_ACTION_WORDS = (
    r"action|aktion|acción|ação|acao|azione|actie|akcja|działanie|eylem|eylemi|действие|"
    r"行動|行动|动作|행동|작업|कार्रवाई|क्रिया|إجراء"
)
_ACTION_INPUT = (
    r"action[ _]input|aktionseingabe|entrada de (?:la )?acción|entrée d'action|"
    r"entrada d[ae] ação|input dell'azione|actie[ -]invoer|dane wejściowe akcji|eylem girdisi|"
    r"ввод действия|входные данные действия|行動入力|行动输入|动作输入|행동 입력|"
    r"कार्रवाई इनपुट|مدخلات الإجراء"
)
ACTION_NAME = re.compile(rf"^\s{{0,8}}(?:{_ACTION_WORDS})\s*[:：]\s*`?([\w.:-]{{1,80}})", re.I)
ACTION_LINE = re.compile(
    rf"^\s{{0,8}}(?:(?:{_ACTION_WORDS})\s*[:：]\s*`?[\w.:-]{{1,80}}`?\s*(?:$|[{{(])|"
    rf"(?:{_ACTION_INPUT})\s*[:：]|tool[ _]call\s*:|calling tool\b|tool\s*:\s*[\w.:-]{{1,80}}\s*$)",
    re.I,
)
OBSERVATION_LINE = re.compile(
    r"^\s{0,8}(?:observation|beobachtung|observación|observação|observacao|osservazione|observatie|"
    r"obserwacja|gözlem|наблюдение|観察|观察|관찰|अवलोकन|ملاحظة|tool[ _]result|tool[ _]output|"
    r"function[ _]result)\s*[:：]",
    re.I,
)
# "Result:" / "Output:" answer a call only right after one: "Result: we shipped" is prose.
RESULT_LABEL = re.compile(
    r"^\s{0,8}(?:result|results|output|returns?|response|resultado|ergebnis|résultat|risultato|"
    r"resultaat|wynik|sonuç|результат|結果|结果|결과|परिणाम|نتيجة)\s*[:：]",
    re.I,
)
STICKY_QUOTED = re.compile(r"^\s{0,8}\[(?:system|inbox|facility|alert|context|document)", re.I)
# Agent run logs. A call is a dotted or snake_case name followed by "(":
# "mail.list(", "send_push(". Timestamps: "[08:05]", "[2025-06-02T07:00:02Z]".
CALL_NAME = (
    r"(?:[A-Za-z_][\w-]{0,40}(?:\.[A-Za-z_][\w-]{0,40}){1,4}|[A-Za-z][A-Za-z0-9]{0,30}_\w{1,40})"
)
# "Call: calendar.list(...)", "Invoking: mail.send(...)": a call line in an agent log.
LABEL_CALL = re.compile(
    r"^\s{0,8}(?:call|calling|invoke|invoking|llamada|aufruf|appel|chamada|chiamata|aanroep|"
    r"wywołanie|çağrı|вызов|呼び出し|调用|호출|कॉल|استدعاء)\s*[:：]\s*"
    rf"(?:{CALL_NAME}\s?\(|[A-Za-z_]\w{{0,40}}\()",
    re.I,
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
# The words for a call and its result in the languages of the data ("[вызов]", "[结果]").
_CALL_WORDS = (
    r"llamada|aufruf|appel|chamada|chiamata|aanroep|wywołanie|çağrı|вызов|呼び出し|调用|호출|"
    r"कॉल|استدعاء"
)
_RESULT_WORDS = (
    r"resultado|ergebnis|résultat|risultato|resultaat|wynik|sonuç|результат|結果|结果|결과|"
    r"परिणाम|نتيجة"
)
# "[tool] slack.post(...)", "[tool: slack.post_dm]", "[tool_call: x]" open a call;
# "[result] {...}" is its answer.
BRACKET_CALL = re.compile(
    rf"^\s{{0,8}}\[(?:(?:tool[ _-]?call|tool[ _-]?use|function[ _-]?call|call|action|{_CALL_WORDS})"
    rf"(?:\s{{0,2}}[:\s]\s{{0,2}}[\w.:/-]{{1,80}})?\]|tool\s{{0,2}}:\s{{0,2}}[\w.:/-]{{1,80}}\]"
    rf"|tool\]\s{{0,4}}{CALL_NAME}\s?\()",
    re.I,
)
BRACKET_RESULT = re.compile(
    rf"^\s{{0,8}}\[(?:result|output|observation|response|tool[ _-]?(?:result|output|response)|"
    rf"{_RESULT_WORDS})\]",
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
    r"^\s{0,8}(?:UPDATE\s+(?!\d+\s*$)\w|DELETE\s+FROM|INSERT\s+INTO|DROP\s+(?:TABLE|DATABASE)|ALTER\s+TABLE|"
    r"GRANT\s+\w|REVOKE\s+\w|TRUNCATE\s+\w|CREATE\s+(?:USER|ROLE|TABLE))"
)
# Interactive prompts an agent types at (psql "billing=> ", "mysql> ", "[ops@web1 ~]$ ",
# "PS C:\\ops> ", Python ">>> ", irb, redis-cli): the command is its action and the lines
# after it, up to the next prompt, the output. Python's ">>>" needs code after it, since
# ">>>" also opens a thrice-nested markdown quote.
_PY_CODE = (
    r"(?:import\s|from\s[\w.]{1,60}\simport\s|(?:for|while|with|if)\s[^\n]{1,200}:\s*$|"
    r"def\s\w{1,60}\(|class\s\w{1,60}[(:]|try:|"
    r"[A-Za-z_][\w.]{0,60}(?:\[[^\]\n]{0,40}\])?\s{0,2}(?:=(?!=)|\())"
)
_REPLS = (
    ("sql", r"[A-Za-z_][\w-]{0,40}[=-]\*?[>#]|(?:mysql|sqlite|MariaDB\s\[[^\]\n]{0,40}\]|SQL|"
     r"cqlsh(?::\w{1,40})?)>"),
    ("shell", r"\[[\w.-]{1,40}@[\w.-]{1,40}(?:\s[^\]\n]{0,80})?\][$#]|PS\s(?:[A-Za-z]:\\|/)[^>\n]{0,160}>"),
    ("python", rf">>>(?=\s{{1,2}}{_PY_CODE})"),
    ("ruby", r"irb\(\w{1,20}\):\d{1,4}:\d{1,3}[>*\"']|\[\d{1,4}\]\spry\(\w{1,20}\)>"),
    ("redis", r"(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|redis[\w.-]{0,40}):\d{2,5}(?:\[\d{1,2}\])?>"),
)  # fmt: skip
REPL_PROMPT = re.compile(
    r"^\s{0,8}(?:" + "|".join(f"(?P<{name}>{shape})" for name, shape in _REPLS) + r")(?:\s|$)"
)
REPL_LINE = re.compile(r"^\s{0,8}(?:" + "|".join(shape for _, shape in _REPLS) + r")(?:\s|$)")
# The rest of a SQL statement typed over several lines without a continuation prompt.
SQL_CONT = re.compile(
    r"^\s{0,40}(?:(?:FROM|WHERE|SET|AND|OR|JOIN|LEFT|RIGHT|INNER|OUTER|GROUP|ORDER|LIMIT|VALUES|"
    r"RETURNING|ON|HAVING|UNION|SELECT|WITH|CASE|WHEN|THEN|ELSE|END)\b|\S[^\n]*;\s*$)",
    re.I,
)
# A prompt's continuation: mysql "    -> ", sqlite "   ...> ", Python "... ".
REPL_CONT = re.compile(r"^\s{0,8}(?:\.\.\.>?|->)(?:\s|$)")
# A call at an unbracketed time ("09:02  calendar.list(...)", "Mon 07:45  queue() → 9",
# "10:02  ssh host 'uptime'   → up 3 days"). A command needs two spaces after the time or
# a result arrow on its line, and the commands that are also English words an argument
# ("10:02  cat /etc/hosts"), so "09:30 we met" and "10:00  find a venue" stay prose.
BARE_STAMP = (
    r"(?:\d{4}-\d{2}-\d{2}[T ]|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?\s{1,2})?"
    r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|\s?[ap]m)?"
)
_CLI = (
    r"(?-i:(?:ssh|scp|sudo|kubectl|git|curl|wget|docker|podman|helm|terraform|aws|gcloud|gsutil|"
    r"az|psql|mysql|systemctl|journalctl|chmod|chown|grep|sed|awk|rsync|pip3?|npm|npx|python3?|"
    r"bash|crontab|iptables|ufw|redis-cli|vault|openssl|nmap)\s{1,2}\S|"
    r"(?:cat|find|head|tail|kill|pkill|echo|ls|rm|mv|cp|tar)\s{1,2}[-/~.$'\"]|"
    r"for\s[A-Za-z_]\w{0,20}\sin\s)"
)
BARE_STAMP_CALL = re.compile(
    rf"^\s{{0,8}}{BARE_STAMP}(?:\s{{1,6}}{CALL_NAME}\(|\s{{2,6}}{_CLI}|"
    rf"\s{{1,6}}{_CLI}[^\n]{{0,300}}\s(?:→|->|=>)\s)",
    re.I,
)
# A line that starts with a bare time and two spaces ("10:03  note: …") starts the next step
# of a timestamped log, ending the output of the call before it.
BARE_STAMP_LINE = re.compile(rf"^\s{{0,8}}{BARE_STAMP}\s{{2,}}\S", re.I)
# The output a call line carries on its own line ("queue() → 9 new starters").
INLINE_RESULT = re.compile(r"(?:\)|\s)\s{0,6}(→|⇒|=>|->)\s")
# ">> pedidos.consultar(...)" is a call in an agent log (its answer "<< {...}"); a single
# ">" is one only after an agent header or when the whole line is the call.
GT2_CALL = re.compile(rf"^\s{{0,8}}>>\s{{0,2}}{CALL_NAME}\s?\(")
# A line that opens with a call and its arguments ("send_email(to=\"kyle@…\", body=…)",
# "files.delete('shutdown.sh')"): the agent's action right after its reasoning or another
# call, or anywhere in an agent's log; elsewhere it may be code in an answer.
BARE_CALL = re.compile(
    rf"^\s{{0,8}}(?:await\s{{1,2}})?{CALL_NAME}\s?\((?=\s*(?:[A-Za-z_]\w{{0,40}}\s?=|[\"'{{\[]|$))"
)
GT_WHOLE_CALL = re.compile(rf"^\s{{0,8}}>\s{{0,2}}{CALL_NAME}\s?\([^\n]*\)\s*(?:(?:→|->|=>)\s.*)?$")
# "TOOL_CALL tickets.claim {...}" / "TOOL_RESULT [...]": upper-case log labels.
UPPER_CALL = re.compile(
    r"^\s{0,8}(?:TOOL_CALL|TOOL_USE|FUNCTION_CALL|TOOL-CALL)\b[:\s]\s{0,4}([\w.:/-]{1,80})"
)
UPPER_RESULT = re.compile(r"^\s{0,8}(?:TOOL_RESULT|TOOL_OUTPUT|TOOL_RESPONSE|FUNCTION_RESULT)\b")
# "== 09:10 matter.timeline ==", "== docs.read("brief.pdf") ==": a call as a section header,
# its output below. A bare "== notes.txt ==" names a file, not a call.
SECTION_CALL = re.compile(
    rf"^\s{{0,8}}={{2,}}\s{{1,3}}(?:{BARE_STAMP}\s{{1,4}}{CALL_NAME}(?:\s?\([^\n]{{0,300}}\))?|"
    rf"{CALL_NAME}\s?\([^\n]{{0,300}}\))\s{{1,3}}={{2,}}\s*$",
    re.I,
)
# A call that writes (mail.send, chat.post, tasks.create): the lines under its section
# header are what it sends or writes, not what it returns.
WRITING_TOOL = re.compile(
    r"(?:^|[._])(?:send|post|reply|respond|write|publish|message|email|mail|notify|dm|create|"
    r"update|add|append|log|note|comment|edit|submit|share|forward|upload|draft|enviar|envoyer|"
    r"senden|inviare)\w{0,20}$",
    re.I,
)
# "── reasoning ──", "── final report ──", "== Reasoning ==": a titled section of a log.
SECTION_HEAD = re.compile(
    r"^\s{0,8}(?:[─━═]{2,}|={2,})\s{0,2}([^─━═=\n]{1,60}?)\s{0,2}(?:[─━═]{2,}|={2,})\s*$"
)
# "── step 3 ── tool=exec": a step header naming the tool the lines below it call.
STEP_CALL = re.compile(
    r"^\s{0,8}[─━=*#-]{2,}\s{0,2}step\s{0,2}#?\d{1,4}\s{0,2}[─━=*#-]{0,20}[^\n]{0,40}?"
    r"\btool\s{0,2}[=:]\s{0,2}([\w.-]{1,60})",
    re.I,
)
# A post into a shared channel: "#ops | posted by @deploy-bot | Tue 17:30",
# '[#team, posted by agent "Rota" via chat.postMessage, 09:02]', and a Slack export's author
# line "relay-agent 14:07" (the post on the same line after two spaces, or below it).
CHANNEL_POST = re.compile(
    r"^\s{0,3}\[?#[\w.-]{1,80}\b[^\n]{0,160}?\bposted by\s{1,2}(agent\s{1,2}|bot\s{1,2})?@?[\"“'«]?"
    r"([\w .-]{1,40}?)[\"”'»]?\s{0,2}(?:\bvia\b|[,|\]]|$)",
    re.I,
)
SLACK_AUTHOR = re.compile(
    r"^\s{0,3}(?!(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?\s)([A-Za-z][\w.'&-]{0,40}(?:\s[A-Z][\w.'-]{0,30}){0,3}(?:\s\([^()\n]{1,40}\))?)"
    r"\s{1,3}\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?(?:\s{2,}\S|\s*$)"
)
# A Slack copy's author line for an app (a bot) carries its APP badge: "Relay APP  2:07 PM",
# "Relay (APP) 14:07", "Relay [BOT] Today at 2:07 PM", the post after two spaces or below.
# Slack may put the badge and the time on a line of their own under the name ("Relay" over
# "APP  14:07"). The badge is matched in capitals (or bracketed), so "Support Bot 14:07" stays
# an author named "Support Bot".
_BADGE = r"(?:APP|BOT|[(\[](?:APP|App|BOT|Bot)[)\]])"
BADGE_WORDS = ("APP", "BOT", "(App", "[App", "(Bot", "[Bot")
_POST_TIME = (
    r"(?:—\s{0,2})?(?:(?:Today|Yesterday|\d{1,2}/\d{1,2}/\d{2,4}|[A-Z][a-z]{2,8}\s\d{1,2}"
    r"(?:st|nd|rd|th)?)\s{1,2}(?:at\s{1,2})?)?\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?(?:\s{2,}\S|\s*$)"
)
APP_NAME = r"[A-Za-z][\w.'&-]{0,40}(?:\s[A-Za-z][\w.'&-]{0,30}){0,3}"
APP_AUTHOR = re.compile(rf"^\s{{0,3}}({APP_NAME})\s{{1,3}}{_BADGE}\s{{1,3}}{_POST_TIME}")
APP_BADGE = re.compile(rf"^\s{{0,3}}{_BADGE}\s{{1,3}}{_POST_TIME}")
APP_NAME_LINE = re.compile(rf"^\s{{0,3}}({APP_NAME})\s*$")
# Either shape anywhere in a text (a name, then the badge on its line or the next): the text
# is a channel copy.
APP_POST = re.compile(rf"^\s{{0,3}}{APP_NAME}\s{{1,3}}{_BADGE}\s{{1,3}}{_POST_TIME}", re.M)
JSON_CALL = re.compile(
    r"^\s{0,8}\{\s*\"(?:tool|name|function|action|tool_name|command|cmd|type)\"\s*:", re.I
)
JSON_LINE = re.compile(r"^\s{0,8}[\[{]")
QUOTE_MARK = re.compile(r"^\s{0,8}>")
HEADER_LINE = re.compile(
    r"^\s{0,8}(?:from|to|cc|bcc|date|subject|sent|status|x-status|de|para|asunto|fecha|estado|von|"
    r"an|betreff|datum|objet|à|envoyé|sent via|delivery|assunto|enviado via|da|oggetto|van|aan|"
    r"onderwerp|od|do|temat|kimden|kime|konu|от|кому|тема|差出人|宛先|件名|发件人|收件人|主题|"
    r"보낸 사람|받는 사람|제목|प्रेषक|प्राप्तकर्ता|विषय|من|إلى|الموضوع)\s*[:：]",
    re.IGNORECASE,
)
# A header block marked sent or delivered ("Status: delivered", "X-Status: Sent",
# "Status: entregue", "Gesendet: Montag", "送信済み") makes the e-mail an executed send.
_SENT_WORDS = (
    r"sent|delivered|enviad[oa]|entregad[oa]|entregue|gesendet|zugestellt|envoyée?|livrée?|"
    r"inviat[oa]|consegnat[oa]|verzonden|bezorgd|wysłan[oya]|dostarczon[oya]|gönderildi|iletildi|"
    r"отправлено|доставлено|送信済み?|配信済み|已发送|已送达|发送成功|전송됨|발송됨|전송 완료|"
    r"भेजा गया|भेज दिया गया|डिलीवर|تم الإرسال|تم التسليم|أُرسلت?"
)
SENT_MARK = re.compile(
    rf"^\s{{0,8}}(?:(?:x-)?(?:status|statut|estado|stato|staat|stan|durum|статус|状态|状態|"
    rf"ステータス|상태|स्थिति|الحالة)\s*[:：]\s*(?:{_SENT_WORDS})|sent\s*:|"
    rf"(?:sent|enviado|envoyé) via\s*:.{{0,60}}(?:{_SENT_WORDS})|"
    rf"(?:envoyé|gesendet|inviato|verzonden|wysłano|gönderildi|отправлено|送信日時|发送时间|"
    rf"보낸 날짜|भेजा गया|تم الإرسال)\s*[:：]|(?:{_SENT_WORDS})\s*$)|delivery confirmed",
    re.IGNORECASE,
)
HTTP_CALL = re.compile(r"^\s{0,8}(?:GET|POST|PUT|PATCH|DELETE)\s{1,4}(?:/|https?://)")
RESULT_ARROW = re.compile(r"^\s{0,8}(?:→|->|<-|<<(?=\s)|=>|⇒)\s{0,4}")
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
    ("upper_call", UPPER_CALL),
    ("upper_result", UPPER_RESULT),
    ("step_call", STEP_CALL),
    ("section_call", SECTION_CALL),
    ("section_head", SECTION_HEAD),
    ("reasoning", REASONING_LINE),
    ("label_call", LABEL_CALL),
    ("nb_in", NB_IN),
    ("nb_out", NB_OUT),
    ("nb_cont", NB_CONT),
    ("app_author", APP_AUTHOR),
    ("app_badge", APP_BADGE),
    ("channel_post", CHANNEL_POST),
    ("bracket_call", BRACKET_CALL),
    ("bracket_result", BRACKET_RESULT),
    ("stamp_call", STAMP_CALL),
    ("stamp", STAMP_LINE),
    ("bare_stamp_call", BARE_STAMP_CALL),
    ("bare_stamp", BARE_STAMP_LINE),
    ("sticky", STICKY_QUOTED),
    ("bracket_role", BRACKET_ROLE),
    ("repl", REPL_LINE),
    ("quoted", QUOTED_LINE),
    ("final", FINAL_LINE),
    ("action", ACTION_LINE),
    ("observation", OBSERVATION_LINE),
    ("result_label", RESULT_LABEL),
    ("gt2_call", GT2_CALL),
    ("gt_call", GT_CALL),
    ("bare_call", BARE_CALL),
    ("quote_mark", QUOTE_MARK),
    ("shell", SHELL_LINE),
    ("sql", SQL_LINE),
    ("http", HTTP_CALL),
    ("http_status", HTTP_STATUS),
    ("slack_author", SLACK_AUTHOR),
    ("prompt", PROMPT),
    ("repl_cont", REPL_CONT),
    ("arrow", RESULT_ARROW),
    ("json_call", JSON_CALL),
    ("json", JSON_LINE),
    ("header", HEADER_LINE),
)
MARKER = re.compile("|".join(f"(?P<{name}>{inline(pattern)})" for name, pattern in MARKERS))
# The same without the app markers: how a badge line reads outside a channel copy, where
# "BOT 14:07" is what it was before apps were known (an author named BOT).
MARKER_WITHOUT_APPS = re.compile(
    "|".join(
        f"(?P<{name}>{inline(pattern)})" for name, pattern in MARKERS if not name.startswith("app_")
    )
)
ARGS_HINT = re.compile(r"\"(?:args|arguments|parameters|input|to|body|command|text)\"")
