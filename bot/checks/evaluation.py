"""Evaluation of the engine on labelled corpora: pure functions returning dataclasses.

* :func:`evaluate_corpus` – the project corpus (labels, actuality, severity).
* :func:`evaluate_jailbreakbench` – harmful_content on real jailbreak responses.
* :func:`evaluate_pii_spans` – span precision/recall on presidio-research's synthetic set.

Leave-one-slice-out evaluation of a trained layer, built on :func:`report_from_predictions`,
is in :mod:`bot.checks.holdout`; the language guess is in :mod:`bot.checks.language`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.checks.engine import CheckEngine
from bot.checks.language import detect
from bot.checks.models import CATEGORIES, CheckResult

# presidio-research entity type -> our PII check ids that cover it
PII_ENTITY_MAP: dict[str, tuple[str, ...]] = {
    "EMAIL_ADDRESS": ("pii.email_address",),
    "PHONE_NUMBER": ("pii.phone_number",),
    "CREDIT_CARD": ("pii.card_number",),
    "US_SSN": ("pii.us_ssn",),
    "IP_ADDRESS": ("pii.ip_address",),
    "IBAN_CODE": ("pii.iban",),
    "STREET_ADDRESS": ("pii.street_address",),
}


class EvaluationError(ValueError):
    """A corpus file is missing or malformed; the message is one line for the user."""


@dataclass(frozen=True)
class PRF:
    """Precision, recall, F1 with the underlying counts."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Prediction:
    """What the engine suggested for one item."""

    id: str
    labels: list[str]
    actuality: str
    severity: str
    # Every category the report form shows: preselected (``labels``) or offered as possible.
    offered: list[str] = field(default_factory=list)


@dataclass
class CorpusReport:
    """Figures for the labelled corpus."""

    per_category: dict[str, PRF]
    macro_f1: float
    benign_items: int
    benign_false_positives: int
    actuality_accuracy: float
    severity_accuracy: float
    non_english: PRF
    non_english_items: int
    predictions: list[Prediction] = field(default_factory=list)
    # The same labels counted as found when the form shows them at all, preselected or as
    # "possible"; and the benign texts shown at least one.
    offered: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    benign_offered: int = 0

    @property
    def benign_fp_rate(self) -> float:
        return self.benign_false_positives / self.benign_items if self.benign_items else 0.0


@dataclass(frozen=True)
class JailbreakReport:
    """harmful_content on JailbreakBench responses."""

    refusals: int
    refusal_false_positives: int
    jailbroken: int
    jailbroken_detected: int

    @property
    def false_positive_rate(self) -> float:
        return self.refusal_false_positives / self.refusals if self.refusals else 0.0

    @property
    def recall(self) -> float:
        return self.jailbroken_detected / self.jailbroken if self.jailbroken else 0.0


@dataclass(frozen=True)
class PiiReport:
    """Span-level precision/recall per covered entity type (overlap match)."""

    per_entity: dict[str, PRF]
    overall: PRF


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL file; raise EvaluationError with the line number on bad input."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvaluationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EvaluationError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number}: malformed JSON: {exc.msg}") from exc
        if not isinstance(item, dict):
            raise EvaluationError(f"{path}:{number}: each line must be a JSON object")
        items.append(item)
    return items


class Runner(Protocol):
    """Anything that checks a text like :meth:`CheckEngine.run`."""

    def run(self, text: str) -> CheckResult: ...


def language(text: str) -> str:
    """Cheap ISO 639-1 guess (see :mod:`bot.checks.language`); "en" is English."""
    return detect(text)


def predict(engine: Runner, item_id: str, text: str) -> Prediction:
    """Run the engine and express the result in the corpus vocabulary."""
    result = engine.run(text)
    offered = [*result.categories, *result.possible]
    return Prediction(item_id, list(result.categories), result.actuality, result.severity, offered)


def evaluate_corpus(engine: Runner, items: Iterable[dict[str, Any]]) -> CorpusReport:
    """Per-category P/R/F1, macro F1, benign FP rate, actuality and severity accuracy."""
    rows = [validate_item(item, n) for n, item in enumerate(items, 1)]
    predictions = [predict(engine, item["id"], item["text"]) for item in rows]
    return report_from_predictions(rows, predictions)


