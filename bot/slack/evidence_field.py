"""The report form's evidence field: the paste as the reporter sees it, and back.

The field shows the paste with credentials and personal data masked and without control or
bidi characters; the draft keeps the paste whole. A field submitted as it was shown means the
paste as kept. An edited field keeps every line the reporter left as it was shown exactly as
it was pasted (secrets and control characters included); on the lines they changed, each
masked value they left as it was shown is put back. A masked value they deleted or typed over
stays as they left it: that change was theirs. Control characters on a changed line are lost
with it (the reporter could not see them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.masking.redaction import Span, mask, merge_spans
from bot.slack.text import clean

_LINE_ENDS = re.compile(r"\r\n|\r|\n")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True)
class Unit:
    """Whole lines of a paste that no masked span crosses: as pasted and as shown."""

    original: str
    shown: str
    masked: tuple[tuple[str, str], ...]  # (as shown, as pasted) of each masked value, in order


def shown(text: str, spans: Iterable[Span]) -> str:
    """What the field shows of ``text``: masked at ``spans``, without control characters."""
    return "".join(u.shown for u in units(text, spans))


def submitted(text: str, spans: Iterable[Span], value: str) -> str:
    """The evidence a submitted ``value`` means for the paste ``text`` shown masked at ``spans``."""
    parts = units(text, spans)
    if value == "".join(u.shown for u in parts):
        return text
    lines = _LINES.findall(value)
    matcher = difflib.SequenceMatcher(None, [u.shown for u in parts], lines, autojunk=False)
    unique = _unambiguous(parts)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [u.original for u in parts[i1:i2]]
        else:
            out.append(_restore("".join(lines[j1:j2]), parts[i1:i2], unique))
    return "".join(out)


def units(text: str, spans: Iterable[Span]) -> list[Unit]:
    """``text`` cut at every line end that no span crosses."""
    merged = merge_spans(spans, len(text))
    cuts = [m.end() for m in _LINE_ENDS.finditer(text)] + [len(text)]
    cuts = [c for c in cuts if not any(a < c < b for a, b in merged)]
    out, start = [], 0
    for end in dict.fromkeys(cuts):
        if end > start:
            inside = [(a - start, b - start) for a, b in merged if start <= a and b <= end]
            out.append(_unit(text[start:end], inside))
            start = end
    return out


def _unit(original: str, spans: Sequence[Span]) -> Unit:
    pairs = tuple((clean(mask(original[a:b], [(0, b - a)])), original[a:b]) for a, b in spans)
    return Unit(original, clean(mask(original, spans)), pairs)


def _unambiguous(parts: Sequence[Unit]) -> dict[str, str]:
    """Shown forms that stand for one value only, wherever in the paste it was."""
    values: dict[str, set[str]] = {}
    for form, value in (pair for u in parts for pair in u.masked):
        values.setdefault(form, set()).add(value)
    return {form: next(iter(v)) for form, v in values.items() if len(v) == 1}


def _restore(edited: str, parts: Sequence[Unit], unique: dict[str, str]) -> str:
    """``edited`` with the masked values it still shows put back: those of the lines it
    replaces in their order, then any that stands for one value only (a moved line)."""
    queues: dict[str, list[str]] = {}
    for form, value in (pair for u in parts for pair in u.masked):
        queues.setdefault(form, []).append(value)
    forms = sorted({f for f in [*queues, *unique] if f}, key=len, reverse=True)
    if not forms:
        return edited

    def value_of(match: re.Match[str]) -> str:
        form = match.group(0)
        queue = queues.get(form)
        return queue.pop(0) if queue else unique.get(form, form)

    return re.sub("|".join(map(re.escape, forms)), value_of, edited)
