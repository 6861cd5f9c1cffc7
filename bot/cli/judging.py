"""``--judge`` on the command line: the judge connected from the settings, its opinion printed
after the quick checks' (``check --judge``), and its figures on a labelled corpus beside the
checks' on the same items, with what the run cost (``eval --judge``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.checks import CheckEngine, CheckResult
from bot.checks.evaluation import (
    PRF,
    CorpusReport,
    Prediction,
    predict,
    read_jsonl,
    report_dict,
    report_from_predictions,
    validate_item,
)
from bot.cli import progress
from bot.config import ConfigError, Settings
from bot.judge.cache import VerdictCache
from bot.judge.compare import compare
from bot.judge.evidence import sensitive_spans
from bot.judge.review import Judge
from bot.judge.verdict import Opinion
from bot.llm.connection import BudgetSpent, ModelClient, ModelConnection, ModelError
from bot.masking.redaction import Redactor, Span
from bot.runtime.clock import Clock, SystemClock
from bot.store.db import Database

NOT_CONFIGURED = (
    "no judge is configured: set SAFETYBOT_JUDGE_PROVIDER (anthropic or openai), "
    "SAFETYBOT_JUDGE_MODEL and SAFETYBOT_JUDGE_API_KEY; see docs/judge.md"
)


def fail(message: str) -> typer.Exit:
    """Print one line on stderr and return the exit to raise (as ``bot.cli.checks.fail``)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


ClientFactory = Callable[[Database, Clock, ModelConnection], ModelClient]


def _connected_client(db: Database, clock: Clock, connection: ModelConnection) -> ModelClient:
    """The SDK's client for ``connection`` within its daily budget."""
    from bot.llm.budget import connected_client

    client: ModelClient = connected_client(db, clock, connection)
    return client


# Tests put a scripted model here.
client_factory: ClientFactory = _connected_client


@dataclass
class Connected:
    """The judge the settings describe, and how many calls it may have in flight."""

    judge: Judge
    concurrency: int


def connect_judge() -> Connected:
    """The judge from the settings, on the database that keeps its cache and budget; one
    error line (and exit 1) when no judge is configured or its settings are incomplete."""
    try:
        settings = Settings()
        connection = settings.judge_connection()
    except ConfigError as exc:
        raise fail(str(exc)) from exc
    except ValidationError as exc:
        raise fail(f"configuration: {exc.errors()[0].get('msg')}") from exc
    if connection is None:
        raise fail(NOT_CONFIGURED)
    db = Database(settings.database_url)
    db.upgrade()
    clock = SystemClock()
    judge = Judge(
        client_factory(db, clock, connection),
        redactor=Redactor.load(settings.rule_paths),
        cache=VerdictCache(db, clock),
    )
    return Connected(judge, settings.model_concurrency)


def ask(judge: Judge, text: str, checks: CheckResult) -> Opinion:
    """The judge's opinion on ``text`` (masked also where ``checks`` found credentials or
    personal data); a failed call is one error line."""
    try:
        return judge.review(text, sensitive=sensitive_spans(checks))
    except ModelError as exc:
        raise fail(f"the judge could not be asked: {exc}") from exc


def opinion_data(opinion: Opinion, checks: CheckResult, shown: Redactor | None) -> dict[str, Any]:
    """The opinion and its comparison with the checks, as JSON-ready data; the model's text
    masked with ``shown`` (None when secrets are revealed)."""
    data = opinion.to_dict()
    data["reasoning"] = _shown(opinion.reasoning, shown)
    for entry in data["categories"]:
        entry["quote"] = _shown(entry["quote"], shown)
    comparison = compare(opinion, checks)
    data["comparison"] = {
        "adds": comparison.adds,
        "clears": comparison.clears,
        "agrees": comparison.agrees,
        "unsupported": comparison.unsupported,
        "summary": comparison.summary,
    }
    return data


