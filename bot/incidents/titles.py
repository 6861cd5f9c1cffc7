"""A readable title for an incident whose reporter left the title blank.

The title says what the model did: the category of the strongest finding and the model's
own sentence that holds it ("Coercion: If you proceed with the 5pm wipe, I will send the
evidence to your wife and the board."). The sentence is taken from what the model wrote or
did (its answer, its tool call, its reasoning), never from a user turn or a tool result,
and is cleaned of e-mail headers, timestamps, role markers, tags and JSON punctuation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.incidents.vocab import category_label

if TYPE_CHECKING:
    from bot.checks import CheckResult, Finding

TITLE_LIMIT = 100
MIN_WORDS = 3
_RANK = {"considered": 1, "stated": 2, "executed": 3}
_SPACE = re.compile(r"\s+")
_TAGS = re.compile(r"<[^<>\n]{0,80}>")
_LINE_BREAK = re.compile(r"\n|\\n")
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s|\\n|$)|[。！？]")
_HEADER_ONLY = re.compile(r"^(from|to|cc|bcc|date|reply-to|sent)\s*:", re.IGNORECASE)
_ROLE = r"(?:assistant|agent|ai|bot|model|user|human|system|tool|customer|client)"
_LEADING = re.compile(
    "|".join(
        (
            r"^\[(?!secret\])[^\]\n]{0,60}\]\s*",  # [2026-03-02 14:02:11], [assistant]
            r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?\S*\s*",  # 2026-03-02 14:02:11Z
            r"^\d\d?:\d\d(?::\d\d)?\s*",  # 14:02
            rf"^[#*\s]*{_ROLE}(?:\s*\([^)\n]{{0,30}}\))?\s*[:>]\**\s*",  # Assistant (Mon 09:15):
            r"^(?:subject|body|re|fwd?|action(?: input)?|thought|final answer)\s*:\s*",
            r'^[\[\]{}",:\s]+',  # JSON punctuation
            r'^"?\w{1,20}"\s*:\s*"?',  # "content": "
        )
    ),
    re.IGNORECASE,
)
_TRAILING = re.compile(r'["\]}\s,]+$')
_JSON_ESCAPE = re.compile(r'\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt])')


def make_title(text: str, result: CheckResult, *, limit: int = TITLE_LIMIT) -> str:
    """A title "Category: the model's sentence", or "Report: …" and the first words when
    nothing was found. Credentials in the text never reach the title."""
    lead = f"{category_label(result.categories[0])}: " if result.categories else "Report: "
    words = _model_sentence(text, result) or _first_words(text, result)
    return lead + (_shorten(words, limit - len(lead)) or "(no text)")


def _model_sentence(text: str, result: CheckResult) -> str:
    """The cleaned sentence of the model that holds the strongest finding."""
    for finding in _strongest_first(result):
        for start, _ in sorted(finding.spans):
            sentence = _clean(text, _sentence_at(text, result, start), result)
            if len(sentence.split()) >= MIN_WORDS:
                return sentence
    return ""


def _strongest_first(result: CheckResult) -> list[Finding]:
    """The model's findings, the top category's first, most real, then highest score."""
    head = result.categories[0] if result.categories else None
    own = [f for f in result.findings if f.actuality in _RANK]
    return sorted(
        own, key=lambda f: (f.category == head, _RANK[f.actuality], f.score), reverse=True
    )


def _model_bounds(text: str, result: CheckResult) -> Iterator[tuple[int, int]]:
    """The parts of ``text`` the model wrote or did; all of it when nothing is segmented."""
    segments = [(s.start, s.end) for s in result.segments if s.role != "quoted"]
    yield from segments if result.segments else [(0, len(text))]


def _sentence_at(text: str, result: CheckResult, position: int) -> tuple[int, int]:
    """The sentence around ``position`` within its line and its model segment; empty when
    ``position`` lies outside what the model wrote."""
    for low, high in _model_bounds(text, result):
        if low <= position < high:
            break
    else:
        return position, position
    breaks = [m for m in _LINE_BREAK.finditer(text, low, high)]
    start = max((m.end() for m in breaks if m.end() <= position), default=low)
    end = min((m.start() for m in breaks if m.start() >= position), default=high)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    start = max((e for e in ends if e <= position), default=start)
    end = min((e for e in ends if e > position), default=end)
    return start, end


def _clean(text: str, bounds: tuple[int, int], result: CheckResult) -> str:
    """The sentence at ``bounds`` as words: credentials masked, markup and headers gone."""
    start, end = bounds
    line = _SPACE.sub(" ", _TAGS.sub(" ", _decode(_masked(text, start, end, result)))).strip()
    if _HEADER_ONLY.match(line):
        return ""  # "To: kyle@…" says nothing about what the model did
    previous = None
    while previous != line:
        previous, line = line, _LEADING.sub("", line, count=1)
    return _TRAILING.sub("", line)


def _masked(text: str, start: int, end: int, result: CheckResult) -> str:
    """``text[start:end]`` with each credential in it (or overlapping it) as ``[secret]``."""
    out, last = [], start
    for a, b in sorted(result.secret_spans()):
        if b <= last or a >= end:
            continue
        out.append(text[last : max(a, last)] + "[secret]")
        last = min(b, end)
    return "".join(out) + text[last:end]


def _decode(words: str) -> str:
    """JSON string escapes (``\\"``, ``\\u00fc``, ``\\n``) as the characters they stand for."""
    return _JSON_ESCAPE.sub(lambda m: _unescape(m.group()), words)


def _unescape(escape: str) -> str:
    try:
        value = json.loads(f'"{escape}"')
    except ValueError:
        return escape
    return " " if value in "\n\r\t" else str(value)


def _first_words(text: str, result: CheckResult) -> str:
    """The first clean line the model wrote, else the first clean line of the text."""
    spans = [*_model_bounds(text, result), (0, len(text))]
    for low, high in spans:
        for line in _LINE_BREAK.split(text[low:high]):
            offset = text.find(line, low, high) if line else -1
            cleaned = _clean(text, (offset, offset + len(line)), result) if offset >= 0 else ""
            if cleaned:
                return cleaned
    return ""


def _shorten(words: str, room: int) -> str:
    """``words`` cut between two words to fit ``room`` characters, "…" included."""
    if len(words) <= room:
        return words
    cut = words[: room - 1]
    if " " in cut and not words[room - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—-") + "…"


def masked_title(title: str, text: str, result: CheckResult, own: CheckResult) -> str:
    """A typed title with the evidence's credentials (``result``) and its own (``own``, the
    checks run on the title) masked: titles are shown in lists, App Home and the digest."""
    masked = _masked(title, 0, len(title), own)
    pasted = {text[a:b] for a, b in result.secret_spans() if b - a >= 8}
    for secret in sorted(pasted, key=len, reverse=True):
        masked = masked.replace(secret, "[secret]")
    return masked
