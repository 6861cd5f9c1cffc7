"""The evidence of ``/safety show`` cut into pages that each fit one Slack section.

The sensitive spans are found in the whole evidence first; a page never ends inside one, so
each masked value is masked whole on exactly one page. Pages are 2,400 characters of the
evidence, shorter where escaping would make one too long for a section (a page of ``<`` is
four times longer once escaped) and a little shorter or longer where a masked value would
straddle a page's end. Offsets are into the evidence as reported.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from bot.incidents.errors import InvalidInput
from bot.masking.redaction import mask, merge_spans
from bot.slack.text import code_block

Span = tuple[int, int]
PAGE_SIZE = 2400
CODE_BUDGET = 2800  # escaped characters between the fences; a section holds 3,000
MARK_START, MARK_END = "▶", "◀"


@dataclass(frozen=True)
class Pages:
    """The page bounds of one evidence and the spans masked in it (merged, sorted)."""

    text: str
    masked: list[Span]
    bounds: list[Span]

    @property
    def count(self) -> int:
        return len(self.bounds)

    def bound(self, page: int) -> Span:
        """The ``(start, end)`` of page ``page`` (from 1); a page that does not exist is refused."""
        if not 1 <= page <= self.count:
            raise InvalidInput(
                f"There is no page {page:,} of this evidence: it has {self.count:,} "
                f"{'page' if self.count == 1 else 'pages'}. Nothing was changed."
            )
        return self.bounds[page - 1]

    def page_of(self, offset: int) -> int:
        """The page (from 1) that holds ``offset``."""
        starts = [start for start, _ in self.bounds]
        return max(1, min(self.count, bisect_right(starts, offset)))

    def text_of(self, page: int, mark: Span | None = None) -> str:
        """Page ``page``, masked, with ``mark`` (evidence offsets) between ▶ and ◀."""
        start, end = self.bound(page)
        if mark is None:
            return self.masked_slice(start, end)
        a = self._outside(min(max(mark[0], start), end), to_end=False)
        b = self._outside(min(max(mark[1], start), end), to_end=True)
        if a >= b:
            return self.masked_slice(start, end)
        marked = MARK_START + self.masked_slice(a, b) + MARK_END
        return self.masked_slice(start, a) + marked + self.masked_slice(b, end)

    def masked_slice(self, start: int, end: int) -> str:
        """``text[start:end]`` with the masked spans in it masked."""
        inside = [(a - start, b - start) for a, b in self.masked if b > start and a < end]
        return mask(self.text[start:end], inside)

    def _outside(self, offset: int, *, to_end: bool) -> int:
        """``offset`` moved out of the masked span it falls in: to its start (or end)."""
        for a, b in self.masked:
            if a < offset < b:
                return b if to_end else a
        return offset


def paginate(text: str, spans: Sequence[Span]) -> Pages:
    """Cut ``text`` into pages; ``spans`` are what must be masked."""
    masked = merge_spans(spans, len(text))
    pages = Pages(text, masked, [])
    start = 0
    while start < len(text):
        end = _page_end(pages, start)
        pages.bounds.append((start, end))
        start = end
    if not pages.bounds:
        pages.bounds.append((0, 0))
    return pages


def _page_end(pages: Pages, start: int) -> int:
    """Where the page that begins at ``start`` ends: never inside a masked span."""
    # Back on the 2,400 grid after a page that had to end early or late.
    end = _cut(pages, start, ((start + PAGE_SIZE // 2) // PAGE_SIZE + 1) * PAGE_SIZE)
    while True:
        length = len(code_block(pages.masked_slice(start, end)))
        if length <= CODE_BUDGET:
            return end
        shorter = _cut(pages, start, start + (end - start) * CODE_BUDGET // length)
        if shorter >= end:
            return end  # a page that is one masked value: its masked form is short
        end = shorter


def _cut(pages: Pages, start: int, end: int) -> int:
    """``end`` within the text, moved before the masked span it falls in (after, if that
    span begins the page)."""
    end = max(start + 1, min(end, len(pages.text)))
    for a, b in pages.masked:
        if a < end < b:
            return a if a > start else b
    return end
