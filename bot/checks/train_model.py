"""Train the learned layer offline and write ``bot/checks/sentence_model.npz``.

Usage::

    python -m bot.checks.train_model DATA.jsonl [DATA.jsonl ...] [--out PATH]

Needs the ``train`` extra (scipy); the bot itself only needs numpy to run the model.

Training data is documents labelled as a whole, while the model judges units
(:mod:`bot.checks.units`) and a document scores as its strongest unit. Every unit of a
document without the category is a negative; the units of a document with it are weak
positives that share one document's weight. (Re-labelling rounds that keep only each
positive document's top-ranked units were measured and scored lower held out.)

Thresholds are calibrated on held-out data only: the items are grouped by the prefix of
their id (each shared slice has its own), a model is trained without each group and
scores it, and each category's ``confident``, ``possible`` and ``offered`` thresholds are
chosen on those out-of-group scores. The shipped model is the average of those models,
so the thresholds were set on models of the same size as the one shipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.checks.engine import CheckEngine
from bot.checks.learned import MODEL_PATH, SentenceModel, Thresholds
from bot.checks.models import CATEGORIES

# Credentials and personal data are patterns: the rule packs decide them alone.
MODEL_CATEGORIES = [c for c in CATEGORIES if c not in ("pii", "secrets")]
MIN_DOCS = 2
MIN_GROUPS = 2
L2 = 1e-3
# Negative units weigh this many times the positive ones in all: most sentences of a
# concerning transcript are routine, and a false alarm costs trust.
NEGATIVE_SHARE = 8.0
STEPS = 200
LEARNING_RATE = 0.05
CONFIDENT_BETA = 0.5
# Most benign documents a category may flag on held-out scores (precision first).
BENIGN_FP_CAP = 0.02
# Most benign documents the model alone may offer a category to as "possible".
OFFERED_FP_CAP = 0.08
POSSIBLE_BETA = 1.0


@dataclass
class _Doc:
    """One training document: its units' feature ids, its labels and its group."""

    units: list[np.ndarray]
    labels: frozenset[str]
    group: str


class FeatureCache:
    """Unit features per text, computed once and shared by every fold."""

    def __init__(self, engine: CheckEngine) -> None:
        self._engine = engine.with_model(None)
        self._ids: dict[str, int] = {}
        self._names: list[str] = []
        self._docs: dict[str, list[np.ndarray]] = {}

    def doc(self, item: dict[str, Any]) -> _Doc:
        """The cached units of ``item``."""
        text = str(item["text"])
        units = self._docs.get(text)
        if units is None:
            units = [
                np.asarray([self._id(f) for f in view.features], dtype=np.int32)
                for view in self._engine.learning_units(text)
            ]
            self._docs[text] = units
        return _Doc(units, frozenset(item.get("labels") or ()), group_of(item))

    def _id(self, feature: str) -> int:
        found = self._ids.get(feature)
        if found is None:
            found = self._ids[feature] = len(self._names)
            self._names.append(feature)
        return found

    def name(self, feature_id: int) -> str:
        """The feature string of an id."""
        return self._names[feature_id]


def group_of(item: dict[str, Any]) -> str:
    """An item's group: its id without the trailing number (one per shared slice)."""
    return str(item.get("id", "")).rsplit("-", 1)[0]


def fit(
    items: Sequence[dict[str, Any]],
    *,
    engine: CheckEngine,
    cache: FeatureCache | None = None,
) -> SentenceModel:
    """Train one model per held-out group, calibrate thresholds on the groups they did
    not see, and ship their average (so the thresholds were set on models of the same
    size and sharpness as the one shipped)."""
    cache = cache or FeatureCache(engine)
    docs = [cache.doc(item) for item in items]
    groups = sorted({d.group for d in docs})
    if len(groups) < 2:
        return _train(docs, cache, _default_thresholds())
    scores = np.zeros((len(docs), len(MODEL_CATEGORIES)))
    members = []
    for group in groups:
        member = _train([d for d in docs if d.group != group], cache, _default_thresholds())
        members.append(member)
        for i, doc in enumerate(docs):
            if doc.group == group:
                scores[i] = doc_scores(member, doc, cache)
    return average(members, _calibrate(docs, scores))


