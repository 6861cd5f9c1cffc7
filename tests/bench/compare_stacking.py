"""A document-level stacker over the learned layer, measured leave-one-slice-out.

The shipped learned layer scores a text as its strongest unit. This asks whether a second,
document-level model ranks texts better: per category, a logistic regression over every
category's strongest-unit logit and top-three mean, the rules' best score per category, which
roles the text holds, and its length. Its training scores are honest too: inside each outer
fold, every training text is scored by a unit model that did not see its slice.

The figure is held-out ROC AUC per category, against the strongest unit alone.

Run: ``.venv/bin/python -m tests.bench.compare_stacking`` (needs the ``train`` extra).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from bot.checks import CheckEngine
from bot.checks import train_model as tm
from bot.checks.evaluation import read_jsonl
from bot.checks.models import CATEGORIES
from tests.shared_data import shared_data

CATS = tm.MODEL_CATEGORIES


def auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """ROC AUC by ranks (ties share their mean rank)."""
    order = scores.argsort(kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    positives = int(truth.sum())
    negatives = len(truth) - positives
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))


class Stacking:
    """Document features for every text, from unit models and the rules."""

    def __init__(self) -> None:
        self.rules = CheckEngine.load(use_model=False)
        self.cache = tm.FeatureCache(self.rules)
        self._rule_rows: dict[str, list[float]] = {}

    def rule_row(self, text: str) -> list[float]:
        """The rules' best score per category, the roles present and the length."""
        row = self._rule_rows.get(text)
        if row is None:
            result = self.rules.run(text)
            best = dict.fromkeys(CATEGORIES, 0.0)
            for finding in result.findings:
                if finding.actuality != "none":
                    best[finding.category] = max(best[finding.category], finding.score)
            roles = {s.role for s in result.segments}
            row = [best[c] for c in CATEGORIES]
            row += [float(r in roles) for r in ("reasoning", "tool_call", "quoted")]
            row = self._rule_rows[text] = [*row, float(np.log1p(len(text)) / 10)]
        return row

    def features(self, model: Any, item: dict[str, Any]) -> np.ndarray:
        """One text's document features under ``model``."""
        doc = self.cache.doc(item)
        units = [[self.cache.name(int(i)) for i in unit] for unit in doc.units]
        scores = model.unit_scores(units) if units else np.zeros((1, len(CATS)))
        best = np.clip(scores.max(axis=0), 1e-6, 1 - 1e-6)
        top3 = np.sort(scores, axis=0)[::-1][:3].mean(axis=0)
        logit = np.log(best / (1 - best))
        return np.concatenate([logit, top3, self.rule_row(str(item["text"]))])

    def out_of_group(self, items: list[dict[str, Any]]) -> tuple[np.ndarray, Any]:
        """Features of ``items`` each from a unit model without its group; the averaged model."""
        docs = [self.cache.doc(i) for i in items]
        rows: list[np.ndarray] = [np.zeros(0)] * len(items)
        members = []
        for group in sorted({d.group for d in docs}):
            member = tm._train(
                [d for d in docs if d.group != group], self.cache, tm._default_thresholds()
            )
            members.append(member)
            for k, doc in enumerate(docs):
                if doc.group == group:
                    rows[k] = self.features(member, items[k])
        return np.array(rows), tm.average(members, tm._default_thresholds())


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Balanced logistic regression on standardised features, via the layer's own fitter."""
    from scipy import sparse

    weights = np.where(y, 0.5 / max(1, y.sum()), 0.5 / max(1, (~y).sum()))[:, None]
    w, b = tm._fit_weighted(sparse.csr_matrix(x), y[:, None].astype(float), weights)
    return w[:, 0], b


def main() -> int:
    """Print held-out AUC per category: strongest unit alone, and the stacker."""
    data = shared_data() / "checks"
    slices = {p.stem: read_jsonl(p) for p in sorted((data / "train").glob("*.jsonl"))}
    corpus = read_jsonl(data / "corpus.jsonl")
    stacking = Stacking()
    base: dict[str, list[float]] = {c: [] for c in CATS}
    stacked: dict[str, list[float]] = {c: [] for c in CATS}
    truth: dict[str, list[bool]] = {c: [] for c in CATS}
    for held, test in slices.items():
        train = [i for name, items in slices.items() if name != held for i in items] + corpus
        x_train, model = stacking.out_of_group(train)
        x_test = np.array([stacking.features(model, item) for item in test])
        mean, spread = x_train.mean(axis=0), x_train.std(axis=0) + 1e-9
        for k, category in enumerate(CATS):
            y = np.array([category in (i.get("labels") or []) for i in train])
            w, b = fit_logistic((x_train - mean) / spread, y)
            stacked[category].extend(((x_test - mean) / spread) @ w + b)
            base[category].extend(x_test[:, k])
            truth[category].extend(category in (i.get("labels") or []) for i in test)
        print(f"fold without {held} done", file=sys.stderr)
    print(f"{'category':26}{'strongest unit':>16}{'stacker':>10}")
    pairs = []
    for category in CATS:
        t = np.array(truth[category])
        pair = auc(np.array(base[category]), t), auc(np.array(stacked[category]), t)
        pairs.append(pair)
        print(f"{category:26}{pair[0]:>16.3f}{pair[1]:>10.3f}")
    means = np.mean(pairs, axis=0)
    print(f"{'mean':26}{means[0]:>16.3f}{means[1]:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
