"""OpenAI's harmony format (gpt-oss): messages ``<|start|>role<|channel|>channel
<|message|>…`` ended by ``<|end|>``, ``<|call|>`` or ``<|return|>``.

The assistant's ``analysis`` channel is its reasoning, ``final`` its answer, and a
``commentary`` message addressed ``to=functions.NAME`` (or to a built-in tool such as
``python`` or ``browser.search``) a ``tool_call`` of that tool; a commentary message to
no one is the model's preamble to the user (``final``). Messages from the user, system,
developer or a tool (``<|start|>functions.NAME to=assistant…``) are ``quoted``.
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX, cut, fixed, plain
from bot.checks.formats.view import Transcript
from bot.checks.transcript import merge_segments

# A message header: an optional role, an optional channel, an optional constraint.
_HEAD = re.compile(
    r"(?:<\|start\|>(?P<role>[^<>\n]{1,120}?))?"
    r"(?:<\|channel\|>(?P<channel>[^<>\n]{1,120}?))?"
    r"(?:[ \t]*<\|constrain\|>[^<>\n]{0,40}?)?"
    r"<\|message\|>"
)
_RECIPIENT = re.compile(r"\bto=([\w.:-]{1,80})")
_OPENS = re.compile(r"^[ \t]*<\|(?:start|channel)\|>", re.M)


def read_harmony(text: str) -> Transcript | None:
    """Segments of a harmony transcript, or None unless it holds two messages with a
    role or channel header, and one header in the first 64 KB starts a line."""
    if "<|message|>" not in text[:PREFIX] or _OPENS.search(text, 0, PREFIX) is None:
        return None
    heads = [h for h in _HEAD.finditer(text) if h.group("role") or h.group("channel")]
    if len(heads) < 2:
        return None
    segments = plain(text, 0, heads[0].start())
    for head, end in cut(heads, len(text)):
        role, tool = _role(head)
        segments.extend(fixed(text, role, head.start(), end, tool))
    return Transcript("harmony", text, merge_segments(segments))


def _role(head: re.Match[str]) -> tuple[str, str | None]:
    """(role, tool) of one message from its header."""
    author = (head.group("role") or "assistant").strip()
    channel = (head.group("channel") or "").strip()
    if author.split()[0].lower() != "assistant":
        return "quoted", None
    recipient = _RECIPIENT.search(f"{author} {channel}")
    if recipient and recipient.group(1) not in ("user", "all"):
        return "tool_call", recipient.group(1).removeprefix("functions.")
    kind = channel.split()[0].lower() if channel else "final"
    return ("reasoning" if kind == "analysis" else "final"), None
