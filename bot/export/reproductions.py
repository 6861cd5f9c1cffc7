"""The reproduction runs of exported incidents, with every output (masked unless revealed;
withheld for a restricted incident unless ``--include-restricted``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from bot.masking.redaction import Redactor
from bot.reproduce.runs import RunView
from bot.reproduce.summary import tally
from bot.reproduce.views import run_with_outputs
from bot.store.models import Incident, ReproductionOutput, ReproductionRun


def runs_by_incident(
    session: Session,
    incidents: list[Incident],
    categories: dict[int, list[str]],
    *,
    redactor: Redactor | None,
    include_restricted: bool,
) -> dict[int, list[dict[str, Any]]]:
    """Each incident's runs, oldest first, with their outputs."""
    by_id = {i.id: i for i in incidents if i.id is not None}
    runs = session.scalars(
        select(ReproductionRun)
        .where(col(ReproductionRun.incident_id).in_(list(by_id)))
        .order_by(col(ReproductionRun.id))
    ).all()
    outputs: dict[int, list[ReproductionOutput]] = {}
    if runs:
        for output in session.scalars(
            select(ReproductionOutput)
            .where(col(ReproductionOutput.run_id).in_([r.id for r in runs]))
            .order_by(col(ReproductionOutput.run_id), col(ReproductionOutput.position))
        ).all():
            outputs.setdefault(output.run_id, []).append(output)
    found: dict[int, list[dict[str, Any]]] = {}
    for run in runs:
        incident = by_id[run.incident_id]
        own = outputs.get(run.id or 0, [])
        wanted = categories.get(run.incident_id, [])
        view = RunView(run, incident.key, wanted, own, errors=tally(own, wanted)[2])
        withhold = incident.restricted and not include_restricted
        record = run_with_outputs(view, redactor, withhold=withhold)
        found.setdefault(run.incident_id, []).append(record)
    return found
