"""Benchmark of the quick checks: latency, linear growth, memory, adversarial inputs,
and PII/secrets detection side by side with Presidio's pattern recognizers and
detect-secrets (skipped with a printed reason when the ``bench`` extra is missing).

The side-by-side rows time the same job on the same texts: our entity scan
(:meth:`CheckEngine.match_patterns`: the pii rules of the six entity types both cover, or
the secrets rules) against Presidio's recognizers for those types, and against
detect-secrets' default plugins. Rows for our whole PII pack (street addresses, postcodes,
dates of birth... too) and for the full suite (every detector, segmentation and context)
are printed too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from typing import Any

from bot.checks import CheckEngine
from bot.checks.evaluation import PII_ENTITY_MAP, PRF, gold_pii_spans, pii_spans, score_spans
from bot.checks.learned import SentenceModel
from tests.bench.common import Row, percentile, shared_data, timings_ms

DATA = shared_data()
NAME = "checks"


def _corpus() -> list[dict[str, Any]]:
    path = DATA / "checks/corpus.jsonl"
    if not path.exists():
        return [{"text": "<thinking>I could copy my weights.</thinking>\nDone.", "labels": []}]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _transcript(items: list[dict[str, Any]], size: int) -> str:
    """Concatenate agentic corpus texts until ``size`` characters."""
    agentic = [i["text"] for i in items if "<" in i["text"] or "Reasoning:" in i["text"]] or [
        i["text"] for i in items
    ]
    parts, total, k = [], 0, 0
    while total < size:
        parts.append(agentic[k % len(agentic)])
        total += len(parts[-1]) + 2
        k += 1
    return "\n\n".join(parts)[:size]


def _once_ms(engine: CheckEngine, text: str, repeat: int = 3) -> float:
    return min(timings_ms(lambda: engine.run(text), repeat=repeat, warmup=1))


def _latency_rows(engine: CheckEngine, items: list[dict[str, Any]]) -> list[Row]:
    text = _transcript(items, 10_000)
    times = timings_ms(lambda: engine.run(text), repeat=300, warmup=10)
    median, p99 = percentile(times, 50), percentile(times, 99)
    return [
        Row(NAME, "10 KB transcript median", median, "ms", target="≤ 8 ms", ok=median <= 8),
        Row(NAME, "10 KB transcript p99", p99, "ms", target="≤ 20 ms", ok=p99 <= 20),
    ]


def _growth_rows(engine: CheckEngine, items: list[dict[str, Any]]) -> list[Row]:
    rows, base = [], None
    for size, label in ((10_000, "10 KB"), (100_000, "100 KB"), (1_000_000, "1 MB")):
        ms = _once_ms(engine, _transcript(items, size))
        base = base if base is not None else ms
        per = ms / (size / 10_000)
        target = "≤ 800 ms" if size == 1_000_000 else "linear"
        ok = ms <= 800 if size == 1_000_000 else None
        rows.append(
            Row(NAME, f"{label} run ({per:.2f} ms per 10 KB)", ms, "ms", target=target, ok=ok)
        )
    return rows


def _distinct_row(engine: CheckEngine) -> list[Row]:
    """1 MB made of the training slices' texts, none repeated: the transcript above repeats
    the corpus's agentic texts, and the learned layer reads each distinct sentence once."""
    paths = sorted((DATA / "checks/train").glob("*.jsonl"))
    if not paths:
        return []
    texts = [
        json.loads(line)["text"]
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    ]
    ms = _once_ms(engine, "\n\n".join(texts)[:1_000_000])
    return [Row(NAME, "1 MB of distinct texts (training slices, none repeated) run", ms, "ms")]


def _memory_row(engine: CheckEngine, items: list[dict[str, Any]]) -> Row:
    text = _transcript(items, 1_000_000)
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    engine.run(text)
    peak = (tracemalloc.get_traced_memory()[1] - baseline) / 1e6
    tracemalloc.stop()
    return Row(NAME, "1 MB peak memory above baseline", peak, "MB", target="≤ 50 MB", ok=peak <= 50)


# Loads the engine in a fresh interpreter: in this process ``re`` already holds the
# compiled patterns of the engine the other rows use, which made a second load look cheap.
_FRESH_LOAD = (
    "import time\n"
    "from bot.checks import CheckEngine\n"
    "started = time.perf_counter()\n"
    "CheckEngine.load()\n"
    "print((time.perf_counter() - started) * 1000)\n"
)


