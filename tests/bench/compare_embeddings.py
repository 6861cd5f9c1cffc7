"""Approach B for the learned judge: WordLlama static embeddings, measured leave-one-slice-out.

Two models are compared on the shared training slices (``train/*.jsonl``) plus the dev corpus:

* ``doc pooled``: the README's starting point. Every sentence of the whole pasted text
  (no segmenter) is embedded; the mean and the max over sentences are concatenated and one
  logistic regression per category reads them.
* ``sentence MIL``: the text is split by ``bot.checks.transcript.parse_segments``; ``quoted``
  segments are dropped; the rest is split into sentences/lines (units, at most 400 chars).
  Each unit is embedded and gets its role as a one-hot. One logistic regression per category
  scores units; a document scores the max over its units. Training is multiple-instance
  (mi-SVM style): units of documents without the category are negatives, round 0 takes every
  unit of a positive document as positive, later rounds only its top-scoring unit(s).

Per-category thresholds come from an inner leave-one-source-out cross-validation over the
training side only (never from the held-out slice). The doc-pooled model is also reported at
the fixed 0.5 threshold with balanced class weights, which is how the README's figure
(macro F1 ~0.21, benign FP ~54%) was obtained.

Then speed and size: model load time, RSS added to a process that imported the quick checks,
embedding throughput, the whole sentence-level path (segment, split, embed, score) on 10 KB
and 1 MB of text, and the installed size of WordLlama and the dependencies it adds.

Run: ``.venv/bin/python -m tests.bench.compare_embeddings [--dim 256] [--rounds 3]``.
Needs the ``compare`` extra (``pip install -e '.[compare]'``); without WordLlama, numpy or
scikit-learn it prints why and exits 0. Nothing is downloaded: the weights ship in the wheel.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.checks.models import CATEGORIES
from tests.shared_data import shared_data

SLICES = (
    "corporate-agents",
    "engineering-agents",
    "chat-assistants",
    "safety-evals",
)
ROLES = ("reasoning", "final", "tool_call")
UNIT_CAP = 400
BENIGN_CAP = 0.02
NEEDED = ("wordllama", "numpy", "scipy")

# Lines, then sentence ends (Latin and CJK punctuation).
_SENTENCE = re.compile(r"\n+|(?<=[.!?])\s+(?=\S)|(?<=[。！？])")
_WORD = re.compile(r"\w+", re.UNICODE)
_EN = frozenset(
    re.findall(
        r"\S+",
        "the and to of is you i a in that it for this with be are not your on have will we can "
        "as at my was if or",
    )
)
_OTHER = frozenset(
    re.findall(
        r"\S+",
        "de la que el los las en por para una un es y se del lo le les et est pas pour une des "
        "du und der die das ist nicht ich sie es ein eine mit auf den il di che non per della "
        "sono não uma com para você het een van niet ik je dat voor ve bir bu için ile da ne mi "
        "w na nie się że jest",
    )
)
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-zÀ-ɏ]")


@dataclass
class Doc:
    id: str
    source: str
    text: str
    labels: frozenset[str]
    english: bool
    units: list[tuple[str, str]] = field(default_factory=list)  # (role, text)
    sentences: list[str] = field(default_factory=list)  # whole text, for the pooled model


def _is_english(text: str) -> bool:
    """Cheap language grouping: English function words against other languages' function
    words and non-Latin letters. Good enough to split the slices' 14 other languages out."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return True
    english = sum(w in _EN for w in words) / len(words)
    other = sum(w in _OTHER for w in words) / len(words)
    latin = len(_LATIN.findall(text))
    non_latin = len(_NON_LATIN_LETTER.findall(text))
    if non_latin > 0.3 * (latin + non_latin):
        return False
    return not (other > english and english < 0.08)


