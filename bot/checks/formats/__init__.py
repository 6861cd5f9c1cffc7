"""Read a pasted transcript in the format it came in.

``read_transcript(text)`` detects the format from the text itself: JSON chat messages
(OpenAI, Anthropic, the Responses API, an Inspect AI sample or log, Gemini contents and
Gemini CLI sessions and checkpoints, LangChain / LangGraph message dumps), Codex CLI logs
and single Codex records, JSONL event logs,
AutoGen console logs, the console output of other agent frameworks (OpenHands, LangChain,
CrewAI, harmony, SWE-agent), plain text with role headers, or plain text.
Structured formats get a decoded view (the text the rules read) with a map back to the
pasted original; plain text is its own view.
"""

from __future__ import annotations

import re

from bot.checks.formats.agents import read_agent_log
from bot.checks.formats.autogen import read_autogen
from bot.checks.formats.markers import read_markers
from bot.checks.formats.structured import read_json
from bot.checks.formats.view import Transcript
from bot.checks.transcript import parse_segments

__all__ = ["Transcript", "read_transcript"]

_LEADING_SPACE = re.compile(r"\s*")


def read_transcript(text: str) -> Transcript:
    """``text`` as the checks read it: format, view, segments and the way back."""
    start = _LEADING_SPACE.match(text).end()  # type: ignore[union-attr]
    if start < len(text) and text[start] in "[{":
        found = read_json(text, start)
        if found is not None:
            return found
    return (
        read_autogen(text)
        or read_agent_log(text)
        or read_markers(text)
        or Transcript("plain", text, parse_segments(text))
    )
