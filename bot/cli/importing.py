"""``safetybot import``: screen an eval log or transcripts and file the flagged samples."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.cli import common, progress
from bot.incidents.errors import DomainError
from bot.ingest.formats import files_in, read_file
from bot.ingest.samples import Sample, UnreadableFile
from bot.ingest.screening import DEFAULT_REPORTER, ImportOptions, Screening, Summary

LISTED = 20


def import_command(
    path: Path = typer.Argument(..., help="an eval log or transcript file, or a folder of them"),
    min_severity: str = typer.Option(
        "medium", "--min-severity", help="file samples the checks rate at least this"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="file nothing; say what would be"),
    reporter: str = typer.Option(DEFAULT_REPORTER, help="reporter id of the filed incidents"),
    restricted: bool = typer.Option(False, help="file the incidents as restricted"),
    json_output: bool = common.json_option(),
) -> None:
    """Screen an Inspect eval log, chat transcripts or text rows; file the flagged samples."""
    with common.user_errors():
        options = ImportOptions(
            min_severity=min_severity.strip().lower(),
            dry_run=dry_run,
            reporter_id=reporter.strip(),
            restricted=restricted,
        )
        samples = read_all(path)
        services = common.services()
        screening = Screening(services.incidents, options)
        with progress.bar("screening", len(samples), quiet=json_output) as update:
            for sample in progress.advancing(samples, update):
                screening.screen(sample)
            summary = screening.finish()
        if json_output:
            common.print_json(summary.as_json())
        else:
            render_summary(common.out, summary)


def read_all(path: Path) -> list[Sample]:
    """Every sample of every file, read before anything is filed: one unreadable file
    stops the run with a line per problem, and nothing is filed."""
    samples: list[Sample] = []
    problems: list[str] = []
    for file in files_in(path):
        try:
            samples.extend(read_file(file))
        except UnreadableFile as exc:
            problems.append(str(exc))
    if problems:
        for problem in problems[:-1]:
            common.err.print(f"[red]error:[/red] {escape(problem)}", soft_wrap=True)
        raise DomainError(f"{problems[-1]} Nothing was imported.")
    if not samples:
        raise DomainError(f"{path} holds no samples to screen; nothing was imported.")
    return samples


def render_summary(console: Console, summary: Summary) -> None:
    """The table at the end of a run, then the incidents filed and the links made."""
    would = " (dry run: would be)" if summary.dry_run else ""
    table = Table(title="import" + (" (dry run, nothing filed)" if summary.dry_run else ""))
    table.add_column("samples")
    table.add_column("count", justify="right")
    table.add_row("screened", str(summary.screened))
    table.add_row("flagged", str(summary.flagged))
    for category, count in sorted(summary.by_category.items(), key=lambda c: (-c[1], c[0])):
        table.add_row(f"  {escape(category)}", str(count))
    table.add_row("filed" + would, str(summary.filed))
    table.add_row("linked as duplicates" + would, str(summary.duplicates))
    table.add_row("already imported", str(summary.already_imported))
    if summary.not_screened:
        table.add_row("not screened", str(len(summary.not_screened)))
    console.print(table)
    for filed in summary.incidents[:LISTED]:
        key = filed.key or "(new)"
        console.print(f"{key} [{filed.severity}] {filed.sample}", markup=False, highlight=False)
    _more(console, len(summary.incidents))
    for link in summary.links[:LISTED]:
        line = f"{link.sample} → {link.key} ({link.similarity:.0%} similar)"
        console.print(line, markup=False, highlight=False)
    _more(console, len(summary.links))
    for problem in summary.not_screened[:LISTED]:
        console.print(f"not screened: {problem}", markup=False, highlight=False)
    _more(console, len(summary.not_screened))


def _more(console: Console, count: int) -> None:
    if count > LISTED:
        console.print(f"… and {count - LISTED} more (all of them with --json)")