def split_units(text: str) -> list[str]:
    """Split a segment into sentences/lines, each at most ``UNIT_CAP`` characters."""
    out: list[str] = []
    for piece in _SENTENCE.split(text):
        piece = piece.strip()
        while len(piece) > UNIT_CAP:
            cut = piece.rfind(" ", UNIT_CAP // 2, UNIT_CAP)
            cut = cut if cut > 0 else UNIT_CAP
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        if _WORD.search(piece):
            out.append(piece)
    return out


def model_units(text: str) -> list[tuple[str, str]]:
    """Units of model-written text: (role, sentence) for every non-quoted segment."""
    from bot.checks.transcript import parse_segments

    units: list[tuple[str, str]] = []
    for segment in parse_segments(text):
        if segment.role == "quoted":
            continue
        role = segment.role if segment.role in ROLES else "final"
        units.extend((role, s) for s in split_units(text[segment.start : segment.end]))
    return units


def load_docs(root: Path) -> list[Doc]:
    files = [(name, root / "train" / f"{name}.jsonl") for name in SLICES]
    files.append(("corpus", root / "corpus.jsonl"))
    docs: list[Doc] = []
    for source, path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            text = item["text"]
            doc = Doc(
                id=item["id"],
                source=source,
                text=text,
                labels=frozenset(item["labels"]),
                english=_is_english(text),
            )
            doc.units = model_units(text)
            doc.sentences = split_units(text) or [text[:UNIT_CAP]]
            docs.append(doc)
    return docs


# --------------------------------------------------------------------------- models


class Scaler:
    """Standardise columns (mean 0, variance 1) with the training side's statistics."""

    def __init__(self, x: Any) -> None:
        self.mean = x.mean(axis=0)
        self.scale = x.std(axis=0) + 1e-6

    def __call__(self, x: Any) -> Any:
        return (x - self.mean) / self.scale


def fit_logistic(x: Any, targets: Any, weights: Any, c: float, init: Any = None) -> Any:
    """Twelve L2-regularised weighted logistic regressions fitted jointly by L-BFGS.

    Column k of ``targets`` (0/1) and ``weights`` (0 drops a row) defines category k's
    problem; the objective is sklearn's: C * weighted log-loss + ||w||² / 2 (bias free).
    Returns a (features + 1, categories) matrix whose last row is the bias."""
    import numpy as np
    from scipy.optimize import minimize

    n_features, n_out = x.shape[1], targets.shape[1]

    def objective(flat: Any) -> tuple[float, Any]:
        params = flat.reshape(n_features + 1, n_out)
        z = x @ params[:-1].astype(x.dtype) + params[-1].astype(x.dtype)
        loss = float((weights * (np.logaddexp(0.0, z) - targets * z)).sum(dtype=np.float64))
        grad_z = (weights * (1.0 / (1.0 + np.exp(-z)) - targets)).astype(x.dtype)
        grad = np.vstack([(x.T @ grad_z) * c + params[:-1], grad_z.sum(axis=0) * c])
        return c * loss + 0.5 * float((params[:-1] ** 2).sum()), grad.ravel()

    start = np.zeros((n_features + 1) * n_out) if init is None else init.ravel()
    result = minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"maxiter": 200, "ftol": 1e-7}
    )
    return result.x.reshape(n_features + 1, n_out)


class PooledModel:
    """One logistic regression per category over mean+max pooled sentence embeddings,
    classes balanced as sklearn's ``class_weight="balanced"`` does."""

    def __init__(self, c: float = 1.0) -> None:
        self.c = c

    def fit(self, x: Any, y: Any) -> PooledModel:
        import numpy as np

        self.scaler = Scaler(x)
        n = len(y)
        positives = np.maximum(y.sum(axis=0), 1)
        negatives = np.maximum(n - y.sum(axis=0), 1)
        weights = np.where(y == 1, n / (2 * positives), n / (2 * negatives))
        weights[:, y.sum(axis=0) == 0] = 0.0
        self.params = fit_logistic(self.scaler(x), y.astype(float), weights, self.c)
        self.params[-1, y.sum(axis=0) == 0] = -30.0
        return self

    def predict(self, x: Any) -> Any:
        import numpy as np

        z = self.scaler(x) @ self.params[:-1] + self.params[-1]
        return 1.0 / (1.0 + np.exp(-z))


