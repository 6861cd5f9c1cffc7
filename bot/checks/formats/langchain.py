"""LangChain ``AgentExecutor`` verbose output for tool-calling agents: the run sits
between ``> Entering new AgentExecutor chain...`` and ``> Finished chain.``, each call
is a line ``Invoking: `tool` with `{args}``` (with the model's words after
``responded:``), and the tool's output follows it up to the next call.

The model's final answer is printed straight after the last output, with no marker of
its own: it is the paragraphs of prose after that output. A paragraph after an output
that opens with a reasoning label (``Thinking:``, ``Internal:``, ``[reasoning]``) is the
model's reasoning before its next call. ReAct runs (``Thought:`` /
``Action:`` / ``Observation:`` / ``Final Answer:``) carry their own markers and stay
with the plain-text reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.checks.formats.blocks import PREFIX, cut, fixed, plain
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.transcript import merge_segments

_CHAIN = re.compile(
    r"^[ \t]*> (?:Entering new [\w.]{1,60} chain\.\.\.|Finished chain\.)[ \t]*$", re.M
)
_INVOKE = re.compile(r"^[ \t]*Invoking: `(?P<tool>[^`\n]{1,80})` with `", re.M)
# The arguments run to the backtick that ends a line (a repr may hold newlines).
_ARGS_END = re.compile(r"`[ \t]*$", re.M)
_RESPONDED = re.compile(r"[ \t]*\n?[ \t]*responded:")
_PARAGRAPH = re.compile(r"\n[ \t]*\n(?=[ \t]*\S)")
# A prose line: starts with a word or markdown, holds several words, is no log line.
_PROSE = re.compile(r"[ \t]{0,3}(?:[*#>-]{1,3}[ \t]?)?[A-Z][a-z']{0,20}[,:]?[ \t](?:\S+[ \t]){2}")
_STAMP = re.compile(r"[ \t]*(?:[A-Z][a-z]{2} \d|\d{1,4}[-:/])")
_THINKING = (
    r"(?:internal(?: reasoning| thoughts?| notes?)?|reasoning|thinking|thoughts?|scratchpad)"
)
_REASONING = re.compile(
    rf"[ \t]{{0,3}}(?:\[[^\]\n]{{0,30}}\b{_THINKING}\b[^\]\n]{{0,30}}\]|{_THINKING}[ \t]*:)", re.I
)


def read_langchain(text: str) -> Transcript | None:
    """Segments of an AgentExecutor run, or None unless the first 64 KB hold a chain
    line and an ``Invoking:`` call."""
    if "Invoking: `" not in text[:PREFIX]:  # a cheap test before the line patterns
        return None
    if _CHAIN.search(text, 0, PREFIX) is None or _INVOKE.search(text, 0, PREFIX) is None:
        return None
    calls = list(_INVOKE.finditer(text))
    segments = plain(text, 0, calls[0].start())
    for call, end in cut(calls, len(text)):
        segments.extend(_call(text, call, end, last=end == len(text)))
    return Transcript("langchain", text, merge_segments(segments))


def _call(text: str, call: re.Match[str], end: int, *, last: bool) -> list[Segment]:
    """One call: its line, the model's ``responded:`` words, then the tool's output (and,
    after the last call, the answer and the chain lines)."""
    tool = call.group("tool").strip()
    closing = _ARGS_END.search(text, call.end(), end)
    args_end = closing.end() if closing else end
    out = fixed(text, "tool_call", call.start(), args_end, tool)
    position = args_end
    responded = _RESPONDED.match(text, position, end)
    if responded:
        stop = _paragraph_end(text, responded.end(), end)
        out += fixed(text, "final", position, stop)
        position = stop
    chain = _CHAIN.search(text, position, end)
    output_end = chain.start() if chain else end
    thought = _after_output(text, position, output_end, _is_reasoning)
    answer = _after_output(text, position, thought, _is_prose) if last or chain else thought
    out += fixed(text, "quoted", position, answer)
    out += fixed(text, "final", answer, thought)
    out += fixed(text, "reasoning", thought, output_end)
    if chain:
        out += plain(text, chain.start(), end)
    return out


def _paragraph_end(text: str, start: int, end: int) -> int:
    found = _PARAGRAPH.search(text, start, end)
    return found.start() if found else end


def _after_output(text: str, start: int, end: int, opens: Callable[[str, int, int], bool]) -> int:
    """Where the model speaks again in ``text[start:end]``: the first paragraph after the
    output's first that ``opens`` accepts; ``end`` when there is none."""
    first = _PARAGRAPH.search(text, _skip_blank(text, start, end), end)
    while first is not None:
        at = first.end()
        if opens(text, at, end):
            return at
        first = _PARAGRAPH.search(text, at, end)
    return end


def _is_prose(text: str, at: int, end: int) -> bool:
    return bool(_PROSE.match(text, at, end)) and not _STAMP.match(text, at, end)


def _is_reasoning(text: str, at: int, end: int) -> bool:
    return _REASONING.match(text, at, end) is not None


def _skip_blank(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start
