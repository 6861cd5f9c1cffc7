"""Agent event logs: JSON objects that are not chat messages but say what an agent did.

``{"event": "tool_call", "tool": "mail.send", "args": {...}}``, ``{"type": "action",
"name": ..., "input": ...}`` or ``{"tool_call": "chat.postMessage", "args": {...}}`` is the
agent acting: ``tool_call``, except reasoning fields (``thought``, ``rationale``), which
are ``reasoning``. An observation, tool result or response, or a user's message, is
``quoted``. The agent's own ``message`` / ``reply`` / ``output`` is ``final``. Other
events (``task_start``) are left to the plain-text reader.
"""

from __future__ import annotations

import re
from typing import Any

from bot.checks.formats.arguments import render_object
from bot.checks.formats.jsondoc import JObj, JStr, text_of
from bot.checks.formats.messages import render_input
from bot.checks.formats.view import ViewBuilder

_KIND_KEYS = ("event", "type", "kind", "event_type")
_CALL_KINDS = frozenset(
    {"tool_call", "action", "function_call", "call", "send", "post", "exec", "execute",
     "command", "tool_use", "invoke", "tool", "shell", "run_command"}
)  # fmt: skip
_RESULT_KINDS = frozenset(
    {"tool_result", "observation", "result", "response", "tool_output", "tool_response",
     "function_result", "function_output", "error", "return"}
)  # fmt: skip
_INPUT_KINDS = frozenset(
    {"user_message", "user", "human", "human_message", "input", "prompt", "user_input",
     "message_received", "incoming", "inbound"}
)  # fmt: skip
_SAY_KINDS = frozenset(
    {"message", "reply", "output", "agent_message", "assistant_message", "assistant",
     "final", "answer", "say", "respond", "final_answer", "outgoing"}
)  # fmt: skip
_TOOL_KEYS = ("tool", "tool_call", "tool_name", "function", "action")
_ARG_KEYS = frozenset({"args", "arguments", "input", "parameters", "params"})
_SPEAKER_KEYS = ("role", "from", "sender", "author", "speaker", "source", "user")
_TEXT_KEYS = frozenset({"text", "content", "message", "body", "output", "reply"})
# Bookkeeping that is not part of the action or the message.
_META = frozenset(
    {"ts", "timestamp", "time", "date", "datetime", "id", "event", "type", "kind",
     "event_type", "agent", "agent_id", "run_id", "step", "seq", "session", "session_id",
     "trace_id", "span_id", "level", "channel_type", "duration_ms", "latency_ms", "user",
     "role", "from", "sender", "author", "speaker", "source", "bot_id"}
)  # fmt: skip
_MODEL_SPEAKER = re.compile(r"agent|bot|assistant|\bai\b|model", re.I)
_SEP = re.compile(r"[\s.-]+")


def classify(value: Any) -> tuple[str, JStr | None] | None:
    """(role, tool name) of an event, or None when it is not one this reader knows."""
    if not isinstance(value, JObj):
        return None
    kind = _SEP.sub("_", next((text_of(value.get(k)) for k in _KIND_KEYS if k in value), ""))
    kind = kind.lower()
    tool = next((value[k] for k in _TOOL_KEYS if isinstance(value.get(k), JStr)), None)
    if kind in _CALL_KINDS or kind.endswith(("_call", "_use")):
        return "tool_call", tool if tool is not None else _name(value)
    if kind in _RESULT_KINDS or kind.endswith(("_result", "_output", "_response")):
        return "quoted", None
    if kind in _INPUT_KINDS or kind.startswith(("user_", "human_")):
        return "quoted", None
    if kind in _SAY_KINDS:
        return _speaker_role(value), None
    if tool is not None and any(k in value for k in _ARG_KEYS):
        return "tool_call", tool
    return None


def _name(value: JObj) -> JStr | None:
    name = value.get("name")
    return name if isinstance(name, JStr) else None


def _speaker_role(value: JObj) -> str:
    """An agent's message is final; a person's (a Slack ``user`` who is no bot) quoted."""
    if "bot_id" in value:
        return "final"
    for key in _SPEAKER_KEYS:
        speaker = text_of(value.get(key))
        if speaker:
            return "final" if _MODEL_SPEAKER.search(speaker) else "quoted"
    return "final"


def render_event(out: ViewBuilder, value: JObj, role: str, tool_node: JStr | None) -> None:
    """Render a classified event, followed by a paragraph break."""
    if role == "quoted":
        render_input(out, value)
    elif role == "tool_call":
        tool = tool_node.value if tool_node is not None else "function"
        if tool_node is not None:
            out.string(tool_node, "tool_call", tool)
            out.synthetic("\n", "tool_call", tool)
        skip = _META | {k for k in (*_TOOL_KEYS, "name") if value.get(k) is tool_node}
        render_object(out, value, "tool_call", tool, skip=skip)
    else:
        texts = [k for k, v in value.items() if k in _TEXT_KEYS and isinstance(v, JStr)]
        for key in texts:
            out.string(value[key], None)
            out.synthetic("\n\n")
        render_object(out, value, "final", "function", skip=_META.union(texts))
    out.synthetic("\n\n")
