"""The App Home tab: published when someone opens it, and again when what they see changes.

``app_home_opened`` publishes at once; changes to incidents arrive as coalesced ``home``
notices in the outbox (see ``bot.incidents.home_refresh``), delivered by :func:`sender`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.incidents.overview import Overview, Overviews
from bot.incidents.records import IncidentDetail
from bot.incidents.vocab import SEVERITY_ICONS, category_label
from bot.slack import present
from bot.slack.deps import SlackDeps
from bot.slack.listener import bound
from bot.slack.report_modal import report_view
from bot.slack.text import escape
from bot.store.models import Incident

log = logging.getLogger(__name__)
REPORT_ACTION = "home_report"
MENU_ACTION = "incident_menu"
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,20}$")

# The overflow menu of a row for the triage team (Slack allows five entries).
_MENUS: dict[str, tuple[tuple[str, str], ...]] = {
    "new": (
        ("incident_ack", "Acknowledge"),
        ("incident_assign_me", "Assign to me"),
        ("incident_severity", "Severity…"),
        ("incident_status", "Status…"),
        ("incident_note", "Add note"),
    ),
    "open": (
        ("incident_assign_me", "Assign to me"),
        ("incident_severity", "Severity…"),
        ("incident_status", "Status…"),
        ("incident_resolve", "Resolve…"),
        ("incident_note", "Add note"),
    ),
    "closed": (("incident_reopen", "Reopen"), ("incident_note", "Add note")),
}


def register(app: App, deps: SlackDeps) -> None:
    """Publish the home when it is opened; the Report button opens the report modal."""
    app.event("app_home_opened")(bound(opened, deps))
    app.action(REPORT_ACTION)(bound(report, deps))


def opened(deps: SlackDeps, event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
    """The home tab was opened: its home is published after Bolt's ack."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    # Bolt acks an event once its listener returns: the home is published after that.
    deps.after_ack(lambda: publish(deps, client, str(event["user"])), body=body)


def report(deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """The home's Report button: ack, then open the form after the ack."""
    ack()
    deps.after_ack(lambda: open_report(deps, client, body), body=body)


def open_report(deps: SlackDeps, client: WebClient, body: dict[str, Any]) -> None:
    """Open a blank report form from the home's Report button."""
    view = report_view(deps, user_id=body["user"]["id"], text="")
    client.views_open(trigger_id=body["trigger_id"], view=view)


def publish(deps: SlackDeps, client: WebClient, user_id: str) -> None:
    """Publish ``user_id``'s home as it is now."""
    client.views_publish(user_id=user_id, view=home_view(deps, user_id))


def sender(
    deps: SlackDeps, client: WebClient
) -> Callable[[IncidentDetail | None, dict[str, Any]], None]:
    """The outbox sender of ``home`` notices."""

    def send(detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        publish(deps, client, str(data["user"]))

    return send


def home_view(deps: SlackDeps, user_id: str) -> dict[str, Any]:
    """The home view of ``user_id``."""
    triage = deps.is_triage(user_id)
    overview = Overviews(deps.incidents.db).for_user(user_id, triage=triage)
    command = deps.settings.command

    def rows(section: str, items: list[Incident]) -> list[dict[str, Any]]:
        return [
            _row(deps, section, item, user_id, triage, overview.judged.get(item.id or 0, []))
            for item in items
        ]

    sections = [
        _section(
            "Assigned to you",
            rows("assigned", overview.assigned),
            overview.assigned_total,
            "Nothing is assigned to you.",
            f"{command} list open assigned",
        ),
        _section(
            "Your reports",
            rows("mine", overview.mine),
            overview.mine_total,
            "You have not reported anything yet.",
            f"{command} list mine",
        ),
        _section(
            "Open incidents, most severe first",
            rows("queue", overview.queue),
            overview.queue_total,
            "No open incidents.",
            f"{command} list open",
        ),
    ]
    return deps.renderer.render_view(
        "home/home",
        command=command,
        counts=_counts(overview),
        digest_text=_digest_text(overview),
        sections=sections,
    )


def _section(
    title: str, rows: list[dict[str, Any]], total: int, empty: str, more: str
) -> dict[str, Any]:
    return {"title": title, "rows": rows, "total": total, "empty": empty, "more": more}


def _row(
    deps: SlackDeps,
    section: str,
    item: Incident,
    user_id: str,
    triage: bool,
    judged: Sequence[str] = (),
) -> dict[str, Any]:
    fields = present.incident(item, [])
    visible = deps.rules.may_see_content(user_id, item)
    menu_kind = item.status if item.status in ("new", "closed") else "open"
    return {
        **fields,
        "title": item.title if visible else "",
        "block_id": f"home:{section}:{item.key}:{item.status}:{item.assignee_id or '-'}",
        "menu": [{"value": v, "label": label} for v, label in _MENUS[menu_kind]] if triage else [],
        "note": deps.rules.may_note(user_id, item),
        # The judge's findings (a model's second opinion), for those who see the content.
        "judge_text": ", ".join(category_label(c) for c in judged) if visible else "",
    }


def _counts(overview: Overview) -> dict[str, Any]:
    by_severity = " · ".join(
        f"{SEVERITY_ICONS[severity]} {n} {severity}"
        for severity, n in overview.open_by_severity.items()
        if n
    )
    return {
        "open_total": overview.open_total,
        "unacknowledged": overview.unacknowledged,
        "by_severity": by_severity,
    }


def _digest_text(overview: Overview) -> str:
    digest = overview.last_digest
    if digest is None:
        return "No weekly digest has been posted yet."
    epoch = int(digest.posted_at.timestamp())
    when = f"<!date^{epoch}^{{date_long_pretty}}|{digest.posted_at:%Y-%m-%d}>"
    where = f"<#{digest.channel}>" if _CHANNEL_ID.match(digest.channel) else escape(digest.channel)
    so_far = ", so far" if digest.partial else ""
    return f"Last weekly digest: {when} (week of {digest.week_start:%d %b %Y}{so_far}) in {where}"
