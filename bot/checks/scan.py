"""Run regex rules (credentials, personal data) only where a match is possible.

A regex pass of Python's ``re`` over 10 KB costs 0.2–0.8 ms, and the packs hold ~30 regex
rules, so running each over the whole text would alone exceed the 5 ms budget. Two
prefilters confine each rule to small windows:

* **anchors**: literals every match contains (``AKIA``, ``ghp_``, ``@``, ``://``). Every
  rule's anchors are found in one Aho-Corasick pass over the lower-cased text (so
  ``password``, ``Password`` and ``PASSWORD`` are one key), which gives each its first
  offset; a text holding thousands of anchor occurrences is searched anchor by anchor with
  ``str.find`` instead. A rule none of whose anchors occurs is skipped without running its
  regex. A run of dense anchors is crossed in jumps of ``reach`` characters, so the cost
  stays linear even for text made of nothing but anchors.
* **digit clusters**: one pass finds runs of digits joined by at most two separators
  (``+1 (555) 010-0134``, ``4111 1111 …``, ``203.0.113.7``) with their digit count. A rule
  with ``prefilter: digits`` runs only around clusters holding at least ``min_digits``
  digits, so a transcript's dates and line numbers never wake the card-number rule.
  Clusters of more than 41 digits are skipped: no personal-data value is that long.

A rule validated as ``private_key`` matches only the start of a key block (its BEGIN line
and the first characters of the body); its span is stretched here to the block's END line,
or, when the paste was cut off before it, to the end of the base64 body. Each character of
a block is read once: a match that starts inside a block already stretched is skipped, and
the search for an END line remembers where the next one is.

Why not one alternation of every anchor: ``re`` tries each branch at every position, and
on 1 MB that single search costs more than the separate ``str.find`` calls together.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import ahocorasick

from bot.checks.rules import RegexRule
from bot.checks.validators import VALIDATORS

# No look-behind at the start: a pattern that starts with a character class lets ``re``
# skip to the next digit in C. Over-long runs are recognised afterwards (see below).
_CLUSTER = re.compile(r"\d(?:[ ().+/-]{0,2}\d){0,40}")
_LONG_RUN = re.compile(r"\d(?:[ ().+/-]{0,2}\d){41}")
_CONTINUES = re.compile(r"[ ().+/-]{0,2}\d")
# Greedy with nothing after it, so it never backtracks: linear in the run's length.
_RUN = re.compile(r"\d*(?:[ ().+/-]{1,2}\d+)*")
_MAX_DIGITS = 41
_SEPARATORS = str.maketrans("", "", " ().+/-")
_CONTEXT_BEFORE = 120
_CONTEXT_AFTER = 60
_GAP = 96
_SHORT = 4096
_SHARED_DIGITS = 5
_SHARED = (48, 96)
_ANCHOR_HITS = 4096

Span = tuple[int, int]

# Private key blocks. A line break is a real one or an escaped one (``\n`` inside a JSON
# string); a body line is base64 alone on its line; a body joined into one line by spaces
# goes on in chunks of at least 16 characters. Every repeat is bounded and the Python loops
# only move forward, so stretching a block is linear in its length.
_ARMOUR = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]{0,512}")
_CHUNK = re.compile(r" (?=[A-Za-z0-9+/=]{16})")
_BREAK = re.compile(r"[ \t]{0,8}(?:\r?\n|\\r\\n|\\n)[ \t]{0,8}(?=[A-Za-z0-9+/=])")
_LINE_END = re.compile(r"[ \t]{0,8}(?=\r?\n|\\r\\n|\\n|[\"']|\Z)")
_TO_END_LINE = re.compile(r"(?:\s|\\[rn]){0,8}")
_BLOCK_LIMIT = 65_536


class Cluster(NamedTuple):
    """A run of digits and separators: offsets and how many digits it holds (a named
    tuple, quicker to make than a frozen dataclass: a log holds thousands)."""

    start: int
    end: int
    digits: int


def digit_clusters(text: str) -> list[Cluster]:
    """Every digit cluster of ``text`` in order (runs of more than 41 digits left out)."""
    if _LONG_RUN.search(text) is not None:
        return _without_long_runs(text)
    separators = _SEPARATORS
    return [
        Cluster(m.start(), m.end(), len(m.group().translate(separators)))
        for m in _CLUSTER.finditer(text)
    ]


def _without_long_runs(text: str) -> list[Cluster]:
    """The careful path for text holding a run of more than 41 digits: each such run is
    skipped to its end in one C-level step."""
    out: list[Cluster] = []
    search, position = _CLUSTER.search, 0
    while (match := search(text, position)) is not None:
        start, end = match.span()
        digits = len(match.group().translate(_SEPARATORS))
        if digits == _MAX_DIGITS and _CONTINUES.match(text, end) is not None:
            position = _RUN.match(text, end).end()  # type: ignore[union-attr]
            continue
        out.append(Cluster(start, end, digits))
        position = end
    return out


class AnchorIndex:
    """Every anchor of a set of rules in one Aho-Corasick automaton (``pyahocorasick``).

    One pass over a text gives the first offset of every anchor, where a ``str.find`` per
    anchor reads the whole text again for each of the many it does not hold (on 10 KB
    with a few non-ASCII characters, 140 searches cost half a millisecond). A text holding
    more than ``_ANCHOR_HITS`` occurrences (a megabyte made of one anchor) is left to the
    searches, which skip ahead in C.
    """

    def __init__(self, anchors: Iterable[str]) -> None:
        self._anchors = frozenset(anchors)
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for anchor in self._anchors:
            self._automaton.add_word(anchor)
        if self._anchors:
            self._automaton.make_automaton()

    def __contains__(self, anchor: str) -> bool:
        return anchor in self._anchors

    def first_offsets(self, haystack: str) -> dict[str, int]:
        """The first offset of every anchor in ``haystack`` (-1 when absent), or nothing
        when the text holds too many occurrences."""
        if not self._anchors:
            return {}
        first: dict[str, int] = {}
        for hits, (end, length) in enumerate(self._automaton.iter(haystack)):
            if hits == _ANCHOR_HITS:
                return {}
            start = end - length + 1
            first.setdefault(haystack[start : end + 1], start)
        return {anchor: first.get(anchor, -1) for anchor in self._anchors}


class Scanner:
    """The prefilter state of one text: anchor lookups and digit clusters, each computed
    once and shared by every rule (``anchors``: all the rules' anchors, looked up in one
    pass on the first lookup)."""

    def __init__(self, text: str, anchors: AnchorIndex | None = None) -> None:
        self.text = text
        self._anchors = anchors
        lowered = text.lower()
        # ``str.lower`` keeps offsets except for a few characters (such as 'İ'); then the
        # anchors are looked up as written, in the original text.
        self._haystack = lowered if len(lowered) == len(text) else text
        self._folded = self._haystack is lowered
        self._first: dict[str, int] = {}
        self._windows: dict[tuple[str, int, int], list[Span]] = {}
        self._clusters: list[Cluster] | None = None
        self._verdicts: dict[tuple[str, str, str, str], float] = {}
        self._next: dict[str, tuple[int, int]] = {}

    @property
    def clusters(self) -> list[Cluster]:
        """Digit clusters of the text (computed on first use)."""
        if self._clusters is None:
            self._clusters = digit_clusters(self.text)
        return self._clusters

    def _key(self, anchor: str) -> str:
        return anchor.lower() if self._folded else anchor

    def _find_first(self, key: str) -> int:
        """First offset of ``key`` in the text (-1 if absent), memoised."""
        first = self._first.get(key)
        if first is None:
            if self._anchors is not None and key in self._anchors:
                self._first.update(self._anchors.first_offsets(self._haystack))
                self._anchors = None  # one pass per text
                first = self._first.get(key)
            if first is None:
                first = self._first[key] = self._haystack.find(key)
        return first

    def has_any(self, anchors: Sequence[str]) -> bool:
        """True when at least one of ``anchors`` occurs in the text."""
        return any(self._find_first(self._key(anchor)) >= 0 for anchor in anchors)

    def rule_can_match(self, rule: RegexRule) -> bool:
        """True when one of ``rule``'s anchors occurs (a short text is searched directly:
        a substring test costs less than looking it up in the memo)."""
        if not self._folded:
            return self.has_any(rule.anchors)
        haystack = self._haystack
        return any(anchor in haystack for anchor in rule.folded_anchors)

    def windows(self, rule: RegexRule) -> list[Span] | None:
        """Merged windows where ``rule`` can match; None means the whole text."""
        before, after = rule.reach
        if len(self.text) <= _SHORT:
            # A short text is searched whole once the rule can match at all: building
            # windows would cost more than the search.
            if rule.prefilter == "digits":
                wanted = rule.min_digits
                return None if any(c.digits >= wanted for c in self.clusters) else []
            return None if not rule.anchors or self.rule_can_match(rule) else []
        if rule.prefilter == "digits":
            if rule.min_digits <= _SHARED_DIGITS and before <= _SHARED[0] and after <= _SHARED[1]:
                # Rules woken by short clusters share one wider set of windows: the
                # Python work of building them is done once, not once per rule.
                return self._digit_windows(1, *_SHARED)
            return self._digit_windows(rule.min_digits, before, after)
        if not rule.anchors:
            return None
        out: list[Span] = []
        for anchor in rule.folded_anchors if self._folded else dict.fromkeys(rule.anchors):
            if self._find_first(anchor) >= 0:
                out.extend(self._anchor_windows(anchor, before, after))
        return merge_windows(out)

    def _digit_windows(self, min_digits: int, before: int, after: int) -> list[Span]:
        """Merged windows around clusters of at least ``min_digits`` digits (shared by the
        rules that ask for the same ones). Windows closer than _GAP are joined: one regex call over a few extra characters is
        cheaper than a Python-level call per window."""
        key = (f"#{min_digits}", before, after)
        found = self._windows.get(key)
        if found is None:
            found = merge_windows(
                [
                    (max(0, c.start - before), c.end + after)
                    for c in self.clusters
                    if c.digits >= min_digits
                ],
                _GAP,
            )
            self._windows[key] = found
        return found

    def _anchor_windows(self, anchor: str, before: int, after: int) -> list[Span]:
        key = (anchor, before, after)
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = anchor_windows(self._haystack, anchor, before, after)
        return found

    def matches(self, rule: RegexRule) -> list[re.Match[str]]:
        """Matches of ``rule``, searched only in its prefilter's windows (if it has one)."""
        windows = self.windows(rule)
        if windows is None:
            return list(rule.pattern.finditer(self.text))
        out: list[re.Match[str]] = []
        for start, end in windows:
            out.extend(rule.pattern.finditer(self.text, start, min(end, len(self.text))))
        return out

    def rule_hits(self, rule: RegexRule, allowlist: Sequence[str]) -> list[tuple[Span, float]]:
        """Validated, non-allowlisted spans of ``rule`` with their scores."""
        text = self.text
        out: list[tuple[Span, float]] = []
        validator = VALIDATORS.get(rule.validator or "")
        block = rule.validator == "private_key"
        seen: set[Span] = set()
        covered = -1
        for match in self.matches(rule):
            start, end = match.span(rule.group)
            if start < 0 or (start, end) in seen or start < covered:
                continue
            seen.add((start, end))
            lowered = text[start:end].lower()
            if any(item in lowered for item in allowlist):
                continue
            if validator is None:
                factor = 1.0
            else:
                before = text[max(0, start - _CONTEXT_BEFORE) : start]
                after = text[end : end + _CONTEXT_AFTER]
                factor = self._verdict(rule.validator, text[start:end], before, after)
            if factor > 0:
                if block:
                    end = covered = self.key_block_end(start, end)
                out.append(((start, end), rule.score * factor))
        return out

    def key_block_end(self, start: int, end: int) -> int:
        """Where the private key block whose BEGIN line is at ``start`` ends: past its END
        line, or at the end of its body when the END line is missing. ``end`` is where the
        rule's match stopped, inside the body's first line."""
        text = self.text
        armour = _ARMOUR.match(text, start)
        body_end = _body_end(text, end)
        if armour is None:
            return body_end
        close = f"-----END {armour.group(1)}-----"
        after_gap = _TO_END_LINE.match(text, body_end).end()  # type: ignore[union-attr]
        if text.startswith(close, after_gap):
            return after_gap + len(close)
        # Something the body lines do not cover (a quote marker, a comment) sits between:
        # the END line still closes the block when it is near.
        found = self._next_occurrence(close, body_end)
        if found >= 0 and found - start <= _BLOCK_LIMIT:
            return found + len(close)
        return body_end

    def _next_occurrence(self, needle: str, position: int) -> int:
        """The first offset of ``needle`` at or after ``position`` (-1 if none), remembering
        the answer so that later questions about the same needle cost nothing."""
        known = self._next.get(needle)
        if known is not None and known[0] <= position and (known[1] < 0 or known[1] >= position):
            return known[1]
        found = self.text.find(needle, position)
        self._next[needle] = (position, found)
        return found

    def _verdict(self, name: str | None, value: str, before: str, after: str) -> float:
        """A validator's verdict on a value and the text around it, memoised: repeated
        values (pasted logs, adversarial repeats) are validated once."""
        key = (name or "", value, before, after)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = VALIDATORS[name or ""](value, before, after)
        return verdict


