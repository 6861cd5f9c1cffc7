"""``safetybot eval``: the quick checks' quality, leave-one-slice-out with ``--holdout`` (the
honest figure), a labelled corpus scored by the rules alone, and optional extra datasets.
Registered in :mod:`bot.cli.main`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from bot.checks import CheckEngine, CheckResult
from bot.checks.evaluation import (
    PRF,
    CorpusReport,
    EvaluationError,
    PiiReport,
    evaluate_corpus,
    evaluate_jailbreakbench,
    evaluate_pii_spans,
    load_pii_dataset,
    micro,
    prf_dict,
    read_jsonl,
    report_dict,
)
from bot.checks.holdout import (
    HoldoutReport,
    MeanFigures,
    Slice,
    SliceResult,
    Trainer,
    categories_scored,
    default_trainer,
    holdout_dict,
    leave_one_slice_out,
    load_items,
    load_slices,
    positives,
)
from bot.cli import judging, progress
from bot.cli.checks import fail, load_engine


def eval_command(
    corpus: Path | None = typer.Argument(
        None, help="labelled corpus (JSONL), scored by the shipped engine"
    ),
    holdout: list[Path] | None = typer.Option(
        None,
        "--holdout",
        help="folder of slice files (*.jsonl): train without each slice in turn, score it "
        "(repeatable: the slices of every folder take turns)",
    ),
    also: list[Path] | None = typer.Option(
        None, "--also", help="extra training data joined to every fold (repeatable)"
    ),
    blind: Path | None = typer.Option(
        None,
        "--blind",
        help="a slice written without reading the training data and never trained on: "
        "scored by the shipped engine",
    ),
    predictions: Path | None = typer.Option(
        None, "--predictions", help="write the corpus's predictions (JSONL)"
    ),
    jailbreakbench: Path | None = typer.Option(None, "--jailbreakbench", help="responses.jsonl"),
    pii: Path | None = typer.Option(None, "--pii", help="presidio-research synth dataset JSON"),
    json_output: bool = typer.Option(False, "--json", help="print the figures as JSON"),
    judge: bool = typer.Option(
        False,
        "--judge",
        help="also run the judge model over the corpus and print its figures beside the "
        "quick checks' on the same items (docs/judge.md)",
    ),
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        min=1,
        max=32,
        help="judge calls in flight (default SAFETYBOT_MODEL_CONCURRENCY)",
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="judge only the corpus's first N items"
    ),
) -> None:
    """Evaluate the quick checks: leave-one-slice-out with --holdout (the honest figure),
    a blind slice, a labelled corpus with the shipped engine, and optional extra datasets."""
    if corpus is None and not holdout and blind is None:
        raise fail("give a labelled corpus FILE, --holdout DIR or --blind FILE")
    if also and not holdout:
        raise fail("--also needs --holdout DIR")
    if predictions is not None and corpus is None:
        raise fail("--predictions needs a corpus FILE")
    judge_error = judging.judge_options_error(judge, corpus, concurrency, limit, predictions)
    if judge_error is not None:
        raise fail(judge_error)
    engine = load_engine()
    console = Console()
    summary: dict[str, Any] = {}
    try:
        if holdout:
            slices = load_slices(*holdout)
            extra = [item for path in also or [] for item in load_items(path)]
            held = _run_holdout(engine, slices, extra, _make_trainer(engine))
            summary["holdout"] = holdout_dict(held)
            if not json_output:
                _print_holdout(console, held, [p.name for p in also or []])
        if blind is not None:
            summary["blind"] = _run_blind(console, engine, blind, json_output)
        if corpus is not None and judge:
            figures = judging.eval_corpus(engine, corpus, concurrency, limit)
            summary["judge"] = judging.figures_dict(figures)
            if not json_output:
                judging.print_figures(console, figures, corpus.name)
        elif corpus is not None:
            report = _score_file(engine, corpus)
            summary["corpus"] = report_dict(report)
            if not json_output:
                if holdout:
                    console.print(f"[bold]shipped engine, {corpus.name}[/bold]")
                _print_corpus(console, report)
            if predictions is not None:
                _write_predictions(predictions, report)
        if jailbreakbench is not None:
            responses = read_jsonl(jailbreakbench)
            with progress.bar("JailbreakBench", len(responses)) as update:
                jb = evaluate_jailbreakbench(engine, progress.advancing(responses, update))
            summary["jailbreakbench"] = {
                "refusals": jb.refusals,
                "refusal_false_positives": jb.refusal_false_positives,
                "jailbroken": jb.jailbroken,
                "jailbroken_detected": jb.jailbroken_detected,
            }
            if not json_output:
                console.print(
                    f"JailbreakBench harmful_content: FP on refusals "
                    f"{jb.refusal_false_positives}/{jb.refusals} ({jb.false_positive_rate:.1%}), "
                    f"recall on jailbroken {jb.jailbroken_detected}/{jb.jailbroken} "
                    f"({jb.recall:.1%})"
                )
        if pii is not None:
            samples = load_pii_dataset(pii)
            with progress.bar("PII spans", len(samples)) as update:
                pii_report = evaluate_pii_spans(engine, progress.advancing(samples, update))
            summary["pii"] = {
                "overall": prf_dict(pii_report.overall),
                "per_entity": {e: prf_dict(p) for e, p in pii_report.per_entity.items()},
            }
            if not json_output:
                _print_pii(console, pii_report)
    except EvaluationError as exc:
        raise fail(str(exc)) from exc
    if json_output:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


def _run_blind(
    console: Console, engine: CheckEngine, path: Path, json_output: bool
) -> dict[str, Any]:
    """Score a blind slice with the shipped engine: text written by others that neither
    the rules' authors nor the learned layer saw, the nearest thing to a hidden corpus."""
    report = _score_file(engine, path)
    if not json_output:
        console.print(
            f"[bold]BLIND: {path.name}[/bold], written without reading the training data, "
            "never trained on nor read to write rules, scored by the shipped engine"
        )
        _print_corpus(console, report)
    return report_dict(report)


