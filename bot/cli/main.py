"""The ``safetybot`` command line: thin commands over the services."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from bot.cli import common, digest, json_views, progress, render, reproducing
from bot.cli.checks import check_command
from bot.cli.evaluate import eval_command
from bot.cli.importing import import_command
from bot.config import Settings
from bot.incidents.errors import DomainError
from bot.incidents.filters import parse_filter
from bot.incidents.records import ReportRequest
from bot.masking.masked_views import (
    masked_detail,
    masked_incidents,
    masked_outcome,
)

if TYPE_CHECKING:
    from bot.masking.redaction import Redactor
    from bot.store.models import Incident
    from bot.wiring import Services

app = typer.Typer(help="safetybot: AI-safety incident reporting.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"safetybot {version('safetybot')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="print the version"
    ),
) -> None:
    """safetybot: AI-safety incident reporting."""


@app.command()
def run() -> None:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP."""
    with common.user_errors():
        from bot.web.serve import serve

        serve(Settings())


@app.command()
def report(
    file: str = typer.Argument(..., help="file with the model output, or - for stdin"),
    model: str | None = typer.Option(None, help="model name (and version after a space)"),
    severity: str | None = typer.Option(None, help="none, low, medium, high or critical"),
    title: str | None = typer.Option(None, help="title; generated from the findings if blank"),
    prompt: Path | None = typer.Option(None, help="file with the prompt or context"),
    restricted: bool = typer.Option(False, help="only the triage team sees the content"),
) -> None:
    """File an incident from a file (or stdin) and print its key."""
    with common.user_errors():
        text = common.read_text(file)
        model_name, _, version = (model or "").partition(" ")
        services = common.services()
        request = ReportRequest(
            text=text,
            reporter_id=common.actor(),
            prompt=common.read_text(str(prompt)) if prompt else None,
            title=title,
            model_name=model_name or None,
            model_version=version or None,
            severity=severity,
            restricted=restricted,
        )
        with progress.bar("checking and filing"):
            outcome = services.incidents.report(request)
        render.reported(common.out, masked_outcome(outcome, text, common.masking(services)))


@app.command("list")
def list_(
    filters: list[str] = typer.Argument(
        None, help="open, closed, status:NAME, sev:high, model:NAME, eval:NAME, run:ID, since:7d"
    ),
    limit: int = typer.Option(50, min=1, max=1000),
    json_output: bool = common.json_option(),
    reveal_secrets: bool = common.reveal_option(),
) -> None:
    """List incidents, newest first."""
    with common.user_errors():
        services = common.services()
        where = parse_filter(filters or [], user_id=None, now=services.clock.now())
        incidents = services.incidents.list_incidents(where, limit=limit)
        _table(services, incidents, common.redactor(services, reveal_secrets), json_output)


@app.command()
def show(
    key: str,
    json_output: bool = common.json_option(),
    reveal_secrets: bool = common.reveal_option(),
) -> None:
    """Show one incident with its evidence, findings and timeline."""
    with common.user_errors():
        services = common.services()
        detail = services.incidents.detail(key)
        shown = masked_detail(detail, common.redactor(services, reveal_secrets))
        if json_output:
            runs = reproducing.runs_json(services, key)
            common.print_json({**json_views.detail_json(shown), "reproductions": runs})
        else:
            render.incident_detail(common.out, shown)
            reproducing.print_runs(services, key)


@app.command()
def search(
    words: list[str],
    json_output: bool = common.json_option(),
    reveal_secrets: bool = common.reveal_option(),
) -> None:
    """Find incidents whose title or evidence contains all the words."""
    with common.user_errors():
        services = common.services()
        incidents = services.incidents.search(" ".join(words), include_restricted=True)
        _table(services, incidents, common.redactor(services, reveal_secrets), json_output)


def _table(
    services: Services, incidents: list[Incident], redactor: Redactor | None, as_json: bool
) -> None:
    ids = [i.id for i in incidents if i.id is not None]
    shown = masked_incidents(incidents, redactor)
    categories = services.incidents.categories(ids)
    if as_json:
        common.print_json(json_views.incidents_json(shown, categories))
    else:
        render.incident_table(common.out, shown, categories)


@app.command()
def export(
    format: str = typer.Option("jsonl", "--format", help="csv, jsonl or avid"),
    since: str | None = typer.Option(None, help="only incidents newer than this, like 30d"),
    include_restricted: bool = typer.Option(False, help="include restricted evidence"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file (default stdout)"),
    reveal_secrets: bool = common.reveal_option(),
) -> None:
    """Write incidents as CSV, JSON Lines or AVID reports."""
    from bot.export import formats as exporting
    from bot.incidents.filters import parse_duration

    with common.user_errors():
        if format not in exporting.FORMATS:
            raise DomainError(
                f"unknown format {format!r}; use one of: {', '.join(exporting.FORMATS)}"
            )
        services = common.services()
        start = services.clock.now() - parse_duration(since) if since else None
        records = exporting.incident_records(
            services.db,
            since=start,
            include_restricted=include_restricted,
            redactor=common.redactor(services, reveal_secrets),
        )
        total = exporting.count_incidents(services.db, since=start)
        with progress.bar("exporting", total) as update:
            counted = progress.advancing(records, update)
            count = _write_output(output, lambda s: exporting.write(counted, format, s))
        common.err.print(f"exported {count} incident(s)")


def _write_output(output: Path | None, write: Callable[[TextIO], int]) -> int:
    """Write to stdout, or to ``output`` all at once: a failed export leaves an existing
    file as it was (a device or pipe such as /dev/stdout is written directly)."""
    if output is None:
        return write(sys.stdout)
    if output.exists() and not output.is_file():
        with output.open("w", encoding="utf-8", newline="") as stream:
            return write(stream)
    fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            count = write(stream)
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return count


app.command("check")(check_command)
app.command("eval")(eval_command)
app.command("import")(import_command)
app.command("reproduce")(reproducing.reproduce_command)
digest.register(app)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest."""
    with common.user_errors():
        from bot.store.db import Database

        settings = Settings()
        Database(settings.database_url).upgrade()
        common.out.print("database is up to date")


def main() -> None:
    """Console-script entry point."""
    app()
