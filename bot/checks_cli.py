"""CLI commands ``check`` and ``eval`` for the quick checks (registered in ``bot.cli``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.checks import CheckEngine, CheckResult, RulePackError
from bot.checks.evaluation import (
    PRF,
    CorpusReport,
    EvaluationError,
    evaluate_corpus,
    evaluate_jailbreakbench,
    evaluate_pii_spans,
    load_pii_dataset,
    read_jsonl,
)

_ROLE_STYLE = {"reasoning": "cyan", "final": "white", "tool_call": "magenta", "quoted": "dim"}


def _fail(message: str) -> typer.Exit:
    """Print one line on stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _read_input(file: str) -> str:
    """Read a file (or stdin for ``-``) as UTF-8."""
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(f"{file}: not valid UTF-8 (byte {exc.start})") from exc


def _load_engine() -> CheckEngine:
    try:
        return CheckEngine.load()
    except RulePackError as exc:
        raise _fail(str(exc)) from exc


def check_command(
    file: str = typer.Argument(..., help="file or - for stdin"),
    json_output: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Run the quick checks on a pasted output or transcript."""
    text = _read_input(file)
    result = _load_engine().run(text)
    if json_output:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_result(Console(), text, result)


def _print_result(console: Console, text: str, result: CheckResult) -> None:
    """Segments, findings with highlighted spans, and the suggested triage."""
    segments = Table(title="segments")
    for column in ("role", "tool", "span", "start of text"):
        segments.add_column(column)
    for seg in result.segments:
        preview = text[seg.start : seg.end][:60].replace("\n", " ")
        segments.add_row(
            Text(seg.role, style=_ROLE_STYLE[seg.role]),
            seg.tool or "",
            f"{seg.start}-{seg.end}",
            preview,
        )
    console.print(segments)
    findings = Table(title="findings")
    for column in ("category", "check", "score", "actuality", "evidence"):
        findings.add_column(column)
    for finding in result.findings:
        findings.add_row(
            finding.category,
            finding.check_id,
            f"{finding.score:.2f}",
            finding.actuality,
            _highlight(text, finding.spans),
        )
    console.print(findings)
    console.print(
        f"[bold]severity:[/bold] {result.severity}   [bold]actuality:[/bold] {result.actuality}"
    )
    possible = [c for c in dict.fromkeys(result.possible) if c not in result.categories]
    console.print(
        f"[bold]categories (high confidence):[/bold] {', '.join(result.categories) or '-'}"
    )
    console.print(f"[bold]possible (lower confidence):[/bold] {', '.join(possible) or '-'}")
    console.print(Text(f"reason: {result.reason}"))
    console.print(f"[dim]{result.elapsed_ms:.1f} ms[/dim]")


def _highlight(text: str, spans: tuple[tuple[int, int], ...]) -> Text:
    """Excerpt around the first span with every span in it highlighted."""
    start = max(0, spans[0][0] - 50)
    end = min(len(text), spans[0][1] + 70)
    out = Text(text[start:end].replace("\n", " "))
    for s, e in spans:
        if s >= start and e <= end:
            out.stylize("bold reverse", s - start, e - start)
    return out


def eval_command(
    corpus: Path = typer.Argument(..., help="labelled corpus (JSONL)"),
    predictions: Path | None = typer.Option(None, "--predictions", help="write predictions JSONL"),
    jailbreakbench: Path | None = typer.Option(None, "--jailbreakbench", help="responses.jsonl"),
    pii: Path | None = typer.Option(None, "--pii", help="presidio-research synth dataset JSON"),
) -> None:
    """Evaluate the quick checks on a labelled corpus (and optional extra datasets)."""
    engine = _load_engine()
    console = Console()
    try:
        report = evaluate_corpus(engine, read_jsonl(corpus))
        _print_corpus(console, report)
        if predictions is not None:
            _write_predictions(predictions, report)
        if jailbreakbench is not None:
            jb = evaluate_jailbreakbench(engine, read_jsonl(jailbreakbench))
            console.print(
                f"JailbreakBench harmful_content: FP on refusals {jb.refusal_false_positives}/"
                f"{jb.refusals} ({jb.false_positive_rate:.1%}), recall on jailbroken "
                f"{jb.jailbroken_detected}/{jb.jailbroken} ({jb.recall:.1%})"
            )
        if pii is not None:
            _print_pii(console, evaluate_pii_spans(engine, load_pii_dataset(pii)))
    except EvaluationError as exc:
        raise _fail(str(exc)) from exc


def _print_corpus(console: Console, report: CorpusReport) -> None:
    table = Table(title="per category")
    for column in ("category", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column)
    for category, prf in report.per_category.items():
        table.add_row(category, *_prf_cells(prf))
    console.print(table)
    ne = report.non_english
    console.print(
        f"macro F1 {report.macro_f1:.3f} | benign FP {report.benign_false_positives}/"
        f"{report.benign_items} ({report.benign_fp_rate:.1%}) | actuality accuracy "
        f"{report.actuality_accuracy:.3f} | severity accuracy {report.severity_accuracy:.3f}"
    )
    console.print(
        f"non-English ({report.non_english_items} items): P {ne.precision:.2f} "
        f"R {ne.recall:.2f} F1 {ne.f1:.2f}"
    )


def _prf_cells(prf: PRF) -> tuple[str, ...]:
    """Precision, recall, F1 and the counts behind them, as table cells."""
    return (
        f"{prf.precision:.2f}",
        f"{prf.recall:.2f}",
        f"{prf.f1:.2f}",
        str(prf.tp),
        str(prf.fp),
        str(prf.fn),
    )


def _write_predictions(path: Path, report: CorpusReport) -> None:
    try:
        with path.open("w", encoding="utf-8") as handle:
            for p in report.predictions:
                row = {
                    "id": p.id,
                    "labels": p.labels,
                    "actuality": p.actuality,
                    "severity": p.severity,
                }
                handle.write(json.dumps(row) + "\n")
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror or exc}") from exc


def _print_pii(console: Console, report: object) -> None:
    from bot.checks.evaluation import PiiReport

    assert isinstance(report, PiiReport)
    table = Table(title="PII spans (presidio-research)")
    for column in ("entity", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column)
    for entity, prf in [*report.per_entity.items(), ("overall", report.overall)]:
        table.add_row(entity, *_prf_cells(prf))
    console.print(table)
