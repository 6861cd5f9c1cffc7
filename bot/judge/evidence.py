"""What leaves the process for the judge: the evidence with its credentials and personal data
masked, cut in the middle when it is very long, and a map from the sent text's offsets back
to the evidence's own."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.checks.models import CheckResult
from bot.masking.redaction import MASKED_CATEGORIES, Redactor, Span, masked_form, merge_spans

# About 15,000 tokens of evidence: the whole of nearly every report, and a bound on the cost
# of the few that are longer (agent logs of hours). The head and the tail are kept, since a
# transcript's setup is at its start and what the agent finally did at its end.
MAX_EVIDENCE_CHARS = 60_000


def cut_marker(count: int) -> str:
    """The line that stands where ``count`` characters were cut out of the middle."""
    return f"\n[… {count} characters cut …]\n"


@dataclass(frozen=True)
class Piece:
    """A run of the sent text and the span of the evidence it stands for; ``verbatim`` when
    it is that span's own characters (not a masked value or the cut marker)."""

    sent_start: int
    sent_end: int
    start: int
    end: int
    verbatim: bool


@dataclass(frozen=True)
class SentEvidence:
    """Exactly the text sent to the judge, and where each part of it came from."""

    text: str
    original_length: int
    pieces: tuple[Piece, ...]
    cut_chars: int = 0

    @property
    def content_hash(self) -> str:
        """sha256 of exactly the text sent (the cache's key and the timeline's record)."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    def to_original(self, start: int, end: int) -> tuple[int, int] | None:
        """The evidence's span for the sent span ``[start, end)``; None when it reaches into
        a masked value or the cut marker, whose characters are not the evidence's own."""
        if end <= start:
            return None
        first = last = None
        for piece in self.pieces:
            if piece.sent_end <= start or piece.sent_start >= end:
                continue
            if not piece.verbatim:
                return None
            first = piece if first is None else first
            last = piece
        if first is None or last is None:
            return None
        return (
            first.start + start - first.sent_start,
            last.start + end - last.sent_start,
        )


def sensitive_spans(result: CheckResult) -> list[Span]:
    """The spans of the checks' credential and personal-data findings (in quoted input too):
    they include what needs context to see (a named person's health), which the redactor's
    patterns alone do not mask."""
    findings = [*result.findings, *result.quoted_findings]
    return [span for f in findings if f.category in MASKED_CATEGORIES for span in f.spans]


def prepare(
    text: str,
    redactor: Redactor,
    limit: int = MAX_EVIDENCE_CHARS,
    sensitive: Iterable[Span] = (),
) -> SentEvidence:
    """``text`` masked with ``redactor`` (credentials and personal data) and at the
    ``sensitive`` spans, then cut to ``limit`` characters keeping its head and tail; masking
    first, so a cut never leaves half a secret showing."""
    pieces = _masked_pieces(text, [*redactor.spans(text), *sensitive])
    chunks = [(_sent_text(text, p), p) for p in pieces]
    masked_length = sum(len(chunk) for chunk, _ in chunks)
    cut = 0
    if masked_length > limit:
        chunks, cut = _cut(text, chunks, limit)
    return _assemble(text, chunks, cut)


def _masked_pieces(text: str, spans: list[Span]) -> list[Piece]:
    """The evidence as alternating verbatim runs and masked values (sent offsets unset)."""
    pieces: list[Piece] = []
    position = 0
    for start, end in merge_spans(spans, len(text)):
        if start > position:
            pieces.append(Piece(0, 0, position, start, True))
        pieces.append(Piece(0, 0, start, end, False))
        position = end
    if position < len(text):
        pieces.append(Piece(0, 0, position, len(text), True))
    return pieces


def _sent_text(text: str, piece: Piece) -> str:
    value = text[piece.start : piece.end]
    return value if piece.verbatim else masked_form(value)


Chunk = tuple[str, Piece]


def _cut(text: str, chunks: list[Chunk], limit: int) -> tuple[list[Chunk], int]:
    """Keep about ``limit // 2`` sent characters from each end; a masked value is kept or
    left out whole, a verbatim run may be split."""
    budget = limit // 2
    head = _take(chunks, budget)
    tail = [_reverse(c) for c in _take([_reverse(c) for c in reversed(chunks)], budget)]
    tail.reverse()
    gap_start = head[-1][1].end if head else 0
    gap_end = tail[0][1].start if tail else len(text)
    cut = gap_end - gap_start
    marker = (cut_marker(cut), Piece(0, 0, gap_start, gap_end, False))
    return [*head, marker, *tail], cut


def _take(chunks: list[Chunk], budget: int) -> list[Chunk]:
    """The leading chunks that fit in ``budget`` sent characters, the last one split when
    it is verbatim."""
    taken: list[Chunk] = []
    for sent, piece in chunks:
        if len(sent) <= budget:
            taken.append((sent, piece))
            budget -= len(sent)
            continue
        if piece.verbatim and budget > 0:
            taken.append((sent[:budget], Piece(0, 0, piece.start, piece.start + budget, True)))
        break
    return taken


def _reverse(chunk: Chunk) -> Chunk:
    """A chunk as seen from the end of the text (so ``_take`` can keep the tail); applying
    it twice gives the chunk back."""
    sent, piece = chunk
    return sent[::-1], Piece(0, 0, -piece.end, -piece.start, piece.verbatim)


def _assemble(text: str, chunks: list[Chunk], cut: int) -> SentEvidence:
    parts: list[str] = []
    pieces: list[Piece] = []
    position = 0
    for sent, piece in chunks:
        parts.append(sent)
        pieces.append(Piece(position, position + len(sent), piece.start, piece.end, piece.verbatim))
        position += len(sent)
    return SentEvidence("".join(parts), len(text), tuple(pieces), cut)