def _default_thresholds() -> Thresholds:
    return Thresholds(dict.fromkeys(MODEL_CATEGORIES, 0.5), dict.fromkeys(MODEL_CATEGORIES, 0.3))


def _calibrate(docs: list[_Doc], scores: np.ndarray) -> Thresholds:
    """Per category, on out-of-group scores: the confident threshold (precision first,
    and few benign texts flagged), the possible one (best F1; a rule backed by the model
    half way from it to confident is confident), and the one at which the model alone
    offers the category (the possible one, raised so that few benign texts get it)."""
    confident: dict[str, float] = {}
    possible: dict[str, float] = {}
    offered: dict[str, float] = {}
    benign = np.array([not d.labels for d in docs])
    for k, category in enumerate(MODEL_CATEGORIES):
        truth = np.array([category in d.labels for d in docs])
        confident[category] = max(
            best_threshold(scores[:, k], truth, CONFIDENT_BETA, 0.5),
            quiet_threshold(scores[benign, k], BENIGN_FP_CAP),
        )
        possible[category] = min(
            confident[category], best_threshold(scores[:, k], truth, POSSIBLE_BETA, 0.3)
        )
        offered[category] = min(
            confident[category],
            max(possible[category], quiet_threshold(scores[benign, k], OFFERED_FP_CAP)),
        )
    return Thresholds(confident, possible, offered)


def average(members: list[SentenceModel], thresholds: Thresholds) -> SentenceModel:
    """One linear model whose logits are the mean of the members' logits."""
    rows: dict[str, np.ndarray] = {}
    for member in members:
        for feature, row in zip(member.vocabulary, member.weights, strict=True):
            rows[feature] = rows.get(feature, 0.0) + row / len(members)
    vocabulary = sorted(rows)
    weights = np.array([rows[f] for f in vocabulary]).reshape(len(vocabulary), -1)
    bias = np.mean([m.bias for m in members], axis=0)
    return SentenceModel(members[0].categories, vocabulary, weights, bias, thresholds)


def doc_scores(model: SentenceModel, doc: _Doc, cache: FeatureCache) -> np.ndarray:
    """A document's score per category: its strongest unit's."""
    if not doc.units:
        return np.zeros(len(model.categories))
    units = [[cache.name(int(i)) for i in unit] for unit in doc.units]
    return np.asarray(model.unit_scores(units).max(axis=0), dtype=float)


def quiet_threshold(benign_scores: np.ndarray, cap: float) -> float:
    """The lowest threshold that flags at most ``cap`` of the benign documents."""
    if len(benign_scores) == 0:
        return 0.0
    ordered = np.sort(benign_scores)[::-1]
    allowed = int(cap * len(ordered))
    return float(ordered[allowed]) + 1e-6 if allowed < len(ordered) else 0.0


def best_threshold(scores: np.ndarray, truth: np.ndarray, beta: float, fallback: float) -> float:
    """The threshold with the best F-beta on these scores (midway between neighbours)."""
    if not truth.any():
        return max(fallback, float(scores.max()) + 1e-3)
    candidates = np.unique(scores)
    best, best_f = fallback, -1.0
    for k, t in enumerate(candidates):
        predicted = scores >= t
        tp = float((predicted & truth).sum())
        fp = float((predicted & ~truth).sum())
        fn = float((~predicted & truth).sum())
        b2 = beta * beta
        f = (1 + b2) * tp / max(1e-9, (1 + b2) * tp + b2 * fn + fp)
        if f > best_f:
            lower = candidates[k - 1] if k > 0 else 0.0
            best, best_f = float((t + lower) / 2), f
    return best


