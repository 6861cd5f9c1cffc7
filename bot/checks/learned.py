"""A small linear model that complements the rule packs for behavioural categories.

Why: hand-written lexicons plateau on paraphrase (the same idea said a hundred ways), while
a linear model over word n-grams generalises across paraphrases but cannot explain itself
or read negation well. The engine therefore combines both: rules give explainable spans,
and the model (whose inputs include the rules' own per-category scores) decides borderline
cases. The model is trained offline by :mod:`bot.checks.train_model` and shipped as
``model.json`` next to this file; inference is pure Python (a dict lookup per feature).

Features (binary, L2-normalised) are extracted from the text the model *wrote*: quoted
input (user turns, inbox dumps, tool results) is skipped. They are word unigrams and
bigrams, role-tagged unigrams for reasoning (``r:``) and actions (``t:``), a few layout
flags, and the rules' category scores bucketed. Only the first ``MAX_CHARS`` characters of
model-written text are featurised, which bounds the cost on megabyte inputs.

If ``model.json`` is missing or malformed the engine runs on rules alone.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.checks.models import Segment

MODEL_PATH = Path(__file__).resolve().parent / "model.json"
MAX_CHARS = 60_000
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+")
_ROLE_TAG = {"reasoning": "r:", "tool_call": "t:", "final": ""}
ROLES_BY_ADVANCE = ("reasoning", "final", "tool_call")


def _tokens(text: str) -> list[str]:
    return ["0" if t[0].isdigit() else t for t in _TOKEN.findall(text)]


@dataclass(frozen=True)
class DocFeatures:
    """Distinct features of a document, and the same split by the role that wrote them."""

    all: frozenset[str]
    by_role: Mapping[str, frozenset[str]]


def extract(lowered: str, segments: list[Segment], rule_scores: Mapping[str, float]) -> DocFeatures:
    """Features of ``lowered`` (the lower-cased original text) given its segments."""
    by_role: dict[str, set[str]] = {role: set() for role in ROLES_BY_ADVANCE}
    budget = MAX_CHARS
    for segment in segments:
        if segment.role == "quoted" or budget <= 0:
            continue
        piece = lowered[segment.start : min(segment.end, segment.start + budget)]
        budget -= len(piece)
        bucket = by_role[segment.role]
        bucket.add("has:" + segment.role)
        words = _tokens(piece)
        bucket.update(words)
        bucket.update(a + " " + b for a, b in itertools.pairwise(words))
        tag = _ROLE_TAG[segment.role]
        if tag:
            bucket.update(tag + w for w in words)
    merged: set[str] = set()
    for bucket in by_role.values():
        merged |= bucket
    for category, score in rule_scores.items():
        if score >= 0.25:
            merged.add(f"rule:{category}")
        if score >= 0.5:
            merged.add(f"rule+:{category}")
    return DocFeatures(frozenset(merged), {k: frozenset(v) for k, v in by_role.items()})


class LinearModel:
    """Per-category logistic regression over sparse binary features."""

    def __init__(self, categories: list[str], bias: list[float], weights: dict[str, list[float]]):
        self.categories = list(categories)
        self._bias = list(bias)
        self._weights = weights

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel | None:
        """The shipped model, or None when the file is missing or malformed."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            categories = [str(c) for c in data["categories"]]
            bias = [float(b) for b in data["bias"]]
            weights = {str(f): [float(x) for x in w] for f, w in data["weights"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(bias) != len(categories) or any(len(w) != len(categories) for w in weights.values()):
            return None
        return cls(categories, bias, weights)

    def probabilities(self, features: DocFeatures) -> dict[str, float]:
        """Probability per category for a document."""
        totals = list(self._bias)
        norm = 1.0 / math.sqrt(max(1, len(features.all)))
        for feature in features.all:
            row = self._weights.get(feature)
            if row is not None:
                for k, w in enumerate(row):
                    totals[k] += w * norm
        return {c: _sigmoid(t) for c, t in zip(self.categories, totals, strict=True)}

    def role_evidence(self, features: DocFeatures, category: str) -> dict[str, float]:
        """Positive weight mass per writing role for ``category`` (where the evidence is)."""
        k = self.categories.index(category)
        out: dict[str, float] = {}
        for role, feats in features.by_role.items():
            total = 0.0
            for feature in feats:
                row = self._weights.get(feature)
                if row is not None and row[k] > 0:
                    total += row[k]
            out[role] = total
        return out


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def most_advanced_role(evidence: Mapping[str, float], share: float = 0.35) -> str | None:
    """Most advanced role holding at least ``share`` of the strongest role's evidence."""
    top = max(evidence.values(), default=0.0)
    if top <= 0:
        return None
    chosen: str | None = None
    for role in ROLES_BY_ADVANCE:
        if evidence.get(role, 0.0) >= share * top:
            chosen = role
    return chosen


def iter_feature_names(features: Iterable[DocFeatures]) -> set[str]:
    """Union of feature names (used by the trainer to build its vocabulary)."""
    out: set[str] = set()
    for doc in features:
        out |= doc.all
    return out