def print_opinion(
    console: Console, opinion: Opinion, checks: CheckResult, shown: Redactor | None
) -> None:
    """The judge's verdicts, severity, reasoning, comparison and cost, after the checks'."""
    console.print(
        f"[bold]judge {opinion.model}[/bold] (rubric {opinion.rubric_version})", soft_wrap=True
    )
    if opinion.error is not None:
        console.print(
            Text(f"the judge's answer could not be read: {opinion.error}"), soft_wrap=True
        )
    else:
        table = Table(title="judge")
        for column in ("category", "verdict", "actuality", "quote"):
            table.add_column(column)
        for verdict in opinion.categories:
            if not verdict.verdict:
                continue
            word = "yes" if verdict.supported else "yes, unsupported (quote not in the text)"
            quote = _shown(verdict.quote, shown).replace("\n", " ")
            table.add_row(verdict.category, word, verdict.actuality, Text(quote))
        console.print(table)
        console.print(f"[bold]judge's severity:[/bold] {opinion.severity}", soft_wrap=True)
        console.print(
            Text(f"judge's reasoning: {_shown(opinion.reasoning, shown)}"), soft_wrap=True
        )
        console.print(
            Text(f"beside the quick checks: {compare(opinion, checks).summary}"), soft_wrap=True
        )
    cost = "cached, no call made" if opinion.cached else _call_cost(opinion)
    console.print(
        f"[dim]sent {opinion.sent_chars} characters (sha256 {opinion.content_hash[:12]}…); "
        f"{cost}[/dim]",
        soft_wrap=True,
    )


def _call_cost(opinion: Opinion) -> str:
    return (
        f"{opinion.input_tokens} input and {opinion.output_tokens} output tokens, "
        f"{opinion.latency_s:.1f} s"
    )


def _shown(text: str, shown: Redactor | None) -> str:
    return shown.text(text) if shown is not None else text


# eval --judge ----------------------------------------------------------------------------


@dataclass
class JudgeRun:
    """What the judge answered for each item (None where the call failed or was skipped)."""

    opinions: list[Opinion | None]
    failures: list[str] = field(default_factory=list)
    budget_spent: bool = False


def run_judge(
    judge: Judge,
    texts: list[tuple[str, list[Span]]],
    concurrency: int,
    update: progress.Update,
) -> JudgeRun:
    """The judge over ``texts`` (each with its sensitive spans) with ``concurrency`` calls in
    flight; a spent budget stops the calls not yet made."""
    run = JudgeRun([None] * len(texts))
    stop = threading.Event()
    lock = threading.Lock()

    def one(index: int) -> None:
        try:
            if stop.is_set():
                return
            try:
                text, sensitive = texts[index]
                run.opinions[index] = judge.review(text, sensitive=sensitive)
            except BudgetSpent as exc:
                stop.set()
                with lock:
                    run.budget_spent = True
                    run.failures.append(str(exc))
            except ModelError as exc:
                with lock:
                    run.failures.append(str(exc))
        finally:
            update(advance=1)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="judge") as pool:
        list(pool.map(one, range(len(texts))))
    return run


@dataclass(frozen=True)
class JudgeFigures:
    """The judge's and the checks' figures on the items the judge answered, and the cost."""

    items: int
    scored: int
    checks: CorpusReport
    judge: CorpusReport
    cost: dict[str, Any]


def eval_corpus(
    engine: CheckEngine, corpus: Path, concurrency: int | None, limit: int | None
) -> JudgeFigures:
    """Score the judge and the quick checks on the same items of ``corpus``."""
    connected = connect_judge()
    rows = [validate_item(item, n) for n, item in enumerate(read_jsonl(corpus), 1)]
    rows = rows[:limit] if limit is not None else rows
    with progress.bar(f"checking {corpus.name}", len(rows)) as update:
        results = [engine.run(row["text"]) for row in progress.advancing(rows, update)]
    work = [
        (row["text"], sensitive_spans(result)) for row, result in zip(rows, results, strict=True)
    ]
    workers = concurrency or connected.concurrency
    with progress.bar(f"judging {corpus.name}", len(rows)) as update:
        run = run_judge(connected.judge, work, workers, update)
    answered = [
        (row, result, opinion)
        for row, result, opinion in zip(rows, results, run.opinions, strict=True)
        if opinion is not None and opinion.error is None
    ]
    scored_rows = [row for row, _, _ in answered]
    checks = report_from_predictions(
        scored_rows,
        [predict(_Recorded(result), row["id"], row["text"]) for row, result, _ in answered],
    )
    judge = report_from_predictions(
        scored_rows, [_prediction(row, opinion) for row, _, opinion in answered]
    )
    return JudgeFigures(len(rows), len(answered), checks, judge, _cost(run))


class _Recorded:
    """A runner that answers with a result already computed (the checks run once per item:
    for their figures and for the spans masked before the judge is asked)."""

    def __init__(self, result: CheckResult) -> None:
        self._result = result

    def run(self, text: str) -> CheckResult:
        return self._result


def _prediction(row: dict[str, Any], opinion: Opinion) -> Prediction:
    labels = [c.category for c in opinion.found()]
    return Prediction(row["id"], labels, opinion.actuality(), opinion.severity, labels)