class MILModel:
    """Per-category unit-level logistic regression trained as multiple-instance learning.

    ``unit_doc`` maps each unit row to its document's row. Units of documents without the
    category are negatives. Round 0 takes every unit of a positive document as positive
    (each document weighing 1 in total); each later round keeps only the ``top_k`` units of
    each positive document that the previous round scored highest. Both classes weigh the
    same in total. A document scores the max of its units' probabilities (0 when the
    segmenter left it no model-written unit)."""

    def __init__(self, c: float = 0.5, rounds: int = 3, top_k: int = 1) -> None:
        self.c, self.rounds, self.top_k = c, rounds, top_k

    def fit(self, x: Any, unit_doc: Any, y: Any) -> MILModel:
        import numpy as np

        self.scaler = Scaler(x)
        xs = self.scaler(x).astype(np.float32)
        unit_y = y[unit_doc].astype(float)  # (units, categories): the bag's label
        n_pos_docs = np.maximum(y.sum(axis=0), 1)
        units_per_doc = np.bincount(unit_doc, minlength=len(y)).astype(float)
        neg_w = (1 - unit_y) * (n_pos_docs / np.maximum((1 - unit_y).sum(axis=0), 1))
        pos_w = unit_y / units_per_doc[unit_doc][:, None]
        params = None
        for round_ in range(self.rounds + 1):
            if round_ > 0:
                z = xs @ params[:-1] + params[-1]
                pos_w = np.zeros_like(unit_y)
                for k in range(y.shape[1]):
                    rows = np.flatnonzero(unit_y[:, k] == 1)
                    if not len(rows):
                        continue
                    # Sort by (document, -score): the first top_k rows of each document win.
                    order = rows[np.lexsort((-z[rows, k], unit_doc[rows]))]
                    docs = unit_doc[order]
                    rank = np.arange(len(order)) - np.searchsorted(docs, docs)
                    pos_w[order[rank < self.top_k], k] = 1.0 / self.top_k
            weights = neg_w + pos_w
            weights *= len(xs) / (2 * n_pos_docs)
            params = fit_logistic(
                xs, unit_y.astype(np.float32), weights.astype(np.float32), self.c, params
            )
        assert params is not None
        params[-1, y.sum(axis=0) == 0] = -30.0
        self.params = params
        return self

    def unit_logits(self, x: Any) -> Any:
        return self.scaler(x) @ self.params[:-1] + self.params[-1]

    def predict(self, x: Any, unit_doc: Any, n_docs: int) -> Any:
        import numpy as np

        logits = self.unit_logits(x)
        out = np.full((n_docs, logits.shape[1]), -np.inf)
        np.maximum.at(out, unit_doc, logits)
        return 1.0 / (1.0 + np.exp(-out))


# --------------------------------------------------------------------------- metrics


def f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def best_threshold(scores: Any, truth: Any) -> float:
    """Threshold with the best F1 on out-of-fold scores (ties: the higher threshold)."""
    import numpy as np

    if truth.sum() < 2:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for t in np.unique(scores[truth == 1]):
        pred = scores >= t
        score = f1(
            int((pred & (truth == 1)).sum()),
            int((pred & (truth == 0)).sum()),
            int((~pred & (truth == 1)).sum()),
        )
        if score >= best_f1:
            best, best_f1 = float(t), score
    return best


@dataclass
class Scores:
    per_category: dict[str, float | None]
    macro: float
    macro12: float  # over all 12 categories, an absent and unpredicted one counting 0
    benign_fp: float
    n_benign: int


def evaluate(pred: Any, y: Any) -> Scores:
    """Per-category F1 (None when the category is neither present nor predicted), macro F1
    over the categories that are present or predicted, and the benign false-positive rate."""
    per: dict[str, float | None] = {}
    for k, name in enumerate(CATEGORIES):
        tp = int((pred[:, k] & (y[:, k] == 1)).sum())
        fp = int((pred[:, k] & (y[:, k] == 0)).sum())
        fn = int((~pred[:, k] & (y[:, k] == 1)).sum())
        per[name] = None if tp + fp + fn == 0 else f1(tp, fp, fn)
    values = [v for v in per.values() if v is not None]
    benign = y.sum(axis=1) == 0
    n_benign = int(benign.sum())
    fp_rate = float(pred[benign].any(axis=1).mean()) if n_benign else 0.0
    macro = sum(values) / len(values) if values else 0.0
    return Scores(per, macro, sum(values) / len(CATEGORIES), fp_rate, n_benign)