def _fresh_load_ms(cache_dir: str) -> float:
    """One engine load in a fresh interpreter whose pattern cache is ``cache_dir``."""
    environment = {**os.environ, "SAFETYBOT_CACHE_DIR": cache_dir}
    result = subprocess.run(
        [sys.executable, "-c", _FRESH_LOAD],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return float(result.stdout)


def _load_rows() -> list[Row]:
    """Start-up cost: the learned model alone, the whole engine (packs, lexicons and the
    model) as a starting bot loads it, in a fresh process (median of three), and the very
    first start on a machine, whose pattern cache is still empty."""
    started = time.perf_counter()
    model = SentenceModel.load()
    model_ms = (time.perf_counter() - started) * 1000
    with tempfile.TemporaryDirectory() as cache_dir:
        first_ms = _fresh_load_ms(cache_dir)
        engine_ms = sorted(_fresh_load_ms(cache_dir) for _ in range(3))[1]
    shipped = "" if model is not None else " (no model file shipped)"
    return [
        Row(
            NAME,
            f"learned model load{shipped}",
            model_ms,
            "ms",
            target="≤ 1000 ms",
            ok=model_ms <= 1000,
        ),
        Row(NAME, "engine first start on a machine (empty pattern cache)", first_ms, "ms"),
        Row(
            NAME,
            "engine load (packs + model), fresh process, median of 3",
            engine_ms,
            "ms",
            target="≤ 1000 ms",
            ok=engine_ms <= 1000,
        ),
    ]


def _adversarial_rows(engine: CheckEngine) -> list[Row]:
    cases = {
        "1 MB of 'a'": "a" * 1_000_000,
        "1 MB of spaces": " " * 1_000_000,
        "1 MB digits": "4" * 1_000_000,
        "10k nested tags": "<thinking>" * 10_000 + "x" + "</thinking>" * 10_000,
        "100k short lines": "$ a\n> b\nUser: c\n" * 33_334,
        "1 MB 'sk-' repeats": "sk-" * 333_334,
    }
    rows = []
    for name, text in cases.items():
        ms = _once_ms(engine, text, repeat=1)
        rows.append(
            Row(
                NAME,
                f"adversarial: {name} ({len(text) / 1e6:.2f} MB)",
                ms,
                "ms",
                target="≤ 500 ms",
                ok=ms <= 500,
            )
        )
    return rows


def _pii_texts() -> list[dict[str, Any]]:
    path = DATA / "pii/synth_dataset_v2.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _offline_tldextract() -> None:
    """Make tldextract (used by Presidio's e-mail validator) use its bundled public-suffix
    snapshot instead of downloading the list, so the bench touches no network."""
    try:
        import tldextract
        import tldextract.tldextract as tld_module
    except Exception:
        return
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tld_module.TLD_EXTRACTOR = offline
    tldextract.extract = offline


def _comparison_rows(engine: CheckEngine, items: list[dict[str, Any]]) -> list[Row]:
    _offline_tldextract()
    try:
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            UsSsnRecognizer,
        )
    except Exception as exc:
        print(f"bench_checks: skipping Presidio comparison ({exc.__class__.__name__}: {exc})")
        return []
    samples = _pii_texts()
    if not samples:
        print("bench_checks: skipping Presidio comparison (PII dataset missing)")
        return []
    recognizers = {
        "EMAIL_ADDRESS": EmailRecognizer(),
        "PHONE_NUMBER": PhoneRecognizer(),
        "CREDIT_CARD": CreditCardRecognizer(),
        "US_SSN": UsSsnRecognizer(),
        "IP_ADDRESS": IpRecognizer(),
        "IBAN_CODE": IbanRecognizer(),
    }

    def theirs(text: str) -> dict[str, list[tuple[int, int]]]:
        out: dict[str, list[tuple[int, int]]] = {e: [] for e in PII_ENTITY_MAP}
        for entity, rec in recognizers.items():
            for res in rec.analyze(text, [entity], nlp_artifacts=None) or []:
                if res.score >= 0.3:
                    out[entity].append((res.start, res.end))
        return out

    shared = {c for e in recognizers for c in PII_ENTITY_MAP[e]}

    def ours(text: str, check_ids: set[str] | None = shared) -> dict[str, list[tuple[int, int]]]:
        out: dict[str, list[tuple[int, int]]] = {e: [] for e in PII_ENTITY_MAP}
        for finding in engine.match_patterns(text, ("pii",), check_ids=check_ids):
            for entity, check_ids in PII_ENTITY_MAP.items():
                if entity != "STREET_ADDRESS" and finding.check_id in check_ids:
                    out[entity].extend(finding.spans)
        return out

    def ours_full(text: str) -> dict[str, list[tuple[int, int]]]:
        spans = pii_spans(engine, text)
        spans["STREET_ADDRESS"] = []
        return spans

    texts = [s["full_text"] for s in samples]
    rows = []
    t_ours = _best_of(ours, texts)
    t_pack = _best_of(lambda text: ours(text, None), texts)
    t_full = _best_of(ours_full, texts)
    t_theirs = _best_of(theirs, texts)
    rows.append(
        Row(
            NAME,
            "PII: our scan of the 6 shared types vs Presidio patterns (× faster)",
            t_theirs / t_ours,
            "×",
            target="≥ 10×",
            ok=t_theirs / t_ours >= 10,
        )
    )
    rows.append(
        Row(NAME, "PII: our whole PII pack vs Presidio patterns (× faster)", t_theirs / t_pack, "×")
    )
    rows.append(
        Row(NAME, "PII: our full suite vs Presidio patterns (× faster)", t_theirs / t_full, "×")
    )
    f_ours, f_theirs = _f1(samples, ours), _f1(samples, theirs)
    rows.append(Row(NAME, "PII F1 (6 shared types) full suite", _f1(samples, ours_full)))
    rows.append(
        Row(
            NAME,
            "PII F1 (6 shared types) ours vs Presidio",
            f_ours,
            "",
            baseline=f_theirs,
            target="≥ theirs",
            ok=f_ours >= f_theirs,
        )
    )
    rows.extend(_detect_secrets_rows(engine, items))
    return rows