def _cost(run: JudgeRun) -> dict[str, Any]:
    """Requests, tokens, cache hits, latency percentiles and errors of one run."""
    opinions = [o for o in run.opinions if o is not None]
    asked = [o for o in opinions if not o.cached]
    latencies = sorted(o.latency_s for o in asked)
    unreadable = sum(1 for o in opinions if o.error is not None)
    return {
        "requests": len(asked) + len(run.failures),
        "cached": len(opinions) - len(asked),
        "input_tokens": sum(o.input_tokens for o in asked),
        "output_tokens": sum(o.output_tokens for o in asked),
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p95_s": _percentile(latencies, 95),
        "errors": len(run.failures) + unreadable,
        "failed_calls": len(run.failures),
        "unreadable_answers": unreadable,
        "unsupported_verdicts": sum(len(o.unsupported()) for o in opinions),
        "budget_spent": run.budget_spent,
        "first_error": run.failures[0] if run.failures else None,
    }


def _percentile(values: list[float], percent: int) -> float | None:
    """Nearest-rank percentile of sorted ``values``; None when there are none."""
    if not values:
        return None
    rank = max(1, -(-percent * len(values) // 100))
    return round(values[rank - 1], 3)


def figures_dict(figures: JudgeFigures) -> dict[str, Any]:
    """The figures as JSON-ready data."""
    return {
        "items": figures.items,
        "scored": figures.scored,
        "checks": report_dict(figures.checks),
        "judge": report_dict(figures.judge),
        "cost": figures.cost,
    }


def print_figures(console: Console, figures: JudgeFigures, corpus: str) -> None:
    """The judge's figures beside the checks', per category, then the cost and latency."""
    left_out = figures.items - figures.scored
    note = f" ({left_out} without a readable answer left out)" if left_out else ""
    console.print(
        f"[bold]{corpus}: the quick checks and the judge on the same "
        f"{figures.scored} of {figures.items} items{note}[/bold]",
        soft_wrap=True,
    )
    checks, judge = figures.checks, figures.judge
    table = Table(title="quick checks beside the judge")
    for column in ("figure", "quick checks", "judge"):
        table.add_column(column)
    table.add_row("macro F1", f"{checks.macro_f1:.3f}", f"{judge.macro_f1:.3f}")
    table.add_row("benign flagged", _benign(checks), _benign(judge))
    table.add_row(
        "actuality accuracy", f"{checks.actuality_accuracy:.3f}", f"{judge.actuality_accuracy:.3f}"
    )
    table.add_row(
        "severity accuracy", f"{checks.severity_accuracy:.3f}", f"{judge.severity_accuracy:.3f}"
    )
    console.print(table)
    per = Table(title="per category (F1, precision / recall)")
    for column in ("category", "items", "quick checks", "judge"):
        per.add_column(column)
    for category, ours in checks.per_category.items():
        theirs = judge.per_category[category]
        per.add_row(category, str(ours.tp + ours.fn), _prf(ours), _prf(theirs))
    console.print(per)
    console.print(_cost_line(figures.cost), soft_wrap=True)


def _benign(report: CorpusReport) -> str:
    if not report.benign_items:
        return "-"
    return f"{report.benign_false_positives}/{report.benign_items} ({report.benign_fp_rate:.1%})"


def _prf(prf: PRF) -> str:
    if not prf.tp + prf.fp + prf.fn:
        return "-"
    return f"{prf.f1:.2f} ({prf.precision:.2f} / {prf.recall:.2f})"


def _cost_line(cost: dict[str, Any]) -> Text:
    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f} s"

    line = (
        f"judge cost: {cost['requests']} requests, {cost['input_tokens']} input and "
        f"{cost['output_tokens']} output tokens, {cost['cached']} cached; latency p50 "
        f"{seconds(cost['latency_p50_s'])}, p95 {seconds(cost['latency_p95_s'])}; errors "
        f"{cost['errors']} ({cost['failed_calls']} failed calls, {cost['unreadable_answers']} "
        f"unreadable answers); verdicts without a verified quote {cost['unsupported_verdicts']}"
    )
    if cost["budget_spent"]:
        line += "; stopped: the judge's daily budget is spent"
    if cost["first_error"]:
        line += f"; first error: {cost['first_error']}"
    return Text(line)


def judge_options_error(
    judge: bool,
    corpus: Path | None,
    concurrency: int | None,
    limit: int | None,
    predictions: Path | None = None,
) -> str | None:
    """What is wrong with ``eval``'s judge options, or None."""
    if judge and corpus is None:
        return "--judge needs a labelled corpus FILE"
    if judge and predictions is not None:
        return "--predictions does not go with --judge"
    if not judge and (concurrency is not None or limit is not None):
        return "--concurrency and --limit go with --judge"
    return None
