"""How incidents look in the terminal (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.incidents.attachments import size_text
from bot.incidents.records import IncidentDetail, ReportOutcome
from bot.store.models import Incident

EVIDENCE_PREVIEW = 4000


def reported(console: Console, outcome: ReportOutcome) -> None:
    """The key of a new (or already stored) incident, its severity and duplicates."""
    incident = outcome.incident
    verb = "reported" if outcome.created else "already reported as"
    console.print(f"{verb} [bold]{incident.key}[/bold]: {escape(incident.title)}")
    console.print(f"severity {incident.severity} (suggested {incident.suggested_severity})")
    if outcome.check is not None and outcome.check.reason:
        console.print(f"checks: {escape(outcome.check.reason)}")
    for match in outcome.duplicates:
        kind = "same text as" if match.exact else f"{match.similarity:.0%} similar to"
        console.print(f"possibly the same: {kind} {match.key} ({escape(match.title)})")


def incident_table(
    console: Console, incidents: Sequence[Incident], categories: dict[int, list[str]]
) -> None:
    """A table of incidents, one row each."""
    if not incidents:
        console.print("no incidents match")
        return
    table = Table()
    for column in ("key", "severity", "status", "categories", "model", "created", "title"):
        table.add_column(column, overflow="fold")
    for incident in incidents:
        table.add_row(
            incident.key,
            incident.severity,
            incident.status,
            ", ".join(categories.get(incident.id or 0, [])),
            escape(incident.model_name or ""),
            incident.created_at.strftime("%Y-%m-%d %H:%M"),
            escape(incident.title),
        )
    console.print(table)


def incident_detail(console: Console, detail: IncidentDetail) -> None:
    """One incident: fields, evidence, findings, timeline."""
    incident = detail.incident
    console.print(f"[bold]{incident.key}[/bold] {escape(incident.title)}")
    fields = {
        "status": incident.status + (f" ({incident.resolution})" if incident.resolution else ""),
        "severity": f"{incident.severity} (suggested {incident.suggested_severity})",
        "categories": ", ".join(detail.categories) or "none",
        "model": " ".join(filter(None, [incident.model_name, incident.model_version])) or "unknown",
        "seen in": incident.seen_in,
        "reporter": incident.reporter_id,
        "assignee": incident.assignee_id or "nobody",
        "restricted": "yes" if incident.restricted else "no",
        "duplicate of": detail.duplicate_of or "",
        "duplicates": ", ".join(detail.duplicates),
        "source": incident.source_permalink or "",
        "eval": incident.eval_name or "",
        "run": incident.run_id or "",
        "sample": incident.sample_id or "",
        "epoch": "" if incident.epoch is None else str(incident.epoch),
        "source file": incident.source_file or "",
        "evidence file": _evidence_file(detail),
    }
    for name, value in fields.items():
        if value:
            console.print(f"  {name:>12}: {escape(str(value))}")
    text = detail.evidence.text
    shown = text if len(text) <= EVIDENCE_PREVIEW else text[:EVIDENCE_PREVIEW] + "…"
    console.rule(
        "evidence"
        + (f" (first {EVIDENCE_PREVIEW:,} of {len(text):,} chars)" if shown != text else "")
    )
    console.print(escape(shown), soft_wrap=True)
    files = detail.attached_files
    if files:
        console.rule("files")
    for f in files:
        status = "read" + (f", {f.note}" if f.note else "") if f.read else (f.note or "not read")
        console.print(f"  {escape(f.name)} ({size_text(f.size)}): {escape(status)}")
    console.rule("findings")
    for finding in detail.findings:
        console.print(
            f"  {finding.category} [{finding.actuality}] {finding.score:.2f} {finding.check_id}: {escape(finding.excerpt)}"
        )
    if detail.judge_findings:
        console.rule("the judge's findings (a model's second opinion)")
    for finding in detail.judge_findings:
        console.print(
            f"  {finding.category} [{finding.actuality}] {escape(finding.source)}: {escape(finding.excerpt)}"
        )
    console.rule("timeline")
    for event in detail.events:
        change = " → ".join(v for v in (event.from_value, event.to_value) if v)
        console.print(
            f"  {event.at:%Y-%m-%d %H:%M} {event.actor} {event.kind} {escape(change)} {escape(event.note or '')}"
        )


def _evidence_file(detail: IncidentDetail) -> str:
    """The whole evidence's file in the triage thread: its link, or its name without one."""
    posted = detail.evidence_file
    if posted is None:
        return ""
    return posted.permalink or f"{posted.name} (in the triage post's thread)"