def _train(docs: list[_Doc], cache: FeatureCache, thresholds: Thresholds) -> SentenceModel:
    """Fit the per-category weights on the units of ``docs``."""
    from scipy import sparse

    kept = _stable_features(docs)
    column = {f: i for i, f in enumerate(kept)}
    rows, cols, vals, owner = [], [], [], []
    r = 0
    for d, doc in enumerate(docs):
        for unit in doc.units:
            known = [column[int(f)] for f in unit if int(f) in column]
            norm = 1.0 / np.sqrt(max(1, len(known)))
            rows.extend([r] * len(known))
            cols.extend(known)
            vals.extend([norm] * len(known))
            owner.append(d)
            r += 1
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(r, len(kept)), dtype=np.float64)
    owner_arr = np.asarray(owner)
    truth = np.array([[c in doc.labels for c in MODEL_CATEGORIES] for doc in docs])
    y = truth[owner_arr].astype(np.float64)
    weights = _initial_weights(owner_arr, truth)
    w, b = _fit_weighted(x, y, weights)
    vocabulary = [cache.name(f) for f in kept]
    return SentenceModel(MODEL_CATEGORIES, vocabulary, w, b, thresholds)


def _stable_features(docs: list[_Doc]) -> list[int]:
    """Features seen in at least ``MIN_DOCS`` documents of at least ``MIN_GROUPS``
    groups: a word only one slice uses is that slice's topic, not a behaviour."""
    counts: dict[int, int] = {}
    groups: dict[int, set[str]] = {}
    for doc in docs:
        for feature in {int(f) for unit in doc.units for f in unit}:
            counts[feature] = counts.get(feature, 0) + 1
            groups.setdefault(feature, set()).add(doc.group)
    need = min(MIN_GROUPS, len({d.group for d in docs}))
    return sorted(f for f, n in counts.items() if n >= MIN_DOCS and len(groups[f]) >= need)


def _initial_weights(owner: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Every unit of a positive document a weak positive, every other unit a negative;
    each side's total weight balanced per category."""
    per_doc = np.bincount(owner, minlength=len(truth)).astype(float)
    positive = truth[owner]
    weights = np.where(positive, 1.0 / per_doc[owner][:, None], 1.0)
    pos = (weights * positive).sum(axis=0).clip(min=1e-9)
    neg = (weights * ~positive).sum(axis=0).clip(min=1e-9)
    return np.where(positive, weights / pos, NEGATIVE_SHARE * weights / neg)


def _fit_weighted(x: Any, y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted L2 logistic regression for every category at once (full-batch Adam)."""
    w = np.zeros((x.shape[1], y.shape[1]))
    b = np.zeros(y.shape[1])
    xt = x.T.tocsr()
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    for step in range(1, STEPS + 1):
        z = x @ w + b
        g = s * (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))) - y)
        grad_w = xt @ g + L2 * w
        grad_b = g.sum(axis=0)
        m_w = 0.9 * m_w + 0.1 * grad_w
        v_w = 0.999 * v_w + 0.001 * grad_w * grad_w
        m_b = 0.9 * m_b + 0.1 * grad_b
        v_b = 0.999 * v_b + 0.001 * grad_b * grad_b
        scale = LEARNING_RATE * np.sqrt(1 - 0.999**step) / (1 - 0.9**step)
        w -= scale * m_w / (np.sqrt(v_w) + 1e-8)
        b -= scale * m_b / (np.sqrt(v_b) + 1e-8)
    return w, b


def main(argv: list[str]) -> int:
    """Train on the given files and write the model."""
    from bot.checks.evaluation import read_jsonl

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    items = [item for path in args.data for item in read_jsonl(path)]
    model = fit(items, engine=CheckEngine.load(use_model=False))
    model.save(args.out)
    print(f"wrote {args.out}: {len(model.vocabulary)} features")
    for category in model.categories:
        print(
            f"  {category:24} confident ≥ {model.thresholds.confident[category]:.3f}"
            f"  possible ≥ {model.thresholds.possible[category]:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
