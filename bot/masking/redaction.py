"""Credentials and personal data masked in any text shown to people or written out.

Evidence has its sensitive spans stored as findings when it is reported; every other
free-text field (titles, model names, notes, close summaries) and every export is scanned
here with the same patterns the quick checks use (the ``secrets`` and ``pii`` rule packs,
regex only: no segmentation, no learned layer), so one rule decides what is masked
wherever a text is shown.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from bot.checks.engine import CheckEngine
from bot.checks.rules import load_packs

MASKED_CATEGORIES = ("secrets", "pii")
BULLET = "•"
# One fixed run for every value: neither a character nor the length of a secret shows.
MASK = BULLET * 8
# Public prefixes that say which vendor issued a key (useful in triage, secret in nothing).
# Kept only when at least 16 token characters follow, so a short password that happens to
# start like one is masked whole.
_VENDOR_KEY = re.compile(
    r"(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|xapp-|"
    r"[sr]k_live_|sk-ant-|sk-(?:proj-|svcacct-|admin-)?|AIza|"
    r"https://hooks\.slack\.com/services/)[A-Za-z0-9_/+=.-]{16,}"
)
# A private key block keeps its armour lines, which name the kind of key and nothing more.
KEY_MASK = "[private key masked]"
_KEY_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")

Span = tuple[int, int]
# Evidence is shown again and again (every redraw of a post, every /safety show) and never
# changes: the spans of long texts are remembered by digest, short ones are cheap to find.
_REMEMBER_FROM = 4096
_REMEMBERED = 64


def merge_spans(spans: Iterable[Span], length: int) -> list[Span]:
    """Clamp spans to ``[0, length]``, drop empty ones, merge overlapping and touching ones."""
    merged: list[Span] = []
    for start, end in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def masked_form(secret: str) -> str:
    """The masked form of one sensitive value: ``AKIA••••••••`` for a vendor's key,
    ``-----BEGIN RSA PRIVATE KEY----- [private key masked] -----END RSA PRIVATE KEY-----``
    for a key block, else ``••••••••``."""
    block = _KEY_BEGIN.match(secret)
    if block is not None:
        close = f"-----END {block.group(1)}-----"
        return f"{block.group()} {KEY_MASK}" + (f" {close}" if secret.endswith(close) else "")
    vendor = _VENDOR_KEY.fullmatch(secret)
    return (vendor.group(1) if vendor else "") + MASK


def mask(text: str, spans: Iterable[Span]) -> str:
    """Replace each ``(start, end)`` span of ``text`` with its masked form.

    Spans may overlap, touch, be unsorted or reach past the text.
    """
    parts: list[str] = []
    position = 0
    for start, end in merge_spans(spans, len(text)):
        parts.append(text[position:start])
        parts.append(masked_form(text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)


FRAGMENT = 8
# Where a quote of evidence may cut a secret: before an ellipsis, after an opening quote.
_CUT_AFTER = re.compile("…")
_CUT_BEFORE = re.compile('["“(]')


def mask_fragments(text: str, secrets: Iterable[str], min_length: int = FRAGMENT) -> str:
    """Mask every piece of ``text`` that is part of one of ``secrets``.

    For text that quotes evidence at unknown offsets and may cut a secret anywhere (the
    checks' one-line summary): every run of ``min_length`` characters shared with a
    secret is masked, every whole occurrence of a shorter secret, and a shorter piece
    where a quote cuts a secret: its start before a ``…``, its end after an opening quote.
    """
    unique = {s for s in secrets if s}
    joined = "\x00".join(s for s in unique if len(s) >= min_length)
    spans: list[tuple[int, int]] = []
    if joined:
        last = len(text) - min_length + 1
        spans = [(i, i + min_length) for i in range(last) if text[i : i + min_length] in joined]
    for short in (s for s in unique if len(s) < min_length):
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(short), text)]
    return mask(text, spans + _cut_pieces(text, unique, min_length))


def _cut_pieces(text: str, secrets: set[str], longest: int) -> list[tuple[int, int]]:
    """Pieces of 2 to ``longest`` characters where a quote cut a secret short."""
    spans: list[tuple[int, int]] = []
    for cut in (m.start() for m in _CUT_AFTER.finditer(text)):
        for size in range(min(longest, cut), 1, -1):
            if any(s.startswith(text[cut - size : cut]) for s in secrets):
                spans.append((cut - size, cut))
                break
    for opening in (m.end() for m in _CUT_BEFORE.finditer(text)):
        for size in range(min(longest, len(text) - opening), 1, -1):
            if any(s.endswith(text[opening : opening + size]) for s in secrets):
                spans.append((opening, opening + size))
                break
    return spans


class Redactor:
    """Finds credentials and personal data in a text and masks them."""

    def __init__(self, engine: CheckEngine) -> None:
        self._engine = engine
        self._known: OrderedDict[bytes, list[Span]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, extra_rule_dirs: Sequence[Path] = ()) -> Redactor:
        """A redactor over the built-in ``secrets`` and ``pii`` packs plus operators' extras."""
        packs = load_packs(tuple(extra_rule_dirs))
        return cls(CheckEngine({name: packs[name] for name in MASKED_CATEGORIES}, {}))

    def spans(self, text: str) -> list[Span]:
        """Where ``text`` holds a credential or a piece of personal data."""
        if len(text) < _REMEMBER_FROM:
            return self._find(text)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
        with self._lock:
            known = self._known.get(digest)
            if known is not None:
                self._known.move_to_end(digest)
                return list(known)
        found = self._find(text)
        with self._lock:
            self._known[digest] = found
            while len(self._known) > _REMEMBERED:
                self._known.popitem(last=False)
        return list(found)

    def _find(self, text: str) -> list[Span]:
        found = self._engine.match_patterns(text, MASKED_CATEGORIES)
        return sorted({(int(a), int(b)) for f in found for a, b in f.spans})

    def text(self, text: str | None) -> str:
        """``text`` with every credential and piece of personal data masked (not escaped)."""
        if not text:
            return text or ""
        return mask(text, self.spans(text))

    def evidence(self, text: str, known: Iterable[Span] = ()) -> str:
        """Evidence masked at its stored sensitive spans and wherever the patterns match now."""
        return mask(text, [*known, *self.spans(text)])


@cache
def default_redactor() -> Redactor:
    """The redactor over the built-in packs, built on first use and shared."""
    return Redactor.load()
