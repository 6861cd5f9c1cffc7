"""Leave-one-slice-out evaluation: honest figures for a trained layer on top of the rules.

The shared training data comes as slices written independently of each other (one JSONL
file per slice). For each slice S, :func:`leave_one_slice_out` trains a model on every
other slice plus the ``also`` items (e.g. the development corpus), predicts every item of
S with ``engine.with_model(model)``, and scores those predictions. It never shows S to the
trainer: the training items of a fold are copies of the other slices' items and of
``also``, minus any item whose text (whitespace-normalised) equals a text of S.

Figures (all from :func:`bot.checks.evaluation.report_from_predictions`):

* per slice, and their unweighted mean over slices;
* pooled: every held-out prediction scored together (the per-category and per-language
  tables are pooled);
* in-sample, for contrast only: one model trained on every slice plus ``also`` and scored
  on the same slice items. It measures memorisation, not quality on new text.

**Macro F1 and absent categories.** A slice's macro F1 is the mean F1 over the categories
that occur in that slice's gold labels. A category absent from a slice has no positives to
find, so its F1 is undefined there and it is left out of that slice's average (rather than
scored 0 or 1); false positives of such a category still count against the benign
false-positive rate and the pooled per-category precision. The pooled macro F1 averages
every category that occurs anywhere in the slices (all twelve on the shared data). Means
over slices likewise skip a slice where a figure is undefined (no benign items, no
positive items, no non-English items).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.checks.evaluation import (
    CorpusReport,
    EvaluationError,
    Prediction,
    Runner,
    evaluate_corpus,
    micro,
    prf_dict,
    read_jsonl,
    report_dict,
    report_from_predictions,
    validate_item,
)
from bot.checks.language import GROUPS, detect, group

Trainer = Callable[[list[dict[str, Any]]], Any]
"""Trains on labelled items (dicts with ``text``, ``labels``...); returns a model or None."""
ProgressFn = Callable[[str, int, int], None]
"""Called before each step with (what is about to run, steps done, total steps)."""


class ModelEngine(Protocol):
    """An engine that can be given a model (:meth:`CheckEngine.with_model`)."""

    def with_model(self, model: Any, /) -> Runner: ...


@dataclass(frozen=True)
class Slice:
    """One independently written slice: its name (file stem) and its items."""

    name: str
    items: list[dict[str, Any]]
    folder: str = ""  # the folder it was read from


@dataclass
class SliceResult:
    """Figures for one slice and how many items the model that scored it was trained on."""

    name: str
    report: CorpusReport
    trained_on: int
    duplicates_dropped: int = 0
    folder: str = ""


@dataclass(frozen=True)
class MeanFigures:
    """Unweighted means over slices, each over the slices where the figure is defined."""

    macro_f1: float | None
    benign_fp_rate: float | None
    actuality_accuracy: float | None
    severity_accuracy: float | None
    non_english_f1: float | None


@dataclass
class HoldoutReport:
    """Leave-one-slice-out figures, pooled and per language group, and the in-sample ones."""

    slices: list[SliceResult]
    pooled: CorpusReport
    languages: dict[str, CorpusReport]
    language_codes: dict[str, dict[str, int]]
    in_sample: list[SliceResult] | None = None
    in_sample_pooled: CorpusReport | None = None

    @property
    def mean(self) -> MeanFigures:
        """Means of the per-slice held-out figures."""
        return mean_figures([s.report for s in self.slices])

    @property
    def folder_means(self) -> dict[str, MeanFigures]:
        """Means of the held-out figures per folder the slices came from (empty when
        they all came from one)."""
        folders = list(dict.fromkeys(s.folder for s in self.slices))
        if len(folders) < 2:
            return {}
        return {f: mean_figures([s.report for s in self.slices if s.folder == f]) for f in folders}

    @property
    def in_sample_mean(self) -> MeanFigures | None:
        """Means of the per-slice in-sample figures, if they were computed."""
        return mean_figures([s.report for s in self.in_sample]) if self.in_sample else None


def load_slices(*folders: Path) -> list[Slice]:
    """Every ``*.jsonl`` in ``folders`` as one slice (each folder's sorted by name);
    EvaluationError on a missing folder or one without slice files, fewer than two slices
    in all, two slices of one name, an empty slice, a malformed line or an item without
    text."""
    paths: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise EvaluationError(f"{folder}: no such folder")
        found = sorted(folder.glob("*.jsonl"))
        if not found:
            raise EvaluationError(f"{folder}: no slice files (*.jsonl)")
        paths.extend(found)
    if len(paths) < 2:
        where = ", ".join(str(f) for f in folders)
        raise EvaluationError(f"{where}: leave-one-slice-out needs at least two slice files")
    names = [path.stem for path in paths]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise EvaluationError(f"two slices are named {', '.join(twice)}: rename one")
    return [Slice(path.stem, load_items(path), str(path.parent)) for path in paths]


def load_items(path: Path) -> list[dict[str, Any]]:
    """A labelled JSONL file, every item checked; EvaluationError names the file and line."""
    items = read_jsonl(path)
    if not items:
        raise EvaluationError(f"{path}: no items")
    for number, item in enumerate(items, 1):
        try:
            validate_item(item, number)
        except EvaluationError as exc:
            raise EvaluationError(f"{path}: {exc}") from exc
    return items


def leave_one_slice_out(
    engine: ModelEngine,
    slices: list[Slice],
    trainer: Trainer,
    *,
    also: list[dict[str, Any]] | None = None,
    in_sample: bool = True,
    progress: ProgressFn | None = None,
) -> HoldoutReport:
    """Train without each slice in turn and score that slice; see the module docstring."""
    extra = list(also or [])
    steps = 2 * (len(slices) + (1 if in_sample else 0))
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress is not None:
            progress(what, done, steps)
        done += 1

    results = []
    for number, held in enumerate(slices, 1):
        held_texts = {_key(item["text"]) for item in held.items}
        candidates = [item for s in slices if s is not held for item in s.items] + extra
        training = [copy.deepcopy(i) for i in candidates if _key(i["text"]) not in held_texts]
        fold = f"fold {number}/{len(slices)} ({held.name})"
        step(f"{fold}: training on {len(training)} items")
        scoped = engine.with_model(trainer(training))
        step(f"{fold}: predicting {len(held.items)} held-out items")
        report = evaluate_corpus(scoped, held.items)
        dropped = len(candidates) - len(training)
        results.append(SliceResult(held.name, report, len(training), dropped, held.folder))
    all_items = [item for s in slices for item in s.items]
    pooled = report_from_predictions(all_items, [p for r in results for p in r.report.predictions])
    languages, codes = by_language(all_items, pooled.predictions)
    out = HoldoutReport(results, pooled, languages, codes)
    if in_sample:
        training = [copy.deepcopy(i) for i in all_items + extra]
        step(f"in-sample: training on all {len(training)} items")
        scoped = engine.with_model(trainer(training))
        step(f"in-sample: predicting {len(all_items)} items")
        out.in_sample = [
            SliceResult(s.name, evaluate_corpus(scoped, s.items), len(training)) for s in slices
        ]
        out.in_sample_pooled = report_from_predictions(
            all_items, [p for r in out.in_sample for p in r.report.predictions]
        )
    if progress is not None:
        progress("done", steps, steps)
    return out


def by_language(
    items: list[dict[str, Any]], predictions: list[Prediction]
) -> tuple[dict[str, CorpusReport], dict[str, dict[str, int]]]:
    """Reports per language group (in :data:`GROUPS` order, only groups with items) and the
    count of items per detected language code in each group."""
    codes = [detect(str(item["text"])) for item in items]
    reports: dict[str, CorpusReport] = {}
    counts: dict[str, dict[str, int]] = {}
    for name in GROUPS:
        keep = [i for i, code in enumerate(codes) if group(code) == name]
        if not keep:
            continue
        reports[name] = report_from_predictions(
            [items[i] for i in keep], [predictions[i] for i in keep]
        )
        tally: dict[str, int] = {}
        for i in keep:
            tally[codes[i]] = tally.get(codes[i], 0) + 1
        counts[name] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
    return reports, counts


def mean_figures(reports: list[CorpusReport]) -> MeanFigures:
    """Unweighted means over reports, each over the reports where the figure is defined."""

    def avg(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    return MeanFigures(
        macro_f1=avg([r.macro_f1 for r in reports if categories_scored(r)]),
        benign_fp_rate=avg([r.benign_fp_rate for r in reports if r.benign_items]),
        actuality_accuracy=avg([r.actuality_accuracy for r in reports if positives(r)]),
        severity_accuracy=avg([r.severity_accuracy for r in reports if r.predictions]),
        non_english_f1=avg([r.non_english.f1 for r in reports if r.non_english_items]),
    )


def categories_scored(report: CorpusReport) -> int:
    """How many categories occur in the gold labels (the ones macro F1 averages)."""
    return sum(1 for p in report.per_category.values() if p.tp + p.fn)


def positives(report: CorpusReport) -> int:
    """Items with at least one gold label (the ones actuality accuracy is measured on)."""
    return len(report.predictions) - report.benign_items


def holdout_dict(report: HoldoutReport) -> dict[str, Any]:
    """The summary as JSON-ready data (no per-item predictions)."""

    def slice_rows(rows: list[SliceResult]) -> list[dict[str, Any]]:
        return [
            {"slice": r.name, "trained_on": r.trained_on, **report_dict(r.report)} for r in rows
        ]

    def mean(m: MeanFigures | None) -> dict[str, float | None] | None:
        if m is None:
            return None
        return {k: None if v is None else round(v, 4) for k, v in vars(m).items()}

    return {
        "macro_f1_definition": "mean F1 over the categories present in the gold labels",
        "held_out": {
            "slices": slice_rows(report.slices),
            "mean": mean(report.mean),
            "folder_means": {f: mean(m) for f, m in report.folder_means.items()},
            "pooled": report_dict(report.pooled),
            "languages": {
                name: {
                    "codes": report.language_codes[name],
                    **report_dict(r),
                    "micro": prf_dict(micro(r)),
                }
                for name, r in report.languages.items()
            },
        },
        "in_sample": None
        if report.in_sample is None or report.in_sample_pooled is None
        else {
            "slices": slice_rows(report.in_sample),
            "mean": mean(report.in_sample_mean),
            "pooled": report_dict(report.in_sample_pooled),
        },
    }


def default_trainer(engine: Any) -> Trainer:
    """The project trainer, ``bot.checks.train_model.fit``. A unit's features depend on
    its text alone, never on labels, so one feature cache serves every fold; what each
    fold learns comes only from the items it is given."""
    from bot.checks.train_model import FeatureCache, fit

    cache = FeatureCache(engine)
    return lambda items: fit(items, engine=engine, cache=cache)


def _key(text: Any) -> str:
    return " ".join(str(text).split())
