"""Where a piece of text falls in a read transcript, and what the rules found there: the
lookups the format tests share."""

from __future__ import annotations

from bot.checks.formats import Transcript
from bot.checks.models import CheckResult, Finding, Segment


def segment_at(transcript: Transcript, needle: str) -> Segment | None:
    """The view segment holding the start of ``needle`` (None: in no segment)."""
    at = transcript.text.index(needle)
    return next((s for s in transcript.segments if s.start <= at < s.end), None)


def role_at(transcript: Transcript, needle: str) -> str:
    """The role of the segment holding ``needle``, or "none"."""
    found = segment_at(transcript, needle)
    return found.role if found else "none"


def role_and_tool_at(transcript: Transcript, needle: str) -> tuple[str, str | None]:
    """(role, tool) of the segment holding ``needle``, or ("none", None)."""
    found = segment_at(transcript, needle)
    return (found.role, found.tool) if found else ("none", None)


def rule_findings(result: CheckResult, category: str) -> list[Finding]:
    """The findings of ``category`` the rules made (the learned layer's left out)."""
    return [
        f for f in result.findings if f.category == category and not f.check_id.endswith(".learned")
    ]
