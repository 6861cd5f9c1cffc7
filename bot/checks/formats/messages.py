"""Chat messages from OpenAI, Anthropic, Inspect AI and the OpenAI Responses API, rendered
into a view with the role each part played.

Everything a user, system prompt or tool wrote is ``quoted``. From the model: reasoning
blocks (``thinking``, ``reasoning``, ``reasoning_content``) are ``reasoning``, its text is
segmented like plain text (so ``<thinking>`` tags inside it still count), and each tool
call is ``tool_call`` with its name, except the reasoning fields of its arguments.
"""

from __future__ import annotations

from typing import Any

from bot.checks.formats.arguments import render_object, render_value
from bot.checks.formats.jsondoc import JObj, JStr, nested, text_of
from bot.checks.formats.view import ViewBuilder

_MODEL_ROLES = frozenset({"assistant", "model", "ai", "bot", "agent"})
_INPUT_ROLES = frozenset(
    {"user", "system", "developer", "tool", "function", "human", "ipython", "environment"}
)
_ITEM_TYPES = frozenset(
    {"message", "function_call", "function_call_output", "reasoning", "custom_tool_call",
     "custom_tool_call_output", "local_shell_call", "computer_call"}
)  # fmt: skip
# Keys of input messages that hold identifiers, encodings or media rather than text.
_META_KEYS = frozenset(
    {"type", "id", "role", "tool_use_id", "tool_call_id", "call_id", "signature", "data",
     "media_type", "cache_control", "source", "status", "name", "function", "model",
     "image_url", "encrypted_content", "internal", "metadata", "timestamp"}
)  # fmt: skip
_TEXT_PARTS = frozenset({"text", "output_text", "input_text"})
_REASONING_PARTS = frozenset({"thinking", "reasoning", "reasoning_text", "summary_text"})
_CALL_PARTS = frozenset({"tool_use", "server_tool_use", "tool_call", "function_call"})
_ARGUMENT_KEYS = ("arguments", "input", "action")


def is_message(value: Any) -> bool:
    """True for an object shaped like a chat message or a Responses-API item."""
    if not isinstance(value, JObj):
        return False
    role = text_of(value.get("role")).lower()
    if role in _MODEL_ROLES or role in _INPUT_ROLES:
        return "content" in value or "tool_calls" in value or "function_call" in value
    return text_of(value.get("type")) in _ITEM_TYPES


def render_message(out: ViewBuilder, message: JObj) -> None:
    """Render one message or item, followed by a paragraph break."""
    role = text_of(message.get("role")).lower()
    kind = text_of(message.get("type"))
    if role in _MODEL_ROLES:
        render_model_message(out, message)
    elif role:
        render_input(out, message.get("content"))
    elif kind == "reasoning":
        _reasoning_item(out, message)
    elif kind.endswith("_call"):
        # A local shell or computer call has no arguments but the action it runs.
        arguments = next((message[k] for k in _ARGUMENT_KEYS if k in message), None)
        render_call(out, message.get("name"), arguments, kind.removesuffix("_call"))
    elif kind.endswith("_output"):
        render_input(out, message.get("output"))
    out.synthetic("\n\n")


def render_model_message(out: ViewBuilder, message: JObj) -> None:
    """The model's message: reasoning fields, its content and its tool calls."""
    for key in ("reasoning_content", "reasoning", "thinking"):
        if isinstance(message.get(key), JStr):
            out.kinds.add("reasoning-field")
            render_block(out, message[key], "reasoning")
    content = message.get("content")
    if isinstance(content, JStr):
        render_model_text(out, content)
    elif isinstance(content, list):
        for part in content:
            _model_part(out, part)
    for call in message.get("tool_calls") or ():
        if isinstance(call, JObj):
            _tool_call(out, call)
    legacy = message.get("function_call")
    if isinstance(legacy, JObj):
        render_call(out, legacy.get("name"), legacy.get("arguments"))


def _model_part(out: ViewBuilder, part: Any) -> None:
    if isinstance(part, JStr):
        render_model_text(out, part)
        return
    if not isinstance(part, JObj):
        return
    kind = text_of(part.get("type"))
    if kind in _REASONING_PARTS:
        out.kinds.add("anthropic" if kind == "thinking" else "reasoning-part")
        for key in ("thinking", "reasoning", "text", "summary"):
            if key in part:
                render_value(out, part[key], "reasoning", None)
        out.synthetic("\n\n")
    elif kind in _CALL_PARTS:
        out.kinds.add("anthropic" if kind.endswith("tool_use") else "call-part")
        render_call(out, part.get("name"), part.get("input", part.get("arguments")))
    elif kind == "refusal" and isinstance(part.get("refusal"), JStr):
        render_block(out, part["refusal"], "final")
    elif kind not in ("redacted_thinking", "image", "image_url") and isinstance(
        part.get("text"), JStr
    ):
        render_model_text(out, part["text"])


def render_model_text(out: ViewBuilder, text: JStr) -> None:
    """The model's own text: a JSON answer ({"thoughts":..., "command":...}) by its
    fields, anything else segmented as plain text."""
    inner = nested(text) if text.value.lstrip().startswith("{") else None
    if inner is not None:
        render_object(out, inner, "final", "function")
    else:
        out.string(text, None)
    out.synthetic("\n\n")


def _tool_call(out: ViewBuilder, call: JObj) -> None:
    function = call.get("function")
    if isinstance(function, JObj):
        render_call(out, function.get("name"), function.get("arguments"))
    else:
        # Inspect: {"function": "bash", "arguments": {...}}; LangChain: name / args.
        out.kinds.add("inspect" if isinstance(function, JStr) else "call-part")
        name = function if isinstance(function, JStr) else call.get("name")
        render_call(out, name, call.get("arguments", call.get("args")))


def render_call(out: ViewBuilder, name: Any, arguments: Any, default: str = "function") -> None:
    """A tool call: its name, then its arguments as the action (reasoning fields apart)."""
    tool = text_of(name) or default
    if isinstance(name, JStr):
        out.string(name, "tool_call", tool)
        out.synthetic("\n", "tool_call", tool)
    if isinstance(arguments, JStr):
        inner = nested(arguments)
        if inner is not None:
            out.kinds.add("encoded-arguments")
            render_object(out, inner, "tool_call", tool)
        else:
            out.string(arguments, "tool_call", tool)
    elif isinstance(arguments, JObj):
        render_object(out, arguments, "tool_call", tool)
    else:
        render_value(out, arguments, "tool_call", tool)
    out.synthetic("\n\n")


def _reasoning_item(out: ViewBuilder, item: JObj) -> None:
    for key in ("summary", "content"):
        for part in item.get(key) or ():
            if isinstance(part, JObj) and isinstance(part.get("text"), JStr):
                render_block(out, part["text"], "reasoning")


def render_input(out: ViewBuilder, content: Any, depth: int = 0) -> None:
    """Every text string of an input message, quoted."""
    if isinstance(content, JStr):
        render_block(out, content, "quoted")
    elif isinstance(content, list) and depth < 8:
        for item in content:
            render_input(out, item, depth + 1)
    elif isinstance(content, JObj) and depth < 8:
        if text_of(content.get("type")) == "tool_result":
            out.kinds.add("anthropic")
        for key, value in content.items():
            if key not in _META_KEYS:
                render_input(out, value, depth + 1)


def render_block(out: ViewBuilder, text: JStr, role: str) -> None:
    """One string with one role, as a paragraph."""
    out.string(text, role)
    out.synthetic("\n\n")
