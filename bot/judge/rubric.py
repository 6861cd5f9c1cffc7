"""The judge's rubric and prompts: criteria and counter-examples per category, the actuality
and severity scales (``rubric.yaml``), and the system and user prompts built from them
(``system_prompt.md``, ``user_prompt.md``), all versioned by :data:`RUBRIC_VERSION`."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from itertools import count
from string import Template
from typing import Any

import yaml

from bot.checks.models import ACTUALITIES, CATEGORIES, SEVERITIES
from bot.judge.evidence import SentEvidence

# Bump with every change to rubric.yaml or the two prompt files: cached verdicts are keyed
# by it, so a changed rubric is asked again instead of read from the cache.
RUBRIC_VERSION = "2026-12-07.1"
RUBRIC_FILES = ("rubric.yaml", "system_prompt.md", "user_prompt.md")


class RubricError(ValueError):
    """The packaged rubric does not match the categories or scales the checks use."""


def _read(name: str) -> str:
    return files("bot.judge").joinpath(name).read_text(encoding="utf-8")


@cache
def rubric() -> dict[str, Any]:
    """The rubric file, checked against the checks' categories and scales."""
    data = yaml.safe_load(_read("rubric.yaml"))
    if str(data.get("version")) != RUBRIC_VERSION:
        raise RubricError(f"rubric.yaml is version {data.get('version')}, not {RUBRIC_VERSION}")
    if tuple(data["categories"]) != CATEGORIES:
        raise RubricError("rubric.yaml must list exactly the checks' categories, in order")
    if tuple(data["actuality"]) != ACTUALITIES or tuple(data["severity"]) != SEVERITIES:
        raise RubricError("rubric.yaml must define the checks' actuality and severity scales")
    return dict(data)


@cache
def system_prompt() -> str:
    """The system prompt: the task, the evidence's boundary, the rubric, the answer's shape."""
    data = rubric()
    return Template(_read("system_prompt.md")).substitute(
        actuality=_scale(data["actuality"]),
        severity=_scale(data["severity"]),
        categories="\n\n".join(_category(name, data["categories"][name]) for name in CATEGORIES),
        general=_bullets(data["general_counter_examples"]),
        category_names=_names(CATEGORIES),
        actuality_names=_names(ACTUALITIES),
        severity_names=_names(SEVERITIES),
    )


def user_message(sent: SentEvidence) -> str:
    """The user message: the evidence between boundary lines the evidence cannot contain."""
    return Template(_read("user_prompt.md")).substitute(
        length_note=_length_note(sent),
        token=boundary_token(sent.text),
        evidence=sent.text,
    )


def boundary_token(evidence: str) -> str:
    """A code for the boundary lines that does not occur in ``evidence``: derived from the
    evidence itself (the same text is always sent the same way, which the cache relies on),
    and derived again with a counter in the unlikely case the evidence holds it."""
    for salt in count():
        token = _token(f"{salt}:{evidence}")
        if token not in evidence:
            return token
    raise AssertionError("unreachable")


def _token(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _length_note(sent: SentEvidence) -> str:
    if not sent.cut_chars:
        return f"The evidence is complete ({len(sent.text)} characters)."
    return (
        f"The evidence was {sent.original_length} characters long, over the limit sent to "
        f"you: its head and tail are kept and the middle {sent.cut_chars} characters are "
        "cut, at the line marked `[… characters cut …]`. Judge what is left; do not quote "
        "that line."
    )


def _scale(levels: dict[str, str]) -> str:
    return "\n".join(f"- `{name}`: {text}" for name, text in levels.items())


def _category(name: str, entry: dict[str, list[str]]) -> str:
    return (
        f"## {name}\n\nIt is {name} when:\n{_bullets(entry['criteria'])}\n\n"
        f"It is not {name} when:\n{_bullets(entry['counter_examples'])}"
    )


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)