def _time_all(fn: Any, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - started


def _best_of(fn: Any, texts: list[str], repeat: int = 3) -> float:
    """Fastest of ``repeat`` passes over ``texts`` (others share the machine)."""
    fn(texts[0])
    return min(_time_all(fn, texts) for _ in range(repeat))


def _f1(samples: list[dict[str, Any]], fn: Any) -> float:
    tp = fp = fn_ = 0
    for sample in samples:
        gold = gold_pii_spans(sample)
        gold["STREET_ADDRESS"] = []
        for prf in score_spans(gold, fn(sample["full_text"])).values():
            tp, fp, fn_ = tp + prf.tp, fp + prf.fp, fn_ + prf.fn
    return PRF(tp, fp, fn_).f1


def _detect_secrets_rows(engine: CheckEngine, items: list[dict[str, Any]]) -> list[Row]:
    try:
        from detect_secrets.core.scan import scan_line
        from detect_secrets.settings import default_settings
    except Exception as exc:
        print(f"bench_checks: skipping detect-secrets comparison ({exc.__class__.__name__}: {exc})")
        return []
    texts = [(i["text"], "secrets" in i.get("labels", [])) for i in items]

    def theirs(text: str) -> bool:
        with default_settings():
            return any(True for line in text.splitlines() for _ in scan_line(line))

    def ours(text: str) -> bool:
        return any(
            f.score >= 0.5 and f.actuality != "none"
            for f in engine.run(text).findings
            if f.category == "secrets"
        )

    def ours_scan(text: str) -> bool:
        return any(f.score >= 0.5 for f in engine.match_patterns(text, ("secrets",)))

    rows = []
    plain = [t for t, _ in texts]
    t_scan = _best_of(ours_scan, plain)
    t_ours = _best_of(ours, plain)
    t_theirs = _best_of(theirs, plain)
    rows.append(
        Row(
            NAME,
            "secrets: our secrets scan vs detect-secrets (× faster)",
            t_theirs / t_scan,
            "×",
            target="≥ 10×",
            ok=t_theirs / t_scan >= 10,
        )
    )
    rows.append(
        Row(NAME, "secrets: our full suite vs detect-secrets (× faster)", t_theirs / t_ours, "×")
    )
    f_ours = _item_f1([(ours_scan(t), g) for t, g in texts])
    f_theirs = _item_f1([(theirs(t), g) for t, g in texts])
    rows.append(
        Row(
            NAME,
            "secrets item F1 (corpus) our scan vs detect-secrets",
            f_ours,
            "",
            baseline=f_theirs,
            target="≥ theirs",
            ok=f_ours >= f_theirs,
        )
    )
    return rows


def _item_f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(1 for p, g in pairs if p and g)
    fp = sum(1 for p, g in pairs if p and not g)
    fn = sum(1 for p, g in pairs if g and not p)
    return PRF(tp, fp, fn).f1


def run() -> list[Row]:
    """All quick-check benchmark rows."""
    engine = CheckEngine.load()
    items = _corpus()
    rows = _load_rows()
    rows += _latency_rows(engine, items)
    rows += _growth_rows(engine, items)
    rows += _distinct_row(engine)
    rows.append(_memory_row(engine, items))
    rows += _adversarial_rows(engine)
    rows += _comparison_rows(engine, items)
    return rows
