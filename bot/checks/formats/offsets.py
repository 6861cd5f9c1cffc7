"""Piecewise maps from a decoded view of a text back to the text it was read from.

A piece is ``(view_start, orig_start, orig_end, linear)``. A linear piece maps view
character ``i`` to the single original character ``orig_start + i - view_start``; any
other piece maps each of its characters to the whole range ``orig_start..orig_end`` (an
escape such as ``\\u00fc`` is six original characters for one decoded one, and text the
view adds itself maps to an empty range). A span is never mapped to characters outside
the JSON string it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

Piece = tuple[int, int, int, bool]


class OffsetMap:
    """View offsets to original offsets, looked up with ``bisect``."""

    __slots__ = ("_length", "_pieces", "_view_starts")

    def __init__(self, pieces: list[Piece], view_length: int) -> None:
        self._pieces = pieces
        self._view_starts = [piece[0] for piece in pieces]
        self._length = view_length

    def char(self, index: int) -> tuple[int, int]:
        """Original range of the view character at ``index``."""
        k = bisect_right(self._view_starts, index) - 1
        if k < 0:
            return 0, 0
        view_start, orig_start, orig_end, linear = self._pieces[k]
        if not linear:
            return orig_start, orig_end
        offset = min(orig_start + index - view_start, max(orig_start, orig_end - 1))
        return offset, offset + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original half-open span covering the view span ``start..end``."""
        if end <= start:
            point = self.char(start)[0]
            return point, point
        first = self.char(start)[0]
        return first, max(first, self.char(end - 1)[1])

    def split(self, start: int, end: int) -> Iterator[Piece]:
        """The pieces of this map over view ``start..end``, cut to that range; each is
        yielded as ``(view_start, orig_start, orig_end, linear)`` in this map's view."""
        k = max(0, bisect_right(self._view_starts, start) - 1)
        while k < len(self._pieces) and self._view_starts[k] < end:
            view_start, orig_start, orig_end, linear = self._pieces[k]
            stop = self._view_starts[k + 1] if k + 1 < len(self._pieces) else self._length
            low, high = max(start, view_start), min(end, stop)
            if low < high:
                if linear:
                    shift = orig_start - view_start
                    yield low, low + shift, high + shift, True
                else:
                    yield low, orig_start, orig_end, False
            k += 1


def compose(pieces: list[Piece], outer: OffsetMap | None) -> list[Piece]:
    """Pieces whose original offsets point into a decoded string, carried through that
    string's own map (``outer``) to the original text."""
    if outer is None:
        return pieces
    out: list[Piece] = []
    for view_start, orig_start, orig_end, linear in pieces:
        if not linear:
            first, last = outer.span(orig_start, orig_end)
            out.append((view_start, first, last, False))
            continue
        for low, sub_start, sub_end, sub_linear in outer.split(orig_start, orig_end):
            out.append((view_start + low - orig_start, sub_start, sub_end, sub_linear))
    return out