def _run_end(text: str, position: int) -> int:
    """The end of the run of base64 characters at ``position``, however long."""
    while True:
        end = _BASE64.match(text, position).end()  # type: ignore[union-attr]
        if end - position < 512:
            return end
        position = end


def _body_end(text: str, position: int) -> int:
    """The end of a key body that goes on at ``position``: the rest of its line (with
    further chunks when the body was joined into one line), then every line of base64."""
    end = _run_end(text, position)
    while (chunk := _CHUNK.match(text, end)) is not None:
        end = _run_end(text, chunk.end())
    while (line_break := _BREAK.match(text, end)) is not None:
        line_end = _run_end(text, line_break.end())
        if _LINE_END.match(text, line_end) is None:
            break
        end = line_end
    return end


def rule_hits(
    text: str, rule: RegexRule, allowlist: Sequence[str] = ()
) -> list[tuple[Span, float]]:
    """Validated, non-allowlisted spans of ``rule`` in ``text`` with their scores."""
    return Scanner(text).rule_hits(rule, allowlist)


def matches(text: str, rule: RegexRule) -> list[re.Match[str]]:
    """Matches of ``rule`` in ``text``, searched only in its prefilter's windows."""
    return Scanner(text).matches(rule)


def anchor_windows(text: str, anchor: str, before: int, after: int | None = None) -> list[Span]:
    """Merged windows from ``before`` characters ahead of every occurrence of ``anchor``
    to ``after`` characters past it (``after`` defaults to ``before``)."""
    after = before if after is None else after
    out: list[Span] = []
    size = len(anchor)
    position = text.find(anchor)
    while position >= 0:
        start, end = max(0, position - before), position + size + after
        while True:
            last = text.rfind(anchor, position + 1, min(len(text), end))
            if last < 0:
                break
            position, end = last, last + size + after
        out.append((start, min(len(text), end)))
        position = text.find(anchor, max(position + 1, end - size + 1))
    return out


def merge_windows(windows: list[Span], gap: int = 0) -> list[Span]:
    """Sort and merge overlapping windows (and those less than ``gap`` apart)."""
    merged: list[Span] = []
    if any(a > b for a, b in itertools.pairwise(windows)):
        windows = sorted(windows)
    for start, end in windows:
        if merged and start <= merged[-1][1] + gap:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
