"""Sparse features of one unit (a sentence of model-written text) for the learned layer.

Features are strings: words, word stems (the first letters of long words, so inflected
forms share a feature), single CJK characters (those scripts have no spaces; character
pairs were measured and added nothing, like word pairs), multilingual concept ids with
their pairs (the same idea in fifteen languages gives the same feature, so weights
learned on English carry over), the unit's role, the rule categories that fired inside
the unit, and a few flags about the whole text (a fiction or news frame, whether the
text holds actions at all).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.checks.concepts import ConceptLexicon

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+(?:'[^\W\d_{_CJK}]+)?|0")
# The same tokens in ASCII text, where ``re`` matches simple ranges faster.
_ASCII_TOKEN = re.compile(r"[a-zA-Z]+(?:'[a-zA-Z]+)?|0")
_DIGITS = re.compile(r"\d+")
_HAS_DIGIT = re.compile(r"\d")
_STEM = 5
_STEM_TAG = "s:"
_MAX_TOKENS = 80

ConceptFinder = Callable[[str], Sequence[str]]


def unit_features(
    lowered: str,
    role: str,
    concepts: ConceptFinder | None,
    rule_categories: Sequence[str] = (),
    context: Sequence[str] = (),
) -> list[str]:
    """Distinct feature strings of ``lowered`` (one unit's lower-cased text)."""
    found = None if concepts is None else concepts(lowered)
    return features_of(lowered, role, found, rule_categories, context)


def features_of(
    lowered: str,
    role: str,
    concepts: Iterable[str] | None,
    rule_categories: Sequence[str] = (),
    context: Sequence[str] = (),
) -> list[str]:
    """:func:`unit_features` given the concept ids found in the unit (None: no lexicon)."""
    words = unit_words(lowered)
    out = [role_feature(role), *words, *stems(words)]
    if concepts is not None:
        out.extend(concept_features(role, concepts))
    out.extend(tail_features(rule_categories, context))
    return list(dict.fromkeys(out))


def unit_words(lowered: str) -> list[str]:
    """The unit's first words; numbers all read as "0" (their value says nothing about
    behaviour)."""
    text = _DIGITS.sub("0", lowered) if _HAS_DIGIT.search(lowered) else lowered
    return (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)[:_MAX_TOKENS]


def role_feature(role: str) -> str:
    """The feature naming the unit's role."""
    return "R:" + role


def stem(word: str) -> str | None:
    """The stem feature of a long word, None for a short one."""
    return _STEM_TAG + word[:_STEM] if len(word) > _STEM + 1 else None


def stems(words: Iterable[str]) -> list[str]:
    """The stem features of ``words``, in order (repeats kept)."""
    return [found for found in map(stem, words) if found is not None]


def concept_features(role: str, concepts: Iterable[str]) -> list[str]:
    """Distinct features of the concept ids found in a unit: each id, the pairs of the
    first twelve, and each id with the unit's role."""
    found = sorted(set(concepts))
    out = ["c:" + c for c in found]
    out.extend(f"c:{a}+{b}" for a, b in itertools.combinations(found[:12], 2))
    out.extend(f"R:{role}|c:{c}" for c in found)
    return out


def tail_features(rule_categories: Iterable[str], context: Iterable[str]) -> list[str]:
    """The features of the rules that fired inside a unit and of the whole text's flags."""
    return [*("rule:" + c for c in rule_categories), *("ctx:" + c for c in context)]


def load_concepts() -> ConceptLexicon:
    """The shipped multilingual concept lexicon."""
    from bot.checks.concepts import ConceptLexicon

    return ConceptLexicon.load()
