"""Train the learned layer offline and write ``bot/checks/sentence_model.npz``.

Usage::

    python -m bot.checks.train_model DATA.jsonl [DATA.jsonl ...] [--out PATH]

Needs the ``train`` extra (scipy); the bot itself only needs numpy to run the model.

Training data is documents labelled as a whole, while the model judges units
(:mod:`bot.checks.units`), so it is fitted as multiple-instance learning: a document's
score is its strongest unit's. Every unit of a document without the category is a
negative; for a document with it, all its units start as weak positives and later rounds
keep only the units the model itself ranks highest, which finds the one sentence that
makes a long transcript concerning.

Thresholds are calibrated on held-out data only: the items are grouped by the prefix of
their id (each shared slice has its own), a model is trained without each group and
scores it, and each category's ``confident`` and ``possible`` thresholds are chosen on
those out-of-group scores. The shipped model is then trained on everything.
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
L2 = 3e-4
NEGATIVE_SHARE = 2.0
ROUNDS = 3
TOP_UNITS = 2
STEPS = 200
LEARNING_RATE = 0.05
CONFIDENT_BETA = 0.5
# Most benign documents a category may flag on held-out scores: ten categories at 0.8%
# keep the share of benign texts with any suggestion near the 5% the product promises.
BENIGN_FP_CAP = 0.008
POSSIBLE_BETA = 2.0


@dataclass
class _Doc:
    """One training document: its units' roles and feature ids, and its labels."""

    roles: list[str]
    units: list[np.ndarray]
    labels: frozenset[str]
    group: str


class FeatureCache:
    """Unit features per text, computed once and shared by every fold."""

    def __init__(self, engine: CheckEngine) -> None:
        self._engine = engine.with_model(None)
        self._ids: dict[str, int] = {}
        self._names: list[str] = []
        self._docs: dict[str, tuple[list[str], list[np.ndarray]]] = {}

    def doc(self, item: dict[str, Any]) -> _Doc:
        """The cached units of ``item``."""
        text = str(item["text"])
        cached = self._docs.get(text)
        if cached is None:
            views = self._engine.learning_units(text)
            ids = self._ids
            units = []
            for view in views:
                row = [ids.setdefault(f, len(ids)) for f in dict.fromkeys(view.features)]
                units.append(np.asarray(row, dtype=np.int32))
            self._names.extend(list(ids)[len(self._names) :])
            cached = ([v.unit.role for v in views], units)
            self._docs[text] = cached
        return _Doc(cached[0], cached[1], frozenset(item.get("labels") or ()), group_of(item))

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
    calibrate: bool = True,
) -> SentenceModel:
    """Train on ``items`` and calibrate thresholds on their groups held out in turn."""
    cache = cache or FeatureCache(engine)
    docs = [cache.doc(item) for item in items]
    thresholds = _calibrate(docs, cache) if calibrate else _default_thresholds()
    return _train(docs, cache, thresholds)


def _default_thresholds() -> Thresholds:
    return Thresholds(dict.fromkeys(MODEL_CATEGORIES, 0.5), dict.fromkeys(MODEL_CATEGORIES, 0.3))


def _calibrate(docs: list[_Doc], cache: FeatureCache) -> Thresholds:
    """Thresholds from scores of models that never saw the scored group."""
    groups = sorted({d.group for d in docs})
    if len(groups) < 2:
        return _default_thresholds()
    scores = np.zeros((len(docs), len(MODEL_CATEGORIES)))
    for group in groups:
        train = [d for d in docs if d.group != group]
        model = _train(train, cache, _default_thresholds())
        for i, doc in enumerate(docs):
            if doc.group == group:
                scores[i] = doc_scores(model, doc, cache)
    confident: dict[str, float] = {}
    possible: dict[str, float] = {}
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
    return Thresholds(confident, possible)


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
    """Fit the per-category weights by multiple-instance rounds."""
    from scipy import sparse

    counts: dict[int, int] = {}
    for doc in docs:
        for feature in {int(f) for unit in doc.units for f in unit}:
            counts[feature] = counts.get(feature, 0) + 1
    kept = sorted(f for f, n in counts.items() if n >= MIN_DOCS)
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
    w = np.zeros((len(kept), len(MODEL_CATEGORIES)))
    b = np.zeros(len(MODEL_CATEGORIES))
    for _ in range(ROUNDS):
        w, b = _fit_weighted(x, y, weights, w, b)
        weights = _refocus(x @ w + b, owner_arr, truth, weights)
    vocabulary = [cache.name(f) for f in kept]
    return SentenceModel(MODEL_CATEGORIES, vocabulary, w, b, thresholds)


def _initial_weights(owner: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Every unit of a positive document a weak positive, every other unit a negative;
    each side's total weight balanced per category."""
    per_doc = np.bincount(owner, minlength=len(truth)).astype(float)
    positive = truth[owner]
    weights = np.where(positive, 1.0 / per_doc[owner][:, None], 1.0)
    return _balance(weights, positive)


def _balance(weights: np.ndarray, positive: np.ndarray) -> np.ndarray:
    pos = (weights * positive).sum(axis=0).clip(min=1e-9)
    neg = (weights * ~positive).sum(axis=0).clip(min=1e-9)
    return np.where(positive, weights / pos, NEGATIVE_SHARE * weights / neg)


def _refocus(
    logits: np.ndarray, owner: np.ndarray, truth: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Keep as positives only each positive document's highest-scoring units."""
    positive = truth[owner]
    out = np.where(positive, 0.0, 1.0)
    bounds = np.searchsorted(owner, np.arange(len(truth) + 1))
    for d, k in zip(*np.nonzero(truth), strict=True):
        start, end = bounds[d], bounds[d + 1]
        if end > start:
            top = start + np.argsort(-logits[start:end, k])[:TOP_UNITS]
            out[top, k] = 1.0 / len(top)
    return _balance(out, positive)


def _fit_weighted(
    x: Any, y: np.ndarray, s: np.ndarray, w0: np.ndarray, b0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted L2 logistic regression for every category at once (full-batch Adam,
    warm-started from the previous round)."""
    w, b = w0.copy(), b0.copy()
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
    print(f"wrote {args.out}: {len(model._vocabulary)} features")
    for category in model.categories:
        print(
            f"  {category:24} confident ≥ {model.thresholds.confident[category]:.3f}"
            f"  possible ≥ {model.thresholds.possible[category]:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
