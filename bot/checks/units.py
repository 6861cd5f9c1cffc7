"""Cut the model-written parts of a text into units the learned layer judges one by one.

A unit is a sentence or a short line of one segment (reasoning, answer or tool call);
quoted input is never a unit. Judging sentences rather than whole documents keeps one
concerning sentence in 40 KB of routine work from being averaged away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.checks.models import Segment

MAX_UNIT = 400
MIN_UNIT = 3
# Sentence ends: a line break, ". " style punctuation followed by space, or CJK/Devanagari
# full stops, which need no space after them.
_BREAK = re.compile(r"\n+|(?<=[.!?;])[ \t]{1,8}|(?<=[。！？；।])")
# The same breaks in text without those full stops, written to start with a character
# class, which ``re`` skips to in C (a search from every position costs three times more).
_SPACED_BREAK = re.compile(r"[\n \t](?:(?<=\n)\n*|(?<=[.!?;][ \t])[ \t]{0,7})")
_UNSPACED_STOP = re.compile(r"[。！？；।]")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence or line of model-written text: its role and its offsets."""

    role: str
    start: int
    end: int


def split_units(text: str, segments: list[Segment]) -> list[Unit]:
    """Units of every non-quoted segment of ``text``, in order."""
    units: list[Unit] = []
    breaks = _BREAK if _UNSPACED_STOP.search(text) else _SPACED_BREAK
    for segment in segments:
        if segment.role != "quoted":
            _add_segment_units(units, text, segment, breaks)
    return units


def _add_segment_units(
    units: list[Unit], text: str, segment: Segment, breaks: re.Pattern[str]
) -> None:
    position = segment.start
    for found in breaks.finditer(text, segment.start, segment.end):
        _add_pieces(units, text, segment.role, position, found.start())
        position = found.end()
    _add_pieces(units, text, segment.role, position, segment.end)


def _add_pieces(units: list[Unit], text: str, role: str, start: int, end: int) -> None:
    """The span as one unit, or cut at spaces into pieces of at most ``MAX_UNIT``."""
    while end - start > MAX_UNIT:
        cut = text.rfind(" ", start + MAX_UNIT // 2, start + MAX_UNIT)
        cut = start + MAX_UNIT if cut < 0 else cut
        if cut - start >= MIN_UNIT:
            units.append(Unit(role, start, cut))
        start = cut + 1
    if end - start >= MIN_UNIT:
        units.append(Unit(role, start, end))
