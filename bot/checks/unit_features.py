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
from collections.abc import Callable, Sequence

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+(?:'[^\W\d_{_CJK}]+)?|0")
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
    # Numbers all read as "0": their value says nothing about behaviour.
    text = _DIGITS.sub("0", lowered) if _HAS_DIGIT.search(lowered) else lowered
    words = _TOKEN.findall(text)[:_MAX_TOKENS]
    out = ["R:" + role, *words]
    out.extend(map(_STEM_TAG.__add__, [w[:_STEM] for w in words if len(w) > _STEM + 1]))
    if concepts is not None:
        found = sorted(set(concepts(lowered)))
        out.extend("c:" + c for c in found)
        out.extend(f"c:{a}+{b}" for a, b in itertools.combinations(found[:12], 2))
        out.extend(f"R:{role}|c:{c}" for c in found)
    out.extend("rule:" + c for c in rule_categories)
    out.extend("ctx:" + c for c in context)
    return list(dict.fromkeys(out))


def load_concepts() -> ConceptFinder:
    """The shipped multilingual concept lexicon's finder."""
    from bot.checks.concepts import ConceptLexicon

    return ConceptLexicon.load().concepts
