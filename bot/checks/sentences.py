"""Run the learned layer over a text's units and turn its scores into verdicts.

The engine cuts a text into :func:`unit_batches` once the rules have run (the rule
categories that fired inside a unit are among its features), then :func:`judge` gives
each category the score of its strongest unit and keeps the units that carry it: their
role is the actuality (reasoning is considered, the answer stated, a tool call executed)
and their text is the evidence people see. The trainer reads the same units with their
feature strings (:func:`unit_views`); :class:`FeatureRows` gives the model the ids of
those features without building the strings.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bot.checks.concepts import ConceptLexicon
from bot.checks.learned import SentenceModel
from bot.checks.models import Finding, Segment
from bot.checks.unit_features import (
    concept_features,
    features_of,
    role_feature,
    stem,
    tail_features,
    unit_words,
)
from bot.checks.units import Unit, split_units

_RULE_EVIDENCE = 0.4
_TOP_UNITS = 3
_BATCH = 512
_MEMO_LIMIT = 30_000


@dataclass(frozen=True)
class UnitView:
    """A unit with the features the model reads."""

    unit: Unit
    features: list[str]


@dataclass(frozen=True)
class Verdict:
    """The model's view of one category: its score and the units that carry it."""

    score: float
    units: tuple[tuple[Unit, float], ...]
    # Roles of every unit at or above the confident threshold (for actuality).
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class UnitBatch:
    """Up to 512 consecutive units of a text and what their features are made of."""

    units: list[Unit]
    texts: list[str]  # each unit's lower-cased text
    concepts: list[list[str]] | None  # each unit's concept ids; None without a lexicon
    rules: list[list[str]]  # the rule categories that fired inside each unit
    context: list[str]  # flags of the whole text

    def features(self, k: int) -> list[str]:
        """The feature strings of unit ``k``."""
        found = None if self.concepts is None else self.concepts[k]
        return features_of(self.texts[k], self.units[k].role, found, self.rules[k], self.context)


def unit_batches(
    text: str,
    segments: list[Segment],
    findings: Sequence[Finding],
    frame: int,
    acts: bool,
    concepts: ConceptLexicon | None = None,
) -> Iterator[UnitBatch]:
    """The units of ``text`` in batches, so a megabyte never holds all its features at
    once; each batch's concepts are found in one pass."""
    units = split_units(text, segments)
    rules = _rules_per_unit(units, findings)
    context = [*(["frame"] if frame >= 2 else []), *(["acts"] if acts else [])]
    lowered = text.lower()
    # Concepts per distinct unit text in this text: a log repeating its lines finds the
    # concepts of each line once.
    known: dict[str, list[str]] = {}
    for first in range(0, len(units), _BATCH):
        chunk = units[first : first + _BATCH]
        texts = [lowered[unit.start : unit.end] for unit in chunk]
        found = None
        if concepts is not None:
            new = [piece for piece in dict.fromkeys(texts) if piece not in known]
            known.update(zip(new, concepts.concepts_per_piece(new), strict=True))
            found = [known[piece] for piece in texts]
        chunk_rules = [sorted(rules.get(k, ())) for k in range(first, first + len(chunk))]
        yield UnitBatch(chunk, texts, found, chunk_rules, context)


def unit_views(batches: Iterable[UnitBatch]) -> Iterator[UnitView]:
    """Every unit with its feature strings, one at a time."""
    for batch in batches:
        for k, unit in enumerate(batch.units):
            yield UnitView(unit, batch.features(k))


