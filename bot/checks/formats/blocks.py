"""Pieces the log readers share: how far into a text a format is detected, headed
blocks cut at the next header, a slice segmented as plain text, and a slice given one
role.

Every reader of a console log points its segments straight into the pasted text, so no
view or offset map is needed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.checks.models import Segment
from bot.checks.transcript import parse_segments

# The first 64 KB are enough to tell a log's format, and bound the detection cost.
PREFIX = 65_536


def cut(heads: Sequence[re.Match[str]], end: int) -> Iterator[tuple[re.Match[str], int]]:
    """Each header with where its block ends: at the next header, or at ``end``."""
    for k, head in enumerate(heads):
        yield head, heads[k + 1].start() if k + 1 < len(heads) else end


def plain(text: str, start: int, end: int) -> list[Segment]:
    """``text[start:end]`` segmented as plain text, in the offsets of ``text``."""
    if end <= start:
        return []
    return [
        Segment(s.role, s.start + start, s.end + start, s.tool)
        for s in parse_segments(text[start:end])
    ]


def fixed(text: str, role: str, start: int, end: int, tool: str | None = None) -> list[Segment]:
    """``text[start:end]`` as one segment of ``role``, or nothing when it is blank."""
    if end <= start or not text[start:end].strip():
        return []
    return [Segment(role, start, end, tool if role == "tool_call" else None)]


def count_at_least(pattern: re.Pattern[str], text: str, needed: int) -> bool:
    """True when ``pattern`` matches ``needed`` times in the first 64 KB of ``text``."""
    found = pattern.finditer(text, 0, PREFIX)
    return all(next(found, None) is not None for _ in range(needed))
