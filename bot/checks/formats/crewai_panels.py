"""CrewAI's boxed console output (its newer verbose mode): each event a panel drawn with
box characters and titled ``🤖 Agent Started``, ``🔧 Agent Tool Execution``,
``Tool Input``, ``Tool Output`` or ``✅ Agent Final Answer``.

The tool execution panel holds the agent's ``Thought:`` (reasoning) and the ``Using
Tool:`` line (a ``tool_call`` of that tool); the ``Tool Input`` panel after it is part of
that call, the ``Tool Output`` panel ``quoted``, the final answer panel ``final``, and
every other panel (the task, crew and task status) and the tree lines between panels
``quoted``.
"""

from __future__ import annotations

import re

from bot.checks.formats.blocks import PREFIX, fixed
from bot.checks.formats.view import Transcript
from bot.checks.models import Segment
from bot.checks.transcript import merge_segments

_PANEL = re.compile(
    r"^╭─+[ \t]?(?P<title>[^─\n]{1,80}?)[ \t]?─+╮[ \t]*\n.*?^╰─+╯[ \t]*$", re.M | re.S
)
_THOUGHT = re.compile(r"^│[ \t]+Thought:", re.M)
_USING = re.compile(r"^│[ \t]+Using Tool:[ \t]*(?P<name>[^│\n]{1,80}?)[ \t]*│?[ \t]*$", re.M)


def read_crewai_panels(text: str) -> Transcript | None:
    """Segments of a boxed CrewAI run, or None unless the first 64 KB hold two panels,
    one titled as an agent's."""
    if "╭" not in text[:PREFIX]:
        return None
    early = list(_PANEL.finditer(text, 0, PREFIX))
    if len(early) < 2 or not any("Agent" in p.group("title") for p in early):
        return None
    segments: list[Segment] = []
    position, tool = 0, "tool"
    for panel in _PANEL.finditer(text):
        segments += fixed(text, "quoted", position, panel.start())
        title = panel.group("title")
        if "Tool Execution" in title:
            tool, found = _execution(text, panel.start(), panel.end(), tool)
            segments += found
        elif "Tool Input" in title:
            segments += fixed(text, "tool_call", panel.start(), panel.end(), tool)
        elif "Final Answer" in title:
            segments += fixed(text, "final", panel.start(), panel.end())
        else:
            segments += fixed(text, "quoted", panel.start(), panel.end())
        position = panel.end()
    segments += fixed(text, "quoted", position, len(text))
    return Transcript("crewai", text, merge_segments(segments))


def _execution(text: str, start: int, end: int, tool: str) -> tuple[str, list[Segment]]:
    """The tool execution panel: quoted frame, the thought, then the call line and on."""
    using = _USING.search(text, start, end)
    stop = using.start() if using else end
    if using:
        tool = using.group("name").strip() or tool
    thought = _THOUGHT.search(text, start, stop)
    reasoning_start = thought.start() if thought else stop
    return tool, (
        fixed(text, "quoted", start, reasoning_start)
        + fixed(text, "reasoning", reasoning_start, stop)
        + fixed(text, "tool_call", stop, end, tool)
    )
