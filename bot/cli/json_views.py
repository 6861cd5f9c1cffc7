"""The JSON documents of ``list --json``, ``search --json`` and ``show --json``.

The shapes are stable and documented in docs/cli.md: a field is only ever added. They are
built from views already masked by :mod:`bot.masking.masked_views` (or raw with
``--reveal-secrets``); nothing here masks.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.incidents.records import IncidentDetail
    from bot.store.models import Event, Finding, Incident, IncidentFile


def incident_json(incident: Incident, categories: list[str]) -> dict[str, Any]:
    """One incident as listed: its triage fields, categories and times."""
    return {
        "key": incident.key,
        "title": incident.title,
        "status": incident.status,
        "resolution": incident.resolution,
        "severity": incident.severity,
        "suggested_severity": incident.suggested_severity,
        "categories": list(categories),
        "restricted": incident.restricted,
        "model_name": incident.model_name,
        "model_version": incident.model_version,
        "seen_in": incident.seen_in,
        "reporter_id": incident.reporter_id,
        "assignee_id": incident.assignee_id,
        "created_at": _time(incident.created_at),
        "acknowledged_at": _time(incident.acknowledged_at),
        "closed_at": _time(incident.closed_at),
        "source_permalink": incident.source_permalink,
        "eval_name": incident.eval_name,
        "run_id": incident.run_id,
        "sample_id": incident.sample_id,
        "epoch": incident.epoch,
        "source_file": incident.source_file,
    }


def incidents_json(
    incidents: list[Incident], categories: dict[int, list[str]]
) -> list[dict[str, Any]]:
    """The array printed by ``list --json`` and ``search --json``."""
    return [incident_json(i, categories.get(i.id or 0, [])) for i in incidents]


def detail_json(detail: IncidentDetail) -> dict[str, Any]:
    """The object printed by ``show --json``: the incident, its evidence, findings, timeline."""
    incident = detail.incident
    return {
        **incident_json(incident, detail.categories),
        "resolution_summary": incident.resolution_summary,
        "check_reason": incident.check_reason,
        "duplicate_of": detail.duplicate_of,
        "duplicates": list(detail.duplicates),
        "evidence": {"text": detail.evidence.text, "prompt": detail.evidence.prompt},
        "evidence_file": _evidence_file(detail),
        "findings": [_finding(f) for f in detail.findings],
        "judge_findings": [{**_finding(f), "source": f.source} for f in detail.judge_findings],
        "timeline": [_event(e) for e in detail.events],
        "files": [_file(f) for f in detail.attached_files],
    }


def _evidence_file(detail: IncidentDetail) -> dict[str, Any] | None:
    """The file of the whole evidence the bot posted in the triage thread, if it did."""
    posted = detail.evidence_file
    if posted is None:
        return None
    return {
        "name": posted.name,
        "size": posted.size,
        "sha256": posted.sha256,
        "slack_file_id": posted.slack_file_id,
        "permalink": posted.permalink,
    }


def _file(file: IncidentFile) -> dict[str, Any]:
    fields = ("kind", "name", "filetype", "size", "sha256", "slack_file_id", "permalink")
    return {**{k: getattr(file, k) for k in fields}, "read": file.read, "note": file.note}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "category": finding.category,
        "check_id": finding.check_id,
        "score": finding.score,
        "actuality": finding.actuality,
        "excerpt": finding.excerpt,
        "spans": [[int(a), int(b)] for a, b in finding.spans],
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "at": _time(event.at),
        "actor": event.actor,
        "kind": event.kind,
        "from": event.from_value,
        "to": event.to_value,
        "note": event.note,
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
