"""The readable view of a structured paste: decoded pieces in order, their roles, and the
map back to the pasted text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.checks.formats.jsondoc import JStr
from bot.checks.formats.offsets import OffsetMap, Piece
from bot.checks.models import CheckResult, Finding, Segment
from bot.checks.transcript import merge_segments, parse_segments


@dataclass(frozen=True)
class Transcript:
    """A pasted text as the checks read it: its ``format``, the ``text`` rules run on (the
    original itself unless ``offsets`` is set), and ``segments`` in that text."""

    format: str
    text: str
    segments: list[Segment]
    offsets: OffsetMap | None = None

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``text`` as a span of the pasted original."""
        return (start, end) if self.offsets is None else self.offsets.span(start, end)

    def to_original(self, result: CheckResult) -> CheckResult:
        """``result`` (computed on ``text``) with every span and segment in the original."""
        if self.offsets is None:
            return result
        result.findings = [self._finding(f) for f in result.findings]
        result.quoted_findings = [self._finding(f) for f in result.quoted_findings]
        result.segments = self.original_segments()
        return result

    def original_segments(self) -> list[Segment]:
        """``segments`` mapped to the original, in order and without overlaps."""
        mapped = sorted(
            (
                Segment(s.role, *self.span_to_original(s.start, s.end), s.tool)
                for s in self.segments
            ),
            key=lambda s: (s.start, s.end),
        )
        out: list[Segment] = []
        for segment in mapped:
            start = max(segment.start, out[-1].end) if out else segment.start
            if segment.end > start:
                out.append(dataclasses.replace(segment, start=start))
        return out

    def _finding(self, finding: Finding) -> Finding:
        spans = tuple(self.span_to_original(s, e) for s, e in finding.spans)
        return dataclasses.replace(finding, spans=spans)


class ViewBuilder:
    """Collects decoded strings and raw slices with their roles, then builds a
    :class:`Transcript`. A role of None means "segment this piece as plain text"."""

    def __init__(self, original: str) -> None:
        self.original = original
        self._parts: list[str] = []
        self._pieces: list[Piece] = []
        self._roles: list[tuple[int, int, str | None, str | None]] = []
        self._length = 0
        self._anchor = 0
        self.kinds: set[str] = set()

    def string(self, node: JStr, role: str | None, tool: str | None = None) -> None:
        """Append a decoded JSON string."""
        if not node.value:
            return
        base = self._length
        self._pieces.extend((base + v, a, b, linear) for v, a, b, linear in node.pieces())
        self._anchor = node.end if node.outer is None else self._pieces[-1][2]
        self._append(node.value, role, tool)

    def raw(self, start: int, end: int, role: str | None, tool: str | None = None) -> None:
        """Append a slice of the original text as it is."""
        if end <= start:
            return
        self._pieces.append((self._length, start, end, True))
        self._anchor = end
        self._append(self.original[start:end], role, tool)

    def synthetic(self, text: str, role: str | None = None, tool: str | None = None) -> None:
        """Append text the view adds (separators); it maps to an empty original span."""
        self._pieces.append((self._length, self._anchor, self._anchor, False))
        self._append(text, role, tool)

    def _append(self, text: str, role: str | None, tool: str | None) -> None:
        self._parts.append(text)
        if role is not None or not text.isspace():
            self._roles.append((self._length, self._length + len(text), role, tool))
        self._length += len(text)

    def build(self, name: str) -> Transcript:
        """The finished transcript in format ``name``."""
        view = "".join(self._parts)
        segments: list[Segment] = []
        for start, end, role, tool in self._roles:
            if role is None:
                piece = view[start:end]
                segments.extend(
                    Segment(s.role, s.start + start, s.end + start, s.tool)
                    for s in parse_segments(piece)
                )
            elif view[start:end].strip():
                segments.append(Segment(role, start, end, tool))
        return Transcript(name, view, merge_segments(segments), OffsetMap(self._pieces, len(view)))
