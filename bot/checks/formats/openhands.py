"""OpenHands (OpenDevin) event logs: each event printed as a bold header such as
``**CmdRunAction (source=EventSource.AGENT)**`` or ``**MessageAction** (source=…)``
over its fields (``THOUGHT:``, ``COMMAND:``, ``CODE:``, ``CONTENT:``).

An observation (``CmdOutputObservation``, ``FileReadObservation``, …) and any event from
the user or the environment is ``quoted``. The agent's ``MessageAction`` and
``AgentFinishAction`` are its message (``final``), ``AgentThinkAction`` its reasoning, and
any other agent action (``CmdRunAction``, ``IPythonRunCellAction``, ``FileEditAction``,
``BrowseURLAction``) a ``tool_call`` whose ``THOUGHT:`` field is reasoning.
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX, count_at_least, cut, fixed, plain
from bot.checks.formats.markers import call_segments
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.transcript import merge_segments

# An event header, with the log's timestamp line above it if any ("05:23:08 - ACTION").
_HEAD = re.compile(
    r"^(?:[ \t]*\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,6})? - (?:ACTION|OBSERVATION)\b[^\n]{0,200}\n)?"
    r"\*\*(?P<name>[A-Z][A-Za-z]{0,40}(?P<kind>Action|Observation))\b[^\n*]{0,200}\*\*"
    r"[^\n]{0,200}$",
    re.M,
)
_SOURCE = re.compile(r"source=(?:EventSource\.)?(\w+)", re.I)
_MESSAGES = frozenset({"MessageAction", "AgentFinishAction", "AgentRejectAction"})
_QUIET = frozenset({"SystemMessageAction", "RecallAction", "ChangeAgentStateAction", "NullAction"})
_TOOLS = {
    "CmdRunAction": "bash",
    "IPythonRunCellAction": "ipython",
    "FileEditAction": "file_edit",
    "FileWriteAction": "file_write",
    "FileReadAction": "file_read",
    "BrowseURLAction": "browser",
    "BrowseInteractiveAction": "browser",
    "AgentDelegateAction": "delegate",
}
_THOUGHT = re.compile(r"^(?:THOUGHT|Thought)[ \t]*:", re.M)
_FIELD = re.compile(r"^[A-Z][A-Za-z_ ]{1,30}:", re.M)


def read_openhands(text: str) -> Transcript | None:
    """Segments of an OpenHands event log, or None unless the first 64 KB hold two
    event headers, one of them an action."""
    if "Action" not in text[:PREFIX]:  # a cheap test before the header pattern
        return None
    if not count_at_least(_HEAD, text, 2) or not _has_action(text):
        return None
    heads = list(_HEAD.finditer(text))
    segments = plain(text, 0, heads[0].start())
    for head, end in cut(heads, len(text)):
        segments.extend(_event(text, head, end))
    return Transcript("openhands", text, merge_segments(segments))


def _has_action(text: str) -> bool:
    return any(m.group("kind") == "Action" for m in _HEAD.finditer(text, 0, PREFIX))


def _event(text: str, head: re.Match[str], end: int) -> list[Segment]:
    name, start = head.group("name"), head.start()
    source = _SOURCE.search(head.group(0))
    by_agent = source is None or source.group(1).lower() == "agent"
    if head.group("kind") == "Observation" or not by_agent or name in _QUIET:
        return fixed(text, "quoted", start, end)
    if name == "AgentThinkAction":
        return fixed(text, "reasoning", start, end)
    if name in _MESSAGES:
        return _message(text, start, end)
    tool = _TOOLS.get(name) or _snake(name.removesuffix("Action"))
    return call_segments(text, start, head.end(), end, tool)


def _message(text: str, start: int, end: int) -> list[Segment]:
    """The agent's message: ``final``, except a ``THOUGHT:`` field up to the next field."""
    thought = _THOUGHT.search(text, start, end)
    if thought is None:
        return fixed(text, "final", start, end)
    following = _FIELD.search(text, thought.end(), end)
    stop = following.start() if following else end
    return (
        fixed(text, "final", start, thought.start())
        + fixed(text, "reasoning", thought.start(), stop)
        + fixed(text, "final", stop, end)
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower() or "action"
