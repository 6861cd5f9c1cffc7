"""``safetybot reproduce``: send an incident's prompt to the target model N times, inline,
and print the result; or print the outputs of a run (docs/reproduce.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from bot.cli import common, progress
from bot.incidents.errors import DomainError
from bot.runtime.http_refusal import HttpRefused

if TYPE_CHECKING:
    from bot.masking.redaction import Redactor
    from bot.reproduce.runs import ReproductionService, RunView
    from bot.wiring import Services


def reproduce_command(
    key: str = typer.Argument(..., help="the incident, like AIS-42"),
    n: int = typer.Option(10, "-n", help="how many outputs to ask for (1 to 50)"),
    model: str | None = typer.Option(
        None, help="another model of the target's provider (default SAFETYBOT_TARGET_MODEL)"
    ),
    outputs: int | None = typer.Option(
        None, "--outputs", metavar="RUN_ID", help="print the outputs of run RUN_ID instead"
    ),
    json_output: bool = common.json_option(),
    reveal_secrets: bool = common.reveal_option(),
) -> None:
    """Send an incident's prompt to the target model N times and count how often its
    categories come back; or, with --outputs, print a run's outputs."""
    with common.user_errors():
        services = common.services()
        redactor = common.redactor(services, reveal_secrets)
        if outputs is not None:
            view = reader(services).run(outputs, key=key)
            _print_outputs(view, redactor, json_output)
            return
        view = _run_inline(services, key, n, model, quiet=json_output)
        if json_output:
            from bot.reproduce.views import run_with_outputs

            common.print_json(run_with_outputs(view, redactor))
        else:
            common.out.print(escape(view.summary()), highlight=False)
            common.err.print(
                f"outputs: safetybot reproduce {view.key} --outputs {view.run.id}",
                highlight=False,
                markup=False,
            )


def _run_inline(services: Services, key: str, n: int, model: str | None, *, quiet: bool) -> Any:
    """Ask for the run and run it here; the bot's worker takes it up later only if this
    command stops halfway (its job waits for as long as a model job's lease)."""
    from bot.wiring import MODEL_JOB_LEASE_SECONDS, reproduction_job, reproductions

    runs = reproductions(services)
    run = runs.request_run(key, n, model, common.actor(), start_after=MODEL_JOB_LEASE_SECONDS)
    assert run.id is not None
    job = reproduction_job(services)
    with progress.bar(f"reproducing {run.model}", n, quiet=quiet) as update:
        try:
            job.run(run.id, progress=lambda done, total: update(completed=done))
        except HttpRefused as refused:
            hours = (refused.retry_after or 0) / 3600
            raise DomainError(
                f"the target's daily budget is spent; run {run.id} keeps its outputs so far and "
                f"the running bot finishes it when the budget allows (in about {hours:.1f} h)."
            ) from None
    return runs.run(run.id)


def reader(services: Services) -> ReproductionService:
    """Runs to read, whether or not a target is configured now."""
    from bot.reproduce.runs import ReproductionService

    return ReproductionService(
        db=services.db,
        clock=services.clock,
        connection=None,
        allow_restricted=False,
        redactor=services.incidents.redactor,
    )


def _print_outputs(view: RunView, redactor: Redactor | None, as_json: bool) -> None:
    from bot.reproduce.views import run_with_outputs

    if as_json:
        common.print_json(run_with_outputs(view, redactor))
        return
    out = common.out
    out.print(escape(f"{view.key} run {view.run.id}: {view.summary()}"), highlight=False)
    for output in view.outputs:
        found = ", ".join(output.categories) or "no category"
        head = f"#{output.position}: " + (
            f"failed: {output.error}" if output.error else f"{found} (severity {output.severity})"
        )
        out.rule(escape(head))
        if not output.error:
            text = redactor.text(output.text) if redactor is not None else output.text
            out.print(escape(text), soft_wrap=True, highlight=False)


def print_runs(services: Services, key: str) -> None:
    """The runs of ``key`` under ``show``: one summary line each."""
    views = reader(services).runs_of(key)
    if not views:
        return
    common.out.rule("reproduction runs")
    for view in views:
        when = f"{view.run.created_at:%Y-%m-%d %H:%M}"
        line = f"  {when} run {view.run.id} by {view.run.requested_by}: {view.summary()}"
        common.out.print(escape(line), highlight=False)


def runs_json(services: Services, key: str) -> list[dict[str, Any]]:
    """The runs of ``key`` for ``show --json``, without their outputs."""
    from bot.reproduce.views import run_json

    return [run_json(view) for view in reader(services).runs_of(key)]
