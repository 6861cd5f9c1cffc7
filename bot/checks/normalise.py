"""Text normalisation for matching, with a map from normalised offsets back to the original.

Matching runs on NFKC-normalised, case-folded text with zero-width and bidi control
characters removed and typographic quotes straightened. ASCII runs (the bulk of real input)
are lowered in one call; only non-ASCII runs are normalised, and a run whose normalised
form keeps its length is mapped one-to-one, so the per-character Python loop only runs for
characters that really change width. The offset map is piecewise linear: a sorted list of
breakpoints, looked up with ``bisect``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"})
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text plus breakpoints mapping each normalised offset to the original."""

    text: str
    original_length: int
    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    linear: tuple[bool, ...]
    # True when every offset maps to itself (normalising changed no character's width).
    identity: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        same = len(self.text) == self.original_length and self.norm_starts == (0,)
        identity = same and self.orig_starts == (0,) and self.linear == (True,)
        object.__setattr__(self, "identity", identity)

    def to_original(self, index: int) -> int:
        """Original offset of the normalised character at ``index`` (clamped to the text)."""
        if self.identity:
            return min(index, self.original_length)
        if not self.norm_starts:
            return min(index, self.original_length)
        k = bisect_right(self.norm_starts, index) - 1
        if k < 0:
            return index
        base = self.orig_starts[k]
        if self.linear[k]:
            return min(base + index - self.norm_starts[k], self.original_length)
        return base

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open normalised span to a half-open original span."""
        if end <= start:
            begin = self.to_original(start)
            return begin, begin
        return self.to_original(start), self.to_original(end - 1) + 1


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` for matching and keep the offset map."""
    if text.isascii():
        return NormalisedText(text.lower(), len(text), (0,), (0,), (True,))
    builder = _Builder()
    position = 0
    for match in _NON_ASCII_RUN.finditer(text):
        if match.start() > position:
            builder.add_linear(text[position : match.start()].lower(), position)
        _add_non_ascii(builder, match.group(), match.start())
        position = match.end()
    if position < len(text):
        builder.add_linear(text[position:].lower(), position)
    return builder.build(len(text))


def _add_non_ascii(builder: _Builder, run: str, origin: int) -> None:
    """Normalise one run of non-ASCII characters, one-to-one when the length is kept."""
    folded = unicodedata.normalize("NFKC", run).casefold().translate(_QUOTES)
    if len(folded) == len(run) and not any(ch in _INVISIBLE for ch in run):
        builder.add_linear(folded, origin)
        return
    for offset, char in enumerate(run):
        if char in _INVISIBLE:
            continue
        piece = unicodedata.normalize("NFKC", char).casefold().translate(_QUOTES)
        if len(piece) == 1:
            builder.add_linear(piece, origin + offset)
        elif piece:
            builder.add_single(piece, origin + offset)


class _Builder:
    """Accumulates normalised pieces and their breakpoints."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.linear: list[bool] = []

    def _mark(self, origin: int, linear: bool) -> None:
        if self.linear and self.linear[-1] and linear:
            expected = self.orig_starts[-1] + self.length - self.norm_starts[-1]
            if expected == origin:
                return
        self.norm_starts.append(self.length)
        self.orig_starts.append(origin)
        self.linear.append(linear)

    def add_linear(self, piece: str, origin: int) -> None:
        """Append a piece that maps one-to-one onto the original from ``origin``."""
        self._mark(origin, True)
        self.parts.append(piece)
        self.length += len(piece)

    def add_single(self, piece: str, origin: int) -> None:
        """Append a piece that all maps to the single original character at ``origin``."""
        self._mark(origin, False)
        self.parts.append(piece)
        self.length += len(piece)

    def build(self, original_length: int) -> NormalisedText:
        """Freeze into a :class:`NormalisedText`."""
        return NormalisedText(
            "".join(self.parts),
            original_length,
            tuple(self.norm_starts),
            tuple(self.orig_starts),
            tuple(self.linear),
        )
