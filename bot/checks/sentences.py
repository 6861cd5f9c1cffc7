"""Run the learned layer over a text's units and turn its scores into verdicts.

The engine calls :func:`unit_views` once the rules have run (the rule categories that
fired inside a unit are among its features), then :func:`judge`, which gives each
category the score of its strongest unit and keeps the units that carry it: their role
is the actuality (reasoning is considered, the answer stated, a tool call executed) and
their text is the evidence people see.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bot.checks.learned import SentenceModel
from bot.checks.models import Finding, Segment
from bot.checks.unit_features import ConceptFinder, unit_features
from bot.checks.units import Unit, split_units

_RULE_EVIDENCE = 0.4
_TOP_UNITS = 3
_BATCH = 512


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


def unit_views(
    text: str,
    segments: list[Segment],
    findings: Sequence[Finding],
    frame: int,
    acts: bool,
    concepts: ConceptFinder | None = None,
) -> Iterator[UnitView]:
    """Every unit of ``text`` with its features, one at a time."""
    units = split_units(text, segments)
    rules = _rules_per_unit(units, findings)
    context = [*(["frame"] if frame >= 2 else []), *(["acts"] if acts else [])]
    lowered = text.lower()
    for k, unit in enumerate(units):
        features = unit_features(
            lowered[unit.start : unit.end], unit.role, concepts, sorted(rules[k]), context
        )
        yield UnitView(unit, features)


def _rules_per_unit(units: list[Unit], findings: Sequence[Finding]) -> list[set[str]]:
    """The categories of rule findings (strong enough to be evidence) inside each unit."""
    out: list[set[str]] = [set() for _ in units]
    starts = [u.start for u in units]
    for finding in findings:
        if finding.score < _RULE_EVIDENCE:
            continue
        for start, end in finding.spans:
            low = max(0, bisect_right(starts, start) - 1)
            high = bisect_left(starts, end)
            for k in range(low, high):
                if units[k].start < end and start < units[k].end:
                    out[k].add(finding.category)
    return out


def judge(model: SentenceModel, views: Iterable[UnitView]) -> dict[str, Verdict]:
    """Per category, the strongest unit's score and the units at or above the category's
    "possible" threshold (the strongest first, at most three). Units are scored in
    batches, so a megabyte of text never holds all its features at once."""
    best = np.zeros(len(model.categories))
    candidates: list[list[tuple[float, int, Unit]]] = [[] for _ in model.categories]
    roles: list[set[str]] = [set() for _ in model.categories]
    seen = 0
    for batch in _batches(views, _BATCH):
        probs = model.unit_scores([v.features for v in batch])
        best = np.maximum(best, probs.max(axis=0))
        for k, category in enumerate(model.categories):
            column = probs[:, k]
            for i in (column >= model.thresholds.possible[category]).nonzero()[0]:
                candidates[k].append((float(column[i]), seen + int(i), batch[i].unit))
            strong = column >= model.thresholds.confident[category]
            roles[k].update(batch[i].unit.role for i in strong.nonzero()[0])
            candidates[k] = heapq.nlargest(_TOP_UNITS, candidates[k])
        seen += len(batch)
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


def _batches(views: Iterable[UnitView], size: int) -> Iterator[list[UnitView]]:
    batch: list[UnitView] = []
    for view in views:
        batch.append(view)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
