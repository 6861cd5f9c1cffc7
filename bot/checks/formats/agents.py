"""The console and log output of agent frameworks, each read by its own module:
OpenHands event logs, LangChain ``AgentExecutor`` runs, CrewAI runs (headed or boxed),
OpenAI harmony transcripts, SWE-agent trajectories and Claude Code sessions."""

from __future__ import annotations

from collections.abc import Callable

from bot.checks.formats.claude_code import read_claude_code
from bot.checks.formats.crewai import read_crewai
from bot.checks.formats.crewai_panels import read_crewai_panels
from bot.checks.formats.harmony import read_harmony
from bot.checks.formats.langchain import read_langchain
from bot.checks.formats.openhands import read_openhands
from bot.checks.formats.sweagent import read_sweagent
from bot.checks.formats.view import Transcript

# OpenHands comes before SWE-agent: its ``COMMAND:`` field line is a SWE-agent header.
_READERS: tuple[Callable[[str], Transcript | None], ...] = (
    read_harmony,
    read_openhands,
    read_crewai,
    read_crewai_panels,
    read_langchain,
    read_sweagent,
    read_claude_code,
)


def read_agent_log(text: str) -> Transcript | None:
    """``text`` read as the first agent framework's output it is, or None."""
    for reader in _READERS:
        found = reader(text)
        if found is not None:
            return found
    return None
