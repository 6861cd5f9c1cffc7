"""The JSON body of a webhook request (``version`` 1; schema in docs/webhooks.md).

Built when the request is sent, from the incident as stored and the state its notice
recorded when the event happened, so every retry of a delivery sends the same body. Every
text from the evidence is masked (``bot.masking``); a restricted incident's body carries no
evidence, no title (titles quote the evidence), no link to the reported message and no
timeline note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.incidents.records import IncidentDetail
from bot.masking.masked_views import EvidenceMask, masked_incident, stored_spans
from bot.masking.redaction import Redactor
from bot.store.models import Event

VERSION = 1
EXCERPT = 1000  # characters of the evidence a body quotes
CREATED = "incident.created"
# Webhook event types of the timeline kinds sent (``bot.incidents.notices.WEBHOOK_KINDS``);
# a status change to closed is ``incident.closed``.
TYPES = {
    "acknowledged": "incident.acknowledged",
    "assigned": "incident.assigned",
    "severity": "incident.severity_changed",
    "status": "incident.status_changed",
    "reopened": "incident.reopened",
    "merged": "incident.merged",
}
CLOSED = "incident.closed"


def event_type(event: Event) -> str:
    """The webhook type of a timeline event."""
    if event.kind == "reported":
        return CREATED
    if event.kind == "status" and event.to_value == "closed":
        return CLOSED
    return TYPES[event.kind]


def body(payload: Mapping[str, Any]) -> bytes:
    """The bytes sent: compact JSON, ASCII only (any text survives, lone surrogates too)."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def build(detail: IncidentDetail, data: Mapping[str, Any], redactor: Redactor) -> dict[str, Any]:
    """The body of the webhook notice ``data`` about ``detail``'s incident."""
    event = _event(detail, data.get("event_id"))
    masker = EvidenceMask(redactor, detail.evidence.text, stored_spans(detail.findings))
    restricted = detail.incident.restricted
    note = None if restricted else (masker.free(event.note) or None)
    return {
        "version": VERSION,
        "type": event_type(event),
        "id": str(data["delivery"]),
        "occurred_at": timestamp(event.at),
        "incident": incident(detail, dict(data.get("state") or {}), masker),
        "change": {
            "from": event.from_value,
            "to": event.to_value,
            "actor": event.actor,
            "note": note,
        },
    }


def incident(
    detail: IncidentDetail, state: Mapping[str, Any], masker: EvidenceMask
) -> dict[str, Any]:
    """What a body says of the incident: ``state`` (status, severity, assignee, resolution)
    as it was at the event, the rest as stored."""
    stored = detail.incident
    restricted = stored.restricted
    shown = masked_incident(stored, masker)
    return {
        "key": stored.key,
        "title": None if restricted else shown.title,
        "status": state.get("status", stored.status),
        "severity": state.get("severity", stored.severity),
        "suggested_severity": stored.suggested_severity,
        "resolution": state.get("resolution", stored.resolution),
        "categories": list(detail.categories),
        "findings": [
            {"category": f.category, "actuality": f.actuality, "score": round(f.score, 3)}
            for f in detail.findings
        ],
        "reporter": stored.reporter_id,
        "assignee": state.get("assignee", stored.assignee_id),
        "model": {"name": shown.model_name, "version": shown.model_version},
        "seen_in": stored.seen_in,
        "eval": {
            "name": masker.free(stored.eval_name) or None,
            "run_id": masker.free(stored.run_id) or None,
            "sample_id": masker.free(stored.sample_id) or None,
            "epoch": stored.epoch,
            "source_file": masker.free(stored.source_file) or None,
        },
        "restricted": restricted,
        "created_at": timestamp(stored.created_at),
        "permalink": None if restricted else stored.source_permalink,
        "evidence": None if restricted else evidence(masker),
    }


def evidence(masker: EvidenceMask) -> dict[str, Any]:
    """The start of the evidence, masked, and its whole length."""
    return {
        "excerpt": masker.window(0, EXCERPT),
        "length": masker.length,
        "truncated": masker.length > EXCERPT,
    }


def timestamp(at: datetime) -> str:
    """``2026-11-18T12:00:00Z``: UTC, to the second (a stored time without a zone is UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _event(detail: IncidentDetail, event_id: Any) -> Event:
    """The notice's timeline event; without an id, the report itself."""
    for event in detail.events:
        if (event.id == event_id) if event_id is not None else (event.kind == "reported"):
            return event
    raise LookupError(f"{detail.incident.key} has no timeline event {event_id}")
