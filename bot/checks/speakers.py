"""Who speaks in a plain-text transcript: whether a speaker, prompt or author name is the
model or its input, and what the first lines of an agent log say about the agent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.checks.line_shapes import APP_POST, BADGE_WORDS, CALL_NAME, QUALIFIER

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
# Apps named after a model family ("Claude APP", "ChatGPT APP") are a model posting.
MODEL_APPS = frozenset(
    {"claude", "chatgpt", "gpt", "gemini", "llama", "mistral", "grok", "perplexity"}
)
# Words of a CI, build or monitoring integration: "ci-bot", "Jenkins Bot", "dependabot".
# An app whose only model word is "bot" and that has one of these posts a pipeline's
# status, not an agent's words.
PIPELINE_WORDS = frozenset(
    {"ci", "cd", "build", "builds", "builder", "pipeline", "pipelines", "jenkins", "github",
     "gitlab", "circleci", "buildkite", "travis", "actions", "dependabot", "renovate",
     "renovatebot", "deploy", "deploys", "release", "releases", "cron", "alert", "alerts",
     "monitor", "monitoring", "uptime", "status", "statuspage", "pagerduty", "opsgenie",
     "sentry", "datadog", "grafana", "jira", "notify", "notifications"}
)  # fmt: skip
_STRONG_MODEL_WORDS = MODEL_WORDS - {"bot", "chatbot"}
MENTION = re.compile(r"(?<![\w.@])@([A-Za-z][\w.-]{0,40})")
CALLISH = re.compile(
    rf"(?:call\s{{1,4}}|run\s{{1,4}})?{CALL_NAME}\s?\(|(?:call|tool)\s{{0,2}}:", re.I
)


@dataclass(frozen=True, slots=True)
class Context:
    """What the first lines say about a text: it is an agent's log (``agent``), and the
    names the agent goes by; in a channel copy with apps' posts, the names people
    @-mention (``addressed``)."""

    agent: bool = False
    names: frozenset[str] = frozenset()
    channel: bool = False
    addressed: frozenset[str] = frozenset()


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
    apps = _app_posts(text, start, end)
    if not (agent or channel or apps):
        return NO_CONTEXT
    mentions = MENTION.findall(text, start, end) if apps else []
    return Context(agent, frozenset(names), channel or apps, frozenset(m.lower() for m in mentions))


def _app_posts(text: str, start: int, end: int) -> bool:
    """Whether an app's author line (with its APP badge) stands anywhere in the region."""
    if not any(text.find(word, start, end) >= 0 for word in BADGE_WORDS):
        return False
    return APP_POST.search(text, start, end) is not None


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


def app_role(name: str, context: Context) -> str:
    """ "model" or "input" for an app posting in a channel copy (``name`` without its
    badge). The model: the agent the log's header names, an app named after a model family,
    an app whose name reads as an agent or assistant, and an app whose name reads as a bot
    or that people @-mention (they talk to it), unless its name is a CI, build or
    monitoring integration's ("ci-bot", "GitHub"). Every other app is input."""
    lowered = name.lower()
    words = [w for w in WORD_SPLIT.split(lowered) if w]
    if lowered in context.names or any(w in MODEL_APPS for w in words):
        return "model"
    kind = speaker_kind(name)
    if kind == "input":
        return "input"
    if kind == "model" and any(w in _STRONG_MODEL_WORDS for w in words):
        return "model"
    if any(w in PIPELINE_WORDS or w.removesuffix("bot") in PIPELINE_WORDS for w in words):
        return "input"
    addressed = {lowered, lowered.replace(" ", ""), lowered.replace(" ", "-"), words[0]}
    return "model" if kind == "model" or addressed & context.addressed else "input"
