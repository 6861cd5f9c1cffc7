"""Run the learned layer over a text's units and turn its scores into verdicts.

The engine calls :func:`unit_views` once the rules have run (the rule categories that
fired inside a unit are among its features), then :func:`judge`, which gives each
category the score of its strongest unit and keeps the units that carry it: their role
is the actuality (reasoning is considered, the answer stated, a tool call executed) and
their text is the evidence people see.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from bot.checks.learned import SentenceModel
from bot.checks.models import Finding, Segment
from bot.checks.unit_features import ConceptFinder, unit_features
from bot.checks.units import Unit, split_units

_RULE_EVIDENCE = 0.4
_TOP_UNITS = 3


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
) -> list[UnitView]:
    """Every unit of ``text`` with its features."""
    units = split_units(text, segments)
    rules = _rules_per_unit(units, findings)
    context = [*(["frame"] if frame >= 2 else []), *(["acts"] if acts else [])]
    lowered = text.lower()
    return [
        UnitView(
            unit,
            unit_features(
                lowered[unit.start : unit.end], unit.role, concepts, sorted(rules[k]), context
            ),
        )
        for k, unit in enumerate(units)
    ]


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


def judge(model: SentenceModel, views: list[UnitView]) -> dict[str, Verdict]:
    """Per category, the strongest unit's score and the units at or above the category's
    "possible" threshold (the strongest first, at most three)."""
    if not views:
        return {}
    probs = model.unit_scores([v.features for v in views])
    out: dict[str, Verdict] = {}
    for k, category in enumerate(model.categories):
        column = probs[:, k]
        best = float(column.max())
        floor = model.thresholds.possible[category]
        if best < floor:
            out[category] = Verdict(best, ())
            continue
        order = column.argsort()[::-1][:_TOP_UNITS]
        units = tuple((views[i].unit, float(column[i])) for i in order if column[i] >= floor)
        strong = (column >= model.thresholds.confident[category]).nonzero()[0]
        out[category] = Verdict(best, units, frozenset(views[i].unit.role for i in strong))
    return out
