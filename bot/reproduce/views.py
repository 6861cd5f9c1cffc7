"""Reproduction runs as plain JSON: ``show --json``, ``reproduce --outputs --json`` and
``export`` print these shapes (docs/cli.md). Output texts are masked unless no redactor
is given (``--reveal-secrets``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.masking.redaction import Redactor
from bot.reproduce.runs import RunView
from bot.store.models import ReproductionOutput

WITHHELD = "[restricted: run export with --include-restricted]"


def run_json(view: RunView) -> dict[str, Any]:
    """One run and its result, without its outputs."""
    run = view.run
    return {
        "id": run.id,
        "model": run.model,
        "requested": run.requested,
        "requested_by": run.requested_by,
        "status": run.status,
        "done": view.done,
        "reproduced": run.reproduced,
        "counts": dict(run.counts),
        "errors": view.errors,
        "summary": view.summary(),
        "error": run.error,
        "created_at": _time(run.created_at),
        "finished_at": _time(run.finished_at),
    }


def output_json(
    output: ReproductionOutput, redactor: Redactor | None, *, withhold: bool = False
) -> dict[str, Any]:
    """One output with its checks; its text masked with ``redactor`` (None: as it is)."""
    text = output.text
    if withhold:
        text = WITHHELD
    elif redactor is not None:
        text = redactor.text(text)
    return {
        "position": output.position,
        "text": text,
        "error": output.error,
        "categories": list(output.categories),
        "severity": output.severity,
        "actuality": output.actuality,
        "judge": output.judge,
        "input_tokens": output.input_tokens,
        "output_tokens": output.output_tokens,
    }


def run_with_outputs(
    view: RunView, redactor: Redactor | None, *, withhold: bool = False
) -> dict[str, Any]:
    """A run and every output of it, in position order."""
    outputs = [output_json(o, redactor, withhold=withhold) for o in view.outputs]
    return {**run_json(view), "key": view.key, "outputs": outputs}


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
