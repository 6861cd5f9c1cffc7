"""Train (and honestly evaluate) the linear model shipped as ``bot/checks/model.json``.

Usage::

    python -m bot.checks.train_model CORPUS.jsonl [--cv-only] [--folds 5] [--repeats 3]

Evaluation always comes first and never uses an item's own label to score it:

* **k-fold cross-validation** (repeated with different shuffles): each fold trains a model
  on the other folds and runs the full engine (rules + that model) on the held-out fold;
  the printed figures are computed on out-of-fold predictions only.
* **id-parity split**: train on odd ids, test on even ids, and the reverse.

The cross-validated figure is the expected figure on unseen text; the final model written
to ``model.json`` is then trained on the whole corpus (its score on that corpus would be a
training score and is not reported as a quality figure).

Training: per-category L2-regularised logistic regression with balanced class weights,
full-batch gradient descent on binary, L2-normalised features (numpy is needed here only;
inference in :mod:`bot.checks.learned` is pure Python). Features seen in fewer than two
training documents are dropped, and only the largest weights per category are kept.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from bot.checks.engine import CheckEngine
from bot.checks.evaluation import (
    CorpusReport,
    Prediction,
    predict,
    read_jsonl,
    report_from_predictions,
)
from bot.checks.learned import MODEL_PATH, DocFeatures, LinearModel
from bot.checks.models import CATEGORIES

# Every category but the two pattern scanners (secrets, PII), which need no model.
MODEL_CATEGORIES = [c for c in CATEGORIES if c not in ("pii", "secrets")]
L2 = 0.02
EPOCHS = 400
LEARNING_RATE = 2.0
MIN_DF = 2
KEEP_PER_CATEGORY = 600


def train(
    docs: list[DocFeatures], labels: list[list[str]], categories: list[str] = MODEL_CATEGORIES
) -> LinearModel:
    """Fit one logistic regression per category; return the pruned model."""
    import numpy as np

    df: dict[str, int] = {}
    for doc in docs:
        for feature in doc.all:
            df[feature] = df.get(feature, 0) + 1
    vocab = sorted(f for f, n in df.items() if n >= MIN_DF)
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(docs), len(vocab)), dtype=np.float64)
    for row, doc in enumerate(docs):
        norm = 1.0 / np.sqrt(max(1, len(doc.all)))
        for feature in doc.all:
            col = index.get(feature)
            if col is not None:
                x[row, col] = norm
    y = np.array([[c in lab for c in categories] for lab in labels], dtype=np.float64)
    pos = y.sum(axis=0).clip(min=1)
    neg = (len(docs) - y.sum(axis=0)).clip(min=1)
    sample_w = np.where(y > 0, len(docs) / (2 * pos), len(docs) / (2 * neg))
    w = np.zeros((len(vocab), len(categories)))
    b = np.zeros(len(categories))
    for _ in range(EPOCHS):
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        g = (p - y) * sample_w / len(docs)
        w -= LEARNING_RATE * (x.T @ g + L2 * w)
        b -= LEARNING_RATE * g.sum(axis=0)
    keep: set[int] = set()
    for k in range(len(categories)):
        order = np.argsort(-np.abs(w[:, k]))[:KEEP_PER_CATEGORY]
        keep.update(int(i) for i in order if abs(w[i, k]) > 1e-4)
    weights = {vocab[i]: [round(float(v), 4) for v in w[i]] for i in sorted(keep)}
    return LinearModel(categories, [round(float(v), 4) for v in b], weights)


def save(model: LinearModel, path: Path = MODEL_PATH) -> None:
    """Write the model as compact JSON."""
    data = {
        "format": 1,
        "categories": model.categories,
        "bias": model._bias,
        "weights": model._weights,
    }
    path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")


def _folds(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def out_of_fold(
    engine: CheckEngine,
    items: list[dict[str, Any]],
    docs: list[DocFeatures],
    folds: list[list[int]],
) -> CorpusReport:
    """Figures from predictions made by models that never saw the predicted item."""
    predictions: list[Prediction | None] = [None] * len(items)
    for test in folds:
        held = set(test)
        train_idx = [i for i in range(len(items)) if i not in held]
        model = train([docs[i] for i in train_idx], [items[i]["labels"] for i in train_idx])
        scoped = engine.with_model(model)
        for i in test:
            predictions[i] = predict(scoped, items[i]["id"], items[i]["text"])
    chosen = [items[i] for i in range(len(items)) if predictions[i] is not None]
    return report_from_predictions(chosen, [p for p in predictions if p is not None])


def summary(name: str, report: CorpusReport) -> str:
    """One block of figures for the console."""
    cats = " ".join(
        f"{c[:8]}={p.precision:.2f}/{p.recall:.2f}/{p.f1:.2f}"
        for c, p in report.per_category.items()
    )
    return (
        f"{name}: macro F1 {report.macro_f1:.3f} | benign FP {report.benign_false_positives}/"
        f"{report.benign_items} ({report.benign_fp_rate:.1%}) | actuality "
        f"{report.actuality_accuracy:.3f} | severity {report.severity_accuracy:.3f} | "
        f"non-English F1 {report.non_english.f1:.2f}\n  P/R/F1 {cats}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    items = read_jsonl(args.corpus)
    engine = CheckEngine.load(use_model=False)
    docs = [engine.features(item["text"]) for item in items]
    rules_only = report_from_predictions(
        items, [predict(engine, str(i.get("id")), i["text"]) for i in items]
    )
    print(summary("rules only (whole corpus; rules were written with it in view)", rules_only))
    for seed in range(args.repeats):
        report = out_of_fold(engine, items, docs, _folds(len(items), args.folds, seed))
        print(summary(f"{args.folds}-fold CV, shuffle {seed}", report))

    def parity(item: dict[str, Any]) -> int:
        return int(str(item.get("id", "0")).rsplit("-", 1)[-1] or 0) % 2

    odd = [i for i, item in enumerate(items) if parity(item) == 1]
    even = [i for i, item in enumerate(items) if parity(item) == 0]
    for name, test in (("train odd, test even", even), ("train even, test odd", odd)):
        print(summary(name, out_of_fold(engine, items, docs, [test])))
    if args.cv_only:
        return 0
    model = train(docs, [item["labels"] for item in items])
    save(model, args.out)
    print(f"wrote {args.out} ({len(model._weights)} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