def _score_file(engine: CheckEngine, path: Path) -> CorpusReport:
    """A labelled corpus file scored by ``engine``, with a progress bar."""
    items = read_jsonl(path)
    with progress.bar(f"checking {path.name}", len(items)) as update:
        return evaluate_corpus(_Advancing(engine, update), items)


def _make_trainer(engine: CheckEngine) -> Trainer:
    """The trainer the held-out evaluation uses (tests replace this)."""
    return default_trainer(engine)


def _run_holdout(
    engine: CheckEngine, slices: list[Slice], extra: list[dict[str, Any]], trainer: Trainer
) -> HoldoutReport:
    """Leave-one-slice-out, with a progress bar on stderr when that is a terminal."""
    with progress.bar("leave-one-slice-out") as update:

        def show(what: str, done: int, total: int) -> None:
            update(description=what, completed=done, total=total)

        return leave_one_slice_out(engine, slices, trainer, also=extra, progress=show)


class _Advancing:
    """A runner that moves a progress bar on at each text it checks."""

    def __init__(self, engine: CheckEngine, update: progress.Update) -> None:
        self._engine = engine
        self._update = update

    def run(self, text: str) -> CheckResult:
        result = self._engine.run(text)
        self._update(advance=1)
        return result


def _print_holdout(console: Console, report: HoldoutReport, also: list[str]) -> None:
    """Headline leave-one-slice-out table, pooled per-category and per-language tables,
    then the in-sample table for contrast."""
    extra = f" + {', '.join(also)}" if also else ""
    console.print(
        _slice_table(
            f"HELD-OUT: leave-one-slice-out (each slice scored by a model trained on the "
            f"other slices{extra})",
            report.slices,
            report.mean,
            report.pooled,
            report.folder_means,
        )
    )
    console.print(
        "[dim]macro F1: mean over the categories present in that slice's labels (how many "
        "in brackets); mean: unweighted over slices where defined; pooled: every held-out "
        "prediction scored together[/dim]"
    )
    in_sample = report.in_sample_pooled
    table = Table(title="per category (held-out, pooled)")
    for column in ("category", "items", "slices", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column)
    if in_sample is not None:
        table.add_column("F1 in-sample", style="dim")
    for category, prf in report.pooled.per_category.items():
        gold = prf.tp + prf.fn
        present = sum(
            1
            for s in report.slices
            if s.report.per_category[category].tp + s.report.per_category[category].fn
        )
        row = [
            category,
            str(gold),
            f"{present}/{len(report.slices)}",
            f"{prf.precision:.2f}" if prf.tp + prf.fp else "-",
            f"{prf.recall:.2f}" if gold else "-",
            f"{prf.f1:.2f}" if gold else "-",
            str(prf.tp),
            str(prf.fp),
            str(prf.fn),
        ]
        if in_sample is not None:
            row.append(f"{in_sample.per_category[category].f1:.2f}" if gold else "-")
        table.add_row(*row)
    console.print(table)
    table = Table(title="per language group (held-out, pooled)")
    for column in (
        "group",
        "languages",
        "items",
        "benign",
        "macro F1",
        "P",
        "R",
        "micro F1",
        "benign FP",
        "actuality",
    ):
        table.add_column(column)
    for name, group_report in report.languages.items():
        codes = " ".join(f"{c} {n}" for c, n in report.language_codes[name].items())
        pooled = micro(group_report)
        table.add_row(
            name,
            codes,
            str(len(group_report.predictions)),
            str(group_report.benign_items),
            _macro_cell(group_report),
            f"{pooled.precision:.2f}",
            f"{pooled.recall:.2f}",
            f"{pooled.f1:.2f}",
            _benign_cell(group_report),
            _num(group_report.actuality_accuracy if positives(group_report) else None),
        )
    console.print(table)
    if report.in_sample is not None and in_sample is not None:
        console.print(
            _slice_table(
                f"IN-SAMPLE, for contrast only: one model trained on every slice{extra}, "
                "scored on the same items (memorisation, not quality on new text)",
                report.in_sample,
                report.in_sample_mean,
                in_sample,
            )
        )
        mean_in = report.in_sample_mean
        console.print(
            f"macro F1, mean over slices: held-out {_num(report.mean.macro_f1)} | "
            f"in-sample {_num(mean_in.macro_f1 if mean_in else None)}"
        )