class FeatureRows:
    """Each unit's known feature ids for one model, in the order of its feature strings
    (what :meth:`SentenceModel.unit_scores` looks up), without building most strings:
    the ids of each word and of each combination of role, concepts, rules and context
    are memoised across units and runs (up to a limit each)."""

    def __init__(self, model: SentenceModel) -> None:
        self._id = model.feature_id
        self._words: dict[str, tuple[int | None, int | None]] = {}
        self._others: dict[tuple[object, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def rows(self, batch: UnitBatch, seen: dict[str, list[int]]) -> list[list[int]]:
        """The known feature ids of every unit of ``batch``; ``seen`` holds the word ids
        of the unit texts met so far in the same text (a log repeats its lines)."""
        out = []
        for k, unit in enumerate(batch.units):
            found = None if batch.concepts is None else tuple(sorted(set(batch.concepts[k])))
            head, rest = self._other_ids(unit.role, found, batch.rules[k], batch.context)
            words = seen.get(batch.texts[k])
            if words is None:
                words = seen[batch.texts[k]] = self._word_ids(batch.texts[k])
            out.append([*head, *words, *rest])
        return out

    def _word_ids(self, lowered: str) -> list[int]:
        """Ids of the distinct words, then of their distinct stems, in order."""
        words: list[int] = []
        stems: dict[int, None] = {}
        memo = self._words
        for word in dict.fromkeys(unit_words(lowered)):
            ids = memo.get(word)
            if ids is None:
                word_stem = stem(word)
                ids = self._id(word), None if word_stem is None else self._id(word_stem)
                if len(memo) < _MEMO_LIMIT:
                    memo[word] = ids
            if ids[0] is not None:
                words.append(ids[0])
            if ids[1] is not None:
                stems[ids[1]] = None
        words.extend(stems)
        return words

    def _other_ids(
        self,
        role: str,
        concepts: tuple[str, ...] | None,
        rules: Sequence[str],
        context: Sequence[str],
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Ids of the features before the words (the role) and after them (concepts,
        rules, context)."""
        key = (role, concepts, *rules, "|", *context)
        ids = self._others.get(key)
        if ids is None:
            rest = [] if concepts is None else concept_features(role, concepts)
            rest.extend(tail_features(rules, context))
            ids = self._known([role_feature(role)]), self._known(rest)
            if len(self._others) < _MEMO_LIMIT:
                self._others[key] = ids
        return ids

    def _known(self, features: list[str]) -> tuple[int, ...]:
        return tuple(i for i in map(self._id, dict.fromkeys(features)) if i is not None)


def _rules_per_unit(units: list[Unit], findings: Sequence[Finding]) -> dict[int, set[str]]:
    """The categories of rule findings (strong enough to be evidence) inside each unit,
    by unit index (units without any left out)."""
    out: dict[int, set[str]] = {}
    starts = [u.start for u in units]
    for finding in findings:
        if finding.score < _RULE_EVIDENCE:
            continue
        for start, end in finding.spans:
            low = max(0, bisect_right(starts, start) - 1)
            high = bisect_left(starts, end)
            for k in range(low, high):
                if units[k].start < end and start < units[k].end:
                    out.setdefault(k, set()).add(finding.category)
    return out


def judge(
    model: SentenceModel, rows: FeatureRows, batches: Iterable[UnitBatch]
) -> dict[str, Verdict]:
    """Per category, the strongest unit's score and the units at or above the category's
    "possible" threshold (the strongest first, at most three); ``rows`` must be built
    for ``model``."""
    best = np.zeros(len(model.categories))
    candidates: list[list[tuple[float, int, Unit]]] = [[] for _ in model.categories]
    roles: list[set[str]] = [set() for _ in model.categories]
    seen = 0
    words: dict[str, list[int]] = {}
    for batch in batches:
        units = batch.units
        probs = model.row_scores(rows.rows(batch, words))
        best = np.maximum(best, probs.max(axis=0))
        for k, category in enumerate(model.categories):
            column = probs[:, k]
            for i in (column >= model.thresholds.possible[category]).nonzero()[0]:
                candidates[k].append((float(column[i]), seen + int(i), units[i]))
            strong = column >= model.thresholds.confident[category]
            roles[k].update(units[i].role for i in strong.nonzero()[0])
            candidates[k] = heapq.nlargest(_TOP_UNITS, candidates[k])
        seen += len(units)
    if not seen:
        return {}
    return {
        category: Verdict(
            float(best[k]),
            tuple((unit, score) for score, _, unit in candidates[k]),
            frozenset(roles[k]),
        )
        for k, category in enumerate(model.categories)
    }
