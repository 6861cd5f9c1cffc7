"""JSON values that remember where each of their strings sits in the pasted text.

``json.loads`` (in C) builds the value; one regex pass then finds the string literals in
document order, and a walk over the value in the same order pairs each decoded string
with its literal. That is exact for valid JSON, where a quote outside a string always
opens one. Objects keep every key/value pair in order (``object_pairs_hook``), so
duplicate keys cannot shift the pairing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.checks.formats.offsets import OffsetMap, Piece, compose

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_ESCAPE = re.compile(
    r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)",
    re.DOTALL,
)


class _Pairs(list[tuple[str, Any]]):
    """An object as json decoded it: its (key, value) pairs in order."""


@dataclass(frozen=True, slots=True)
class JStr:
    """A decoded string and the literal it came from (``start`` is the opening quote)."""

    value: str
    start: int
    end: int
    source: str
    outer: OffsetMap | None

    def pieces(self) -> list[Piece]:
        """Offset pieces of ``value`` (view offsets from 0) into the original text."""
        raw_start, raw_end = self.start + 1, self.end - 1
        if self.source.find("\\", raw_start, raw_end) < 0:
            return compose([(0, raw_start, raw_end, True)], self.outer)
        pieces: list[Piece] = []
        view, position = 0, raw_start
        for match in _ESCAPE.finditer(self.source, raw_start, raw_end):
            if match.start() > position:
                pieces.append((view, position, match.start(), True))
                view += match.start() - position
            pieces.append((view, match.start(), match.end(), False))
            view += 1
            position = match.end()
        if position < raw_end:
            pieces.append((view, position, raw_end, True))
        return compose(pieces, self.outer)

    def offsets(self) -> OffsetMap:
        """This string's own map, for JSON nested inside it."""
        return OffsetMap(self.pieces(), len(self.value))


class JObj(dict[str, Any]):
    """A JSON object; ``keys_at`` holds each key's literal."""

    __slots__ = ("keys_at",)

    def __init__(self) -> None:
        super().__init__()
        self.keys_at: dict[str, JStr] = {}


def load(
    source: str, start: int = 0, end: int | None = None, outer: OffsetMap | None = None
) -> Any:
    """Parse ``source[start:end]`` into JObj / list / JStr / scalars; raise ValueError on
    anything that is not one complete JSON value."""
    end = len(source) if end is None else end
    try:
        value = json.loads(source[start:end], object_pairs_hook=_Pairs, strict=False)
        tokens = (m.span() for m in _STRING.finditer(source, start, end))
        return _attach(value, tokens, source, outer)
    except (RecursionError, StopIteration) as exc:
        raise ValueError("JSON too deep or misaligned") from exc


def filled_lines(text: str) -> Iterator[tuple[int, int]]:
    """The span of each line of ``text`` that holds more than whitespace (a JSONL log's
    records and whatever else it holds)."""
    position = 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if text[position:end].strip():
            yield position, end
        position = end + 1


def line_object(text: str, start: int, end: int) -> JObj | None:
    """The JSON object ``text[start:end]`` holds, or None when it holds none."""
    if not text[start:end].lstrip().startswith("{"):
        return None
    try:
        value = load(text, start, end)
    except ValueError:
        return None
    return value if isinstance(value, JObj) else None


def nested(node: JStr) -> Any:
    """The JSON object encoded inside a string (tool-call arguments), or None."""
    text = node.value
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        value = load(text, outer=node.offsets())
    except ValueError:
        return None
    return value if isinstance(value, JObj) else None


def _attach(
    value: Any, tokens: Iterator[tuple[int, int]], source: str, outer: OffsetMap | None
) -> Any:
    if isinstance(value, str):
        start, end = next(tokens)
        return JStr(value, start, end, source, outer)
    if isinstance(value, _Pairs):
        obj = JObj()
        for key, item in value:
            start, end = next(tokens)
            obj.keys_at[key] = JStr(key, start, end, source, outer)
            obj[key] = _attach(item, tokens, source, outer)
        return obj
    if isinstance(value, list):
        return [_attach(item, tokens, source, outer) for item in value]
    return value


def text_of(node: Any) -> str:
    """The decoded value of a string node, "" for anything else."""
    return node.value if isinstance(node, JStr) else ""