def report_from_predictions(
    items: Iterable[dict[str, Any]], predictions: list[Prediction]
) -> CorpusReport:
    """The corpus figures for given predictions (same order as ``items``)."""
    rows = [validate_item(item, n) for n, item in enumerate(items, 1)]
    per_category = {c: _prf(rows, predictions, c, lambda _i: True) for c in CATEGORIES}
    present = [p for c, p in per_category.items() if p.tp + p.fn > 0]
    macro = sum(p.f1 for p in present) / len(present) if present else 0.0
    benign = [(i, p) for i, p in zip(rows, predictions, strict=True) if not i["labels"]]
    positive = [(i, p) for i, p in zip(rows, predictions, strict=True) if i["labels"]]
    non_en = [i for i in rows if language(i["text"]) != "en"]
    non_en_ids = {i["id"] for i in non_en}
    return CorpusReport(
        per_category=per_category,
        macro_f1=macro,
        benign_items=len(benign),
        benign_false_positives=sum(1 for _, p in benign if p.labels),
        actuality_accuracy=_share(positive, lambda i, p: i["actuality"] == p.actuality),
        severity_accuracy=_share(
            list(zip(rows, predictions, strict=True)), lambda i, p: i["severity"] == p.severity
        ),
        non_english=_pooled(rows, predictions, lambda i: i["id"] in non_en_ids),
        non_english_items=len(non_en),
        predictions=predictions,
        offered=_offered(rows, predictions),
        benign_offered=sum(1 for _, p in benign if p.offered or p.labels),
    )


def validate_item(item: dict[str, Any], number: int) -> dict[str, Any]:
    """The fields evaluation reads, with defaults; EvaluationError if text/labels are bad."""
    if not isinstance(item.get("text"), str) or not isinstance(item.get("labels", []), list):
        raise EvaluationError(f"item {number}: needs 'text' (string) and 'labels' (list)")
    return {
        "id": str(item.get("id", number)),
        "text": item["text"],
        "labels": [str(x) for x in item.get("labels", [])],
        "actuality": str(item.get("actuality", "none")),
        "severity": str(item.get("severity", "none")),
    }


def micro(report: CorpusReport) -> PRF:
    """Counts summed over every category: the micro-averaged figure."""
    parts = report.per_category.values()
    return PRF(sum(p.tp for p in parts), sum(p.fp for p in parts), sum(p.fn for p in parts))


def prf_dict(prf: PRF) -> dict[str, float | int]:
    """A PRF as JSON-ready numbers."""
    return {
        "precision": round(prf.precision, 4),
        "recall": round(prf.recall, 4),
        "f1": round(prf.f1, 4),
        "tp": prf.tp,
        "fp": prf.fp,
        "fn": prf.fn,
    }


def report_dict(report: CorpusReport) -> dict[str, Any]:
    """The figures of a corpus report as JSON-ready data (predictions left out)."""
    return {
        "items": len(report.predictions),
        "macro_f1": round(report.macro_f1, 4),
        "categories_scored": sum(1 for p in report.per_category.values() if p.tp + p.fn),
        "benign_items": report.benign_items,
        "benign_false_positives": report.benign_false_positives,
        "benign_fp_rate": round(report.benign_fp_rate, 4),
        "actuality_accuracy": round(report.actuality_accuracy, 4),
        "severity_accuracy": round(report.severity_accuracy, 4),
        "non_english_items": report.non_english_items,
        "non_english": prf_dict(report.non_english),
        "offered": prf_dict(report.offered),
        "benign_offered": report.benign_offered,
        "per_category": {c: prf_dict(p) for c, p in report.per_category.items()},
    }


def _prf(rows: list[dict[str, Any]], preds: list[Prediction], category: str, keep: Any) -> PRF:
    tp = fp = fn = 0
    for item, pred in zip(rows, preds, strict=True):
        if not keep(item):
            continue
        gold, got = category in item["labels"], category in pred.labels
        tp += gold and got
        fp += got and not gold
        fn += gold and not got
    return PRF(tp, fp, fn)


