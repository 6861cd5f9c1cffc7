"""Who speaks in a plain-text transcript: whether a speaker, prompt or author name is the
model or its input, and what the first lines of an agent log say about the agent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.checks.line_shapes import CALL_NAME, QUALIFIER

# Words that make a speaker, prompt or author the model ("status-agent", "[ASSISTENT]",
# "ops-bot>") or someone else ("[USER]", "tool>").
MODEL_WORDS = frozenset(
    {"assistant", "assistent", "assistente", "asistente", "ai", "ki", "ia", "model", "modell",
     "agent", "bot", "chatbot", "copilot", "llm"}
)  # fmt: skip
INPUT_WORDS = frozenset(
    {"user", "nutzer", "benutzer", "utilisateur", "usuario", "usuário", "human", "customer",
     "client", "kunde", "cliente", "operator", "system", "tool", "result", "output",
     "observation", "environment", "env", "developer", "inbox", "context", "document",
     "email", "mail", "prompt", "task", "input", "stdout", "stderr"}
)  # fmt: skip
REASONING_WORDS = re.compile(
    r"reasoning|thinking|thought|trace|scratchpad|überlegung|raisonnement|razonamiento", re.I
)
WORD_SPLIT = re.compile(r"[\s_.@#-]+")
HEAD_SPLIT = re.compile(r"\s(?:—|–|-|:|\()|[—–:(,]")
# The first lines of an agent log name the agent: "[support-agent | ticket #1]",
# 'Acme — support assistant "Fen" | export', "Modell: mira-2".
AGENT_HEADER = re.compile(r"(?:agent|bot|assistant|assistent|copilot)\b|\bmodell?\s{0,2}:", re.I)
AGENT_NAME = re.compile(
    r"(?:assistant|assistent|agent|bot|copilot|persona)\s{0,3}(?:named\s{1,3}|called\s{1,3})?"
    r"[\"“«„‘']\s{0,2}([^\"”»“‘’'\n]{1,30})[\"”»“’']"
    r"|\bmodell?\s{0,2}:\s{0,2}([\w.-]{1,40})",
    re.I,
)
NAME_LINE = re.compile(
    rf"^\s{{0,8}}([A-Za-z][\w'-]{{0,30}}(?:\s[A-Za-z][\w'-]{{0,30}})?){QUALIFIER}\s{{0,2}}:"
)
# The first lines of a channel export: "#inc-web  (Slack, …)", "Microsoft Teams | chat: …".
CHANNEL_HEAD = re.compile(
    r"^\s{0,3}\[?#[A-Za-z][\w.-]{1,80}\b|\b(?:slack|microsoft teams|teams chat|discord|mattermost|"
    r"google chat|rocket\.chat)\b",
    re.I,
)
CALLISH = re.compile(
    rf"(?:call\s{{1,4}}|run\s{{1,4}})?{CALL_NAME}\s?\(|(?:call|tool)\s{{0,2}}:", re.I
)


@dataclass(frozen=True, slots=True)
class Context:
    """What the first lines say about a text: it is an agent's log (``agent``), and the
    names the agent goes by."""

    agent: bool = False
    names: frozenset[str] = frozenset()
    channel: bool = False


NO_CONTEXT = Context()


def read_context(text: str, start: int, end: int) -> Context:
    """The agent header of ``text[start:end]``: its first two non-empty lines."""
    head = [line for line in text[start : min(end, start + 1200)].split("\n") if line.strip()][:2]
    agent = channel = False
    names: set[str] = set()
    for line in head:
        line = line[:300]
        channel = channel or CHANNEL_HEAD.search(line) is not None
        if AGENT_HEADER.search(line):
            agent = True
            for found in AGENT_NAME.finditer(line):
                names.add((found.group(1) or found.group(2)).strip().lower())
    if not (agent or channel):
        return NO_CONTEXT
    return Context(agent, frozenset(names), channel)


@lru_cache(maxsize=4096)
def speaker_kind(name: str) -> str | None:
    """ "model", "input" or None for a speaker, prompt or author name."""
    words = [w for w in WORD_SPLIT.split(name.lower()) if w]
    if not words:
        return None
    if words[0] in INPUT_WORDS:
        return "input"
    if any(w in MODEL_WORDS or w.endswith("bot") for w in words):
        return "model"
    return "input" if any(w in INPUT_WORDS for w in words) else None


def role_of(name: str, context: Context) -> str | None:
    """ "model" for the agent the log's header names, otherwise as :func:`speaker_kind`."""
    if name.lower() in context.names:
        return "model"
    return speaker_kind(name)