# --------------------------------------------------------------------------- experiment


class Data:
    """Embeddings for every document, built once and sliced per fold."""

    def __init__(self, docs: list[Doc], model: Any) -> None:
        import numpy as np

        self.docs = docs
        self.y = np.array(
            [[1 if c in d.labels else 0 for c in CATEGORIES] for d in docs], dtype=np.int64
        )
        unit_text, unit_doc, unit_role = [], [], []
        for i, d in enumerate(docs):
            for role, text in d.units:
                unit_text.append(text)
                unit_doc.append(i)
                unit_role.append(ROLES.index(role))
        self.unit_doc = np.asarray(unit_doc, dtype=np.int64)
        emb = model.embed(unit_text, norm=True)
        roles = np.eye(len(ROLES))[np.asarray(unit_role, dtype=np.int64)]
        self.unit_x = np.hstack([emb, roles])
        sent_text, sent_doc = [], []
        for i, d in enumerate(docs):
            sent_text.extend(d.sentences)
            sent_doc.extend([i] * len(d.sentences))
        sent_emb = model.embed(sent_text, norm=True)
        sent_doc_arr = np.asarray(sent_doc)
        dim = sent_emb.shape[1]
        mean = np.zeros((len(docs), dim))
        np.add.at(mean, sent_doc_arr, sent_emb)
        mean /= np.bincount(sent_doc_arr, minlength=len(docs))[:, None]
        mx = np.full((len(docs), dim), -np.inf)
        np.maximum.at(mx, sent_doc_arr, sent_emb)
        self.doc_x = np.hstack([mean, mx])
        self.n_units = len(unit_text)
        self.n_sentences = len(sent_text)

    def units_of(self, doc_rows: Any) -> tuple[Any, Any]:
        """Unit features and a unit→position-in-doc_rows index for the given documents."""
        import numpy as np

        position = np.full(len(self.docs), -1)
        position[doc_rows] = np.arange(len(doc_rows))
        keep = position[self.unit_doc] >= 0
        return self.unit_x[keep], position[self.unit_doc[keep]]


def _sources(docs: list[Doc]) -> Any:
    import numpy as np

    return np.asarray([d.source for d in docs])