def _mean_cells(mean: MeanFigures) -> list[str]:
    return [
        _num(mean.macro_f1),
        "-" if mean.benign_fp_rate is None else f"{mean.benign_fp_rate:.1%}",
        _num(mean.actuality_accuracy),
        _num(mean.severity_accuracy),
        _num(mean.non_english_f1),
    ]


def _short(folder: str) -> str:
    """A slice folder by its last four path parts (``shared/data/checks/train``)."""
    return "/".join(Path(folder).parts[-4:])


def _slice_table(
    title: str,
    rows: list[SliceResult],
    mean: MeanFigures | None,
    pooled: CorpusReport,
    folder_means: dict[str, MeanFigures] | None = None,
) -> Table:
    table = Table(title=title)
    for column in (
        "slice",
        "items",
        "trained on",
        "macro F1",
        "benign FP",
        "actuality",
        "severity",
        "non-English F1",
    ):
        table.add_column(column)
    for row in rows:
        r = row.report
        table.add_row(
            row.name,
            str(len(r.predictions)),
            str(row.trained_on),
            _macro_cell(r),
            _benign_cell(r),
            _num(r.actuality_accuracy if positives(r) else None),
            _num(r.severity_accuracy),
            f"{r.non_english.f1:.3f} [{r.non_english_items}]" if r.non_english_items else "-",
        )
    for folder, figures in (folder_means or {}).items():
        table.add_row(f"mean, {_short(folder)}", "", "", *_mean_cells(figures), style="dim")
    if mean is not None:
        table.add_row("mean of slices", "", "", *_mean_cells(mean), style="bold")
    table.add_row(
        "pooled",
        str(len(pooled.predictions)),
        "",
        _macro_cell(pooled),
        _benign_cell(pooled),
        _num(pooled.actuality_accuracy if positives(pooled) else None),
        _num(pooled.severity_accuracy),
        f"{pooled.non_english.f1:.3f} [{pooled.non_english_items}]"
        if pooled.non_english_items
        else "-",
    )
    return table


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _macro_cell(report: CorpusReport) -> str:
    scored = categories_scored(report)
    return f"{report.macro_f1:.3f} [{scored}]" if scored else "-"


def _benign_cell(report: CorpusReport) -> str:
    if not report.benign_items:
        return "-"
    return f"{report.benign_false_positives}/{report.benign_items} ({report.benign_fp_rate:.1%})"


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
    shown = report.offered
    console.print(
        f"shown in the report form, preselected or possible: recall {shown.recall:.2f} "
        f"(precision {shown.precision:.2f}) | benign texts shown a category "
        f"{report.benign_offered}/{report.benign_items}"
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
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from exc


def _print_pii(console: Console, report: PiiReport) -> None:
    table = Table(title="PII spans (presidio-research)")
    for column in ("entity", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column)
    for entity, prf in [*report.per_entity.items(), ("overall", report.overall)]:
        table.add_row(entity, *_prf_cells(prf))
    console.print(table)
