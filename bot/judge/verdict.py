"""The judge's answer: read tolerantly (code fences, prose around the JSON), validated against
the checks' categories and scales, and each quote verified as a verbatim piece of the text
that was sent, located in the evidence itself."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.checks.models import ACTUALITIES, CATEGORIES, SEVERITIES
from bot.checks.normalise import NormalisedText, normalise
from bot.judge.evidence import SentEvidence

MAX_REASONING = 500
# A quote this short (after trimming) shows nothing: it would be found almost anywhere.
MIN_QUOTE = 4
_MAX_DECODE_ATTEMPTS = 50
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_QUOTE_MARKS = "\"'“”‘’`"


@dataclass(frozen=True)
class CategoryVerdict:
    """The judge's verdict on one category; ``supported`` is false when its verdict is true
    but its quote was not found verbatim in the text sent; ``span`` locates a supported
    quote in the text given to ``Judge.review``."""

    category: str
    verdict: bool
    actuality: str
    quote: str
    supported: bool
    span: tuple[int, int] | None


@dataclass(frozen=True)
class Opinion:
    """A judge's whole opinion on one text, with what it cost; ``error`` is set (and
    ``categories`` empty) when the answer could not be read."""

    model: str
    rubric_version: str
    categories: tuple[CategoryVerdict, ...]
    severity: str
    reasoning: str
    content_hash: str
    sent_chars: int
    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    cached: bool = False
    error: str | None = None

    def found(self) -> list[CategoryVerdict]:
        """The categories the judge found and backed with a verified quote."""
        return [c for c in self.categories if c.verdict and c.supported]

    def unsupported(self) -> list[CategoryVerdict]:
        """The categories the judge said yes to without a quote found in the text."""
        return [c for c in self.categories if c.verdict and not c.supported]

    def actuality(self) -> str:
        """The highest actuality among the categories found (``none`` when nothing is)."""
        levels = [ACTUALITIES.index(c.actuality) for c in self.found()]
        return ACTUALITIES[max(levels, default=0)]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (spans as lists)."""
        data = asdict(self)
        data["categories"] = [
            {**asdict(c), "span": list(c.span) if c.span else None} for c in self.categories
        ]
        return data


@dataclass(frozen=True)
class Answer:
    """A validated answer before its quotes are checked (what the cache keeps)."""

    categories: tuple[tuple[str, bool, str, str], ...]  # category, verdict, actuality, quote
    severity: str
    reasoning: str
    dropped: int = 0  # entries left out: unknown category or actuality, repeated category

    def to_dict(self) -> dict[str, Any]:
        return {
            "categories": [
                {"category": c, "verdict": v, "actuality": a, "quote": q}
                for c, v, a, q in self.categories
            ],
            "severity": self.severity,
            "reasoning": self.reasoning,
        }


class AnswerError(ValueError):
    """The answer holds no readable verdict; the message names what was wrong, never the
    answer's own text."""


@dataclass
class _Reading:
    entries: dict[str, tuple[bool, str, str]] = field(default_factory=dict)
    dropped: int = 0


def parse_answer(text: str) -> Answer:
    """The answer's JSON object, found in ``text`` and validated; AnswerError when none."""
    data = _find_object(text)
    if data is None:
        raise AnswerError("the judge's answer holds no JSON object with categories")
    raw = data.get("categories")
    if isinstance(raw, dict):  # {"coercion": {...}} instead of a list
        raw = [{"category": k, **v} for k, v in raw.items() if isinstance(v, dict)]
    if not isinstance(raw, list):
        raise AnswerError("the judge's answer has no list of categories")
    reading = _Reading()
    for entry in raw:
        _read_entry(entry, reading)
    severity = str(data.get("severity", "")).strip().lower()
    reasoning = " ".join(str(data.get("reasoning") or "").split())[:MAX_REASONING]
    return Answer(
        categories=tuple((c, *reading.entries[c]) for c in CATEGORIES if c in reading.entries),
        severity=severity if severity in SEVERITIES else "none",
        reasoning=reasoning,
        dropped=reading.dropped,
    )


def _find_object(text: str) -> dict[str, Any] | None:
    """The first JSON object with ``categories`` in ``text``: the whole text, inside a code
    fence, or after and before prose."""
    decoder = json.JSONDecoder()
    starts = [m.start() for m in re.finditer(r"\{", text)][:_MAX_DECODE_ATTEMPTS]
    for start in starts:
        try:
            value, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "categories" in value:
            return value
    return None


def _read_entry(entry: object, reading: _Reading) -> None:
    """Add one category's entry, or count it dropped when it cannot be trusted."""
    if not isinstance(entry, dict):
        reading.dropped += 1
        return
    category = re.sub(r"[\s-]+", "_", str(entry.get("category", "")).strip().lower())
    verdict = _boolean(entry.get("verdict"))
    actuality = str(entry.get("actuality") or "none").strip().lower()
    if category not in CATEGORIES or category in reading.entries or verdict is None:
        reading.dropped += 1
        return
    if not verdict:  # a no needs neither an actuality nor a quote
        reading.entries[category] = (False, "none", "")
        return
    if actuality not in ACTUALITIES:
        reading.dropped += 1
        return
    quote = entry.get("quote")
    reading.entries[category] = (True, actuality, quote if isinstance(quote, str) else "")


def _boolean(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


def verify(answer: Answer, sent: SentEvidence) -> tuple[CategoryVerdict, ...]:
    """Each verdict with its quote checked against the text sent and located in the
    evidence; a true verdict whose quote is not there verbatim is marked unsupported."""
    normalised = normalise(sent.text)
    verdicts = []
    for category, verdict, actuality, quote in answer.categories:
        span = locate(quote, sent, normalised) if verdict else None
        verdicts.append(
            CategoryVerdict(
                category=category,
                verdict=verdict,
                actuality=actuality,
                quote=quote if span is not None else "",
                supported=span is not None or not verdict,
                span=span,
            )
        )
    return tuple(verdicts)


def locate(
    quote: str, sent: SentEvidence, normalised: NormalisedText | None = None
) -> tuple[int, int] | None:
    """Where ``quote`` stands in the evidence: found in the text sent after the checks'
    normalisation (runs of white space may differ), not reaching into a masked value or the
    cut marker; None when it is not there."""
    normalised = normalised or normalise(sent.text)
    for candidate in _candidates(quote):
        words = normalise(candidate).text.split()
        if len("".join(words)) < MIN_QUOTE:
            continue
        found = re.search(r"\s+".join(re.escape(w) for w in words), normalised.text)
        if found is None:
            continue
        start, end = normalised.span_to_original(found.start(), found.end())
        return sent.to_original(start, end)
    return None


def _candidates(quote: str) -> list[str]:
    """The quote as given, then without the quotation marks a model may wrap it in."""
    quote = quote.strip()
    stripped = quote.strip(_QUOTE_MARKS).strip()
    return [quote, stripped] if stripped != quote else [quote]