def run_fold(data: Data, train: Any, test: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Train both models on ``train`` rows, pick thresholds by inner leave-one-source-out
    CV on ``train`` only, and return {model: decisions on the test rows}. Thresholds: the
    best F1 on the inner out-of-fold scores, or that raised until at most ``BENIGN_CAP`` of
    the training side's benign items score above it (per category)."""
    import numpy as np

    sources = _sources(data.docs)
    y = data.y
    oof_pool = np.zeros((len(train), len(CATEGORIES)))
    oof_mil = np.zeros((len(train), len(CATEGORIES)))
    for inner in np.unique(sources[train]):
        held = sources[train] == inner
        tr, te = train[~held], train[held]
        pooled = PooledModel(args.c_pooled).fit(data.doc_x[tr], y[tr])
        oof_pool[held] = pooled.predict(data.doc_x[te])
        ux, ud = data.units_of(tr)
        mil = MILModel(args.c, args.rounds, args.top_k).fit(ux, ud, y[tr])
        tx, td = data.units_of(te)
        oof_mil[held] = mil.predict(tx, td, len(te))
    benign = y[train].sum(axis=1) == 0

    def thresholds(oof: Any, cap: bool) -> Any:
        out = np.array([best_threshold(oof[:, k], y[train, k]) for k in range(len(CATEGORIES))])
        if cap:  # at most ~2% of the training side's benign items above it, per category
            out = np.maximum(out, np.quantile(oof[benign], 1 - BENIGN_CAP, axis=0) + 1e-9)
        return out

    pooled = PooledModel(args.c_pooled).fit(data.doc_x[train], y[train])
    pool_scores = pooled.predict(data.doc_x[test])
    ux, ud = data.units_of(train)
    mil = MILModel(args.c, args.rounds, args.top_k).fit(ux, ud, y[train])
    tx, td = data.units_of(test)
    mil_scores = mil.predict(tx, td, len(test))
    return {
        "doc pooled @0.5 (README)": pool_scores >= 0.5,
        "doc pooled, F1 thresholds": pool_scores >= thresholds(oof_pool, False),
        "doc pooled, FP-capped": pool_scores >= thresholds(oof_pool, True),
        "sentence MIL, F1 thresholds": mil_scores >= thresholds(oof_mil, False),
        "sentence MIL, FP-capped": mil_scores >= thresholds(oof_mil, True),
    }


def quality(data: Data, args: argparse.Namespace) -> list[str]:
    import numpy as np

    sources = _sources(data.docs)
    english = np.asarray([d.english for d in data.docs])
    lines: list[str] = []
    pooled_pred: dict[str, list[Any]] = {}
    pooled_rows: list[Any] = []
    per_slice: dict[str, dict[str, Scores]] = {}
    for held in SLICES:
        started = time.perf_counter()
        test = np.flatnonzero(sources == held)
        train = np.flatnonzero(sources != held)
        results = run_fold(data, train, test, args)
        pooled_rows.append(test)
        for name, pred in results.items():
            pooled_pred.setdefault(name, []).append(pred)
            per_slice.setdefault(name, {})[held] = evaluate(pred, data.y[test])
        print(f"  fold {held}: {time.perf_counter() - started:.1f} s", file=sys.stderr)

    rows = np.concatenate(pooled_rows)
    y = data.y[rows]
    lines.append("")
    lines.append(
        "Leave-one-slice-out (train: other 3 slices + corpus). Macro F1 over categories present"
        " in (or predicted for) the held-out slice; benign FP = share of benign items flagged."
    )
    header = f"{'model':32} " + " ".join(f"{s[:11]:>11}" for s in SLICES)
    header += f" {'mean':>6} {'pooled':>7} {'nonEN':>6}"
    lines.append(header)
    for name, slices in per_slice.items():
        pred = np.concatenate(pooled_pred[name])
        pooled = evaluate(pred, y)
        non_en = ~english[rows]
        nonen = evaluate(pred[non_en], y[non_en])
        mean_f1 = statistics.mean(s.macro for s in slices.values())
        mean_fp = statistics.mean(s.benign_fp for s in slices.values())
        lines.append(
            f"{name:32} "
            + " ".join(f"{slices[s].macro:>11.3f}" for s in SLICES)
            + f" {mean_f1:>6.3f} {pooled.macro:>7.3f} {nonen.macro:>6.3f}   macro F1"
        )
        mean12 = statistics.mean(s.macro12 for s in slices.values())
        lines.append(
            f"{'':32} "
            + " ".join(f"{slices[s].macro12:>11.3f}" for s in SLICES)
            + f" {mean12:>6.3f} {pooled.macro12:>7.3f} {nonen.macro12:>6.3f}   macro F1, all 12"
        )
        lines.append(
            f"{'':32} "
            + " ".join(f"{slices[s].benign_fp:>11.1%}" for s in SLICES)
            + f" {mean_fp:>6.1%} {pooled.benign_fp:>7.1%} {nonen.benign_fp:>6.1%}   benign FP"
        )
    lines.append("")
    lines.append(
        f"non-English items (heuristic): {int((~english).sum())} "
        f"({int((~english & (sources == 'chat-assistants')).sum())} in chat-assistants); "
        f"{int((~english[rows]).sum())} held out across folds"
    )
    lines.append("")
    lines.append("Per-category F1, pooled over the four held-out slices (n = support):")
    names = list(per_slice)
    lines.append(f"{'category':24} {'n':>4} " + " ".join(f"{n[:16]:>16}" for n in names))
    lines.append(f"{'':24} {'':>4} " + " ".join(f"{n[16:32]:>16}" for n in names))
    for k, cat in enumerate(CATEGORIES):
        cells = []
        for name in names:
            value = evaluate(np.concatenate(pooled_pred[name]), y).per_category[cat]
            cells.append(f"{'-' if value is None else f'{value:.3f}':>16}")
        lines.append(f"{cat:24} {int(y[:, k].sum()):>4} " + " ".join(cells))
    for name in ("sentence MIL, F1 thresholds", "sentence MIL, FP-capped"):
        lines.append("")
        lines.append(f"Per-category F1 per held-out slice, {name} ('-' = absent, not predicted):")
        lines.append(f"{'category':24} " + " ".join(f"{s[:11]:>11}" for s in SLICES))
        for cat in CATEGORIES:
            cells = []
            for s in SLICES:
                value = per_slice[name][s].per_category[cat]
                cells.append(f"{'-' if value is None else f'{value:.3f}':>11}")
            lines.append(f"{cat:24} " + " ".join(cells))
    return lines


# --------------------------------------------------------------------------- speed and size

_RSS_PROBE = """
import json, sys, time, pathlib
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
import bot.checks.engine, bot.checks.transcript
base = rss()
t0 = time.perf_counter()
import wordllama
from wordllama import WordLlama
t1 = time.perf_counter()
after_import = rss()
model = WordLlama.load('l2_supercat', dim=256, trunc_dim=TRUNC,
                       cache_dir=pathlib.Path(wordllama.__file__).parent, disable_download=True)
t2 = time.perf_counter()
after_load = rss()
model.embed(['warm up the tokenizer and the pooling'] * 64, norm=True)
after_embed = rss()
print(json.dumps({'base': base, 'import_s': t1 - t0, 'load_s': t2 - t1,
                  'after_import': after_import, 'after_load': after_load,
                  'after_embed': after_embed}))
"""


def load_probe(trunc: int | None) -> dict[str, float]:
    """Load time and RSS in a fresh interpreter that has imported the quick checks first."""
    code = _RSS_PROBE.replace("TRUNC", repr(trunc))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def installed_size() -> tuple[float, float, list[str]]:
    """MB on disk of the wordllama distribution, and of it plus every dependency it pulls in
    that the bot's own dependencies do not already install."""
    from importlib import metadata

    from packaging.requirements import Requirement

    def closure(root: str) -> set[str]:
        seen: set[str] = set()
        todo = [root]
        while todo:
            name = todo.pop().lower().replace("_", "-")
            if name in seen:
                continue
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            seen.add(name)
            for spec in dist.requires or []:
                req = Requirement(spec)
                if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                    continue
                todo.append(req.name)
        return seen

    def size(name: str) -> float:
        dist = metadata.distribution(name)
        total = 0
        for f in dist.files or []:
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                total += path.stat().st_size
        return total / 1e6

    bot = closure("safetybot")
    added = sorted(closure("wordllama") - bot)
    return size("wordllama"), sum(size(n) for n in added), added


def _texts_of_size(docs: list[Doc], size: int, offset: int) -> str:
    parts: list[str] = []
    total = 0
    i = offset
    while total < size:
        text = docs[i % len(docs)].text
        parts.append(text)
        total += len(text.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")


def speed(docs: list[Doc], model: Any, scorer: MILModel) -> list[str]:
    import numpy as np

    lines = [""]
    units = [t for d in docs for _, t in d.units]
    model.embed(units[:256], norm=True)
    started = time.perf_counter()
    model.embed(units, norm=True)
    elapsed = time.perf_counter() - started
    lines.append(
        f"embedding only: {len(units)} units in {elapsed:.2f} s = {len(units) / elapsed:,.0f} units/s"
    )

    def check(text: str) -> Any:
        pairs = model_units(text)
        if not pairs:
            return np.zeros(len(CATEGORIES))
        emb = model.embed([t for _, t in pairs], norm=True)
        roles = np.eye(len(ROLES))[[ROLES.index(r) for r, _ in pairs]]
        return scorer.unit_logits(np.hstack([emb, roles])).max(axis=0)

    for label, size, repeat in (("10 KB", 10_000, 30), ("1 MB", 1_000_000, 3)):
        samples = [_texts_of_size(docs, size, 37 * i) for i in range(repeat)]
        check(samples[0])
        times, seg_times = [], []
        for text in samples:
            t0 = time.perf_counter()
            model_units(text)
            t1 = time.perf_counter()
            check(text)
            t2 = time.perf_counter()
            seg_times.append((t1 - t0) * 1e3)
            times.append((t2 - t1) * 1e3)
        n_units = len(model_units(samples[0]))
        lines.append(
            f"{label}: whole path (segment, split, embed, score) median {statistics.median(times):.1f} ms,"
            f" max {max(times):.1f} ms; of which segment+split {statistics.median(seg_times):.1f} ms;"
            f" ~{n_units} units"
        )
    return lines


# --------------------------------------------------------------------------- main


def _missing() -> list[str]:
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=256, help="Matryoshka truncation: 64/128/256")
    parser.add_argument("--rounds", type=int, default=3, help="MIL relabelling rounds")
    parser.add_argument("--top-k", type=int, default=1, help="positive units per positive doc")
    parser.add_argument("--c", type=float, default=0.5, help="L2 inverse strength, MIL model")
    parser.add_argument("--c-pooled", type=float, default=1.0, help="same, pooled model")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)

    missing = _missing()
    if missing:
        print(
            f"SKIPPED: {', '.join(missing)} not installed. This comparison needs the compare "
            "extra: .venv/bin/pip install -e '.[compare]'"
        )
        return 0
    root = shared_data() / "checks"
    if not (root / "train").is_dir():
        print(f"SKIPPED: no training slices at {root / 'train'}")
        return 0

    warnings.filterwarnings("ignore")
    import wordllama
    from wordllama import WordLlama

    trunc = None if args.dim == 256 else args.dim
    started = time.perf_counter()
    model = WordLlama.load(
        "l2_supercat",
        dim=256,
        trunc_dim=trunc,
        cache_dir=Path(wordllama.__file__).parent,
        disable_download=True,
    )
    print(
        f"loaded l2_supercat/{args.dim} in {time.perf_counter() - started:.2f} s", file=sys.stderr
    )
    started = time.perf_counter()
    docs = load_docs(root)
    data = Data(docs, model)
    print(
        f"{len(docs)} docs, {data.n_units} model-written units, {data.n_sentences} sentences; "
        f"segment+embed {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    no_units = [d for d in docs if not d.units]
    lines = [
        f"WordLlama l2_supercat, {args.dim} dims; MIL: C={args.c}, {args.rounds} rounds, "
        f"top-{args.top_k}; pooled: C={args.c_pooled}",
        f"documents {len(docs)}; model-written units {data.n_units}; documents with no "
        f"model-written unit (all quoted) {len(no_units)}, of which labelled positive "
        f"{sum(1 for d in no_units if d.labels)}",
    ]
    if not args.skip_quality:
        lines.extend(quality(data, args))
    if not args.skip_speed:
        import numpy as np

        everything = np.arange(len(docs))
        ux, ud = data.units_of(everything)
        scorer = MILModel(args.c, args.rounds, args.top_k).fit(ux, ud, data.y)
        lines.extend(speed(docs, model, scorer))
        probe = load_probe(trunc)
        lines.append(
            f"load: import {probe['import_s'] * 1e3:.0f} ms + weights/tokenizer "
            f"{probe['load_s'] * 1e3:.0f} ms (fresh interpreter)"
        )
        lines.append(
            f"RSS: quick checks imported {probe['base']:.0f} MB; +{probe['after_import'] - probe['base']:.0f} MB"
            f" after import wordllama, +{probe['after_load'] - probe['base']:.0f} MB after load,"
            f" +{probe['after_embed'] - probe['base']:.0f} MB after a first embed"
        )
        own, added, names = installed_size()
        lines.append(
            f"installed size: wordllama {own:.1f} MB; with the dependencies it adds to the bot's "
            f"{added:.1f} MB ({', '.join(names)})"
        )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