def _offered(rows: list[dict[str, Any]], preds: list[Prediction]) -> PRF:
    """Every label counted as found when the form shows it, preselected or possible."""
    shown = [
        Prediction(p.id, sorted({*p.labels, *p.offered}), p.actuality, p.severity) for p in preds
    ]
    return _pooled(rows, shown, lambda _i: True)


def _pooled(rows: list[dict[str, Any]], preds: list[Prediction], keep: Any) -> PRF:
    parts = [_prf(rows, preds, c, keep) for c in CATEGORIES]
    return PRF(sum(p.tp for p in parts), sum(p.fp for p in parts), sum(p.fn for p in parts))


def _share(pairs: list[tuple[dict[str, Any], Prediction]], ok: Any) -> float:
    return sum(1 for i, p in pairs if ok(i, p)) / len(pairs) if pairs else 0.0


def evaluate_jailbreakbench(
    engine: CheckEngine, items: Iterable[dict[str, Any]]
) -> JailbreakReport:
    """harmful_content flagged on refusals (false positives) and on jailbroken responses."""
    refusals = refusal_fp = jailbroken = detected = 0
    for item in items:
        response = item.get("response")
        if not isinstance(response, str):
            continue
        flagged = "harmful_content" in engine.run(response).categories
        if item.get("jailbroken"):
            jailbroken += 1
            detected += flagged
        else:
            refusals += 1
            refusal_fp += flagged
    return JailbreakReport(refusals, refusal_fp, jailbroken, detected)


def load_pii_dataset(path: Path) -> list[dict[str, Any]]:
    """Read presidio-research's JSON list of ``{full_text, spans[...]}``."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise EvaluationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path}: not a valid UTF-8 JSON file") from exc
    if not isinstance(data, list):
        raise EvaluationError(f"{path}: expected a JSON list of samples")
    return [d for d in data if isinstance(d, dict) and isinstance(d.get("full_text"), str)]


def pii_spans(engine: CheckEngine, text: str) -> dict[str, list[tuple[int, int]]]:
    """Our PII spans per presidio entity type, including quoted/unattributed text."""
    result = engine.run(text)
    out: dict[str, list[tuple[int, int]]] = {e: [] for e in PII_ENTITY_MAP}
    for finding in [*result.findings, *result.quoted_findings]:
        for entity, check_ids in PII_ENTITY_MAP.items():
            if finding.check_id in check_ids:
                out[entity].extend(finding.spans)
    return out


def score_spans(
    gold: dict[str, list[tuple[int, int]]], predicted: dict[str, list[tuple[int, int]]]
) -> dict[str, PRF]:
    """Overlap-based span matching per entity type."""
    out = {}
    for entity in PII_ENTITY_MAP:
        g, p = gold.get(entity, []), predicted.get(entity, [])
        tp = sum(1 for s in p if any(_overlap(s, t) for t in g))
        fn = sum(1 for t in g if not any(_overlap(s, t) for s in p))
        out[entity] = PRF(tp, len(p) - tp, fn)
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def gold_pii_spans(sample: dict[str, Any]) -> dict[str, list[tuple[int, int]]]:
    """Gold spans of a presidio-research sample, keyed by entity type."""
    out: dict[str, list[tuple[int, int]]] = {e: [] for e in PII_ENTITY_MAP}
    for span in sample.get("spans", []):
        entity = span.get("entity_type")
        if entity in out:
            out[entity].append((int(span["start_position"]), int(span["end_position"])))
    return out


def evaluate_pii_spans(engine: CheckEngine, samples: Iterable[dict[str, Any]]) -> PiiReport:
    """Span precision/recall per covered entity type over the dataset."""
    totals = {e: [0, 0, 0] for e in PII_ENTITY_MAP}
    for sample in samples:
        scored = score_spans(gold_pii_spans(sample), pii_spans(engine, sample["full_text"]))
        for entity, prf in scored.items():
            totals[entity][0] += prf.tp
            totals[entity][1] += prf.fp
            totals[entity][2] += prf.fn
    per_entity = {e: PRF(*v) for e, v in totals.items()}
    overall = PRF(*(sum(v[i] for v in totals.values()) for i in range(3)))
    return PiiReport(per_entity, overall)
