"""The slash command (``/safety`` by default): help, report, check, list, show, search."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.incidents import attachments
from bot.incidents.errors import DomainError, PermissionDenied
from bot.incidents.filters import parse_filter
from bot.incidents.records import IncidentDetail
from bot.masking.redaction import Redactor
from bot.slack import judge_check, output_buttons, present
from bot.slack.check_answer import check_message
from bot.slack.delivery import evidence_context, incident_context
from bot.slack.deps import SlackDeps
from bot.slack.digest_command import digest
from bot.slack.judge_present import judge_findings
from bot.slack.listener import bound
from bot.slack.report_modal import report_view
from bot.slack.text import unescape

log = logging.getLogger(__name__)
LIST_LIMIT = 20


def register(app: App, deps: SlackDeps) -> None:
    """Listen for the configured slash command."""
    app.command(deps.settings.command)(bound(safety, deps))


def safety(deps: SlackDeps, ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    """The slash command: its subcommand answers in the ack, or acks and hands work over."""
    # Slack sends command text escaped (&lt; for <): the checks must see what was typed.
    name, rest = split_subcommand(unescape(command.get("text") or ""))
    handler = SUBCOMMANDS.get(name.lower())
    user_id = command["user_id"]
    if handler is None:
        ack(**help_message(deps, unknown=name))
        return
    try:
        handler(deps, ack, client, user_id, rest, command)
    except DomainError as exc:
        ack(**notice(deps, str(exc)))


def split_subcommand(text: str) -> tuple[str, str]:
    """The first word and the rest: ``report`` may be followed by a space or a line break."""
    parts = text.strip().split(maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else ((parts or [""])[0], "")


def help_message(deps: SlackDeps, *, unknown: str = "") -> dict[str, Any]:
    """The help answer; names the unknown subcommand when there was one."""
    unknown = "" if unknown.lower() in ("", "help") else unknown
    return deps.renderer.render_message(
        "messages/help",
        command=deps.settings.command,
        unknown=unknown,
        judge=deps.judge is not None,
    )


def notice(deps: SlackDeps, message: str) -> dict[str, Any]:
    """A short ephemeral answer for something the user can fix."""
    return deps.renderer.render_message("messages/notice", message=message, warning=True)


def _help(deps: SlackDeps, ack: Ack, *_: Any) -> None:
    ack(**help_message(deps))


def _report(
    deps: SlackDeps, ack: Ack, client: WebClient, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    ack()

    def open_form() -> None:
        view = report_view(deps, user_id=user_id, text=rest)
        client.views_open(trigger_id=command["trigger_id"], view=view)

    deps.after_ack(open_form, body=command)


def _check(
    deps: SlackDeps, ack: Ack, client: WebClient, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    if judge_check.asks_judge(rest):
        judge_check.check_with_judge(deps, ack, user_id, rest, command)
        return
    ack(**check_message(deps, rest, deps.incidents.check(rest)))


def _list(
    deps: SlackDeps, ack: Ack, client: WebClient, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    where = parse_filter(rest.split(), user_id=user_id, now=deps.clock.now())
    if not deps.is_triage(user_id):
        where = _visible_to(where, user_id)
    incidents = deps.incidents.list_incidents(where, limit=LIST_LIMIT)
    heading = f"Incidents {rest}".strip()
    total = deps.incidents.count(where)
    ack(**_list_message(deps, heading, incidents, total, buttons=deps.is_triage(user_id)))


def _search(
    deps: SlackDeps, ack: Ack, client: WebClient, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    incidents = deps.incidents.search(
        rest, limit=LIST_LIMIT, include_restricted=deps.is_triage(user_id)
    )
    heading, triage = f"Search: {rest}", deps.is_triage(user_id)
    ack(**_list_message(deps, heading, incidents, len(incidents), buttons=triage))


def _show(
    deps: SlackDeps, ack: Ack, client: WebClient, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    if not rest:
        raise DomainError(f"Which incident? Try `{deps.settings.command} show AIS-42`.")
    ack(**show_message(deps, rest.split()[0], user_id))


def show_message(
    deps: SlackDeps, key: str, user_id: str, *, page: int = 1, finding: int | None = None
) -> dict[str, Any]:
    """One incident for ``user_id``; restricted content only for triage and the reporter.

    ``page`` and ``finding`` pick the page of evidence shown (see ``evidence_context``); asking
    for a page of evidence one may not see is refused."""
    detail = deps.incidents.detail(key)
    triage = deps.is_triage(user_id)
    visible = deps.rules.may_see_content(user_id, detail.incident)
    if not visible and (page != 1 or finding is not None):
        raise PermissionDenied(
            f"{detail.incident.key} is restricted: only the safety triage team and its reporter "
            "see its evidence. Nothing was shown."
        )
    context = show_context(
        detail,
        visible=visible,
        buttons=triage,
        redactor=deps.renderer.redactor,
        page=page,
        finding=finding,
    )
    if not triage and deps.rules.may_note(user_id, detail.incident):
        context["buttons"] = "note"  # the one button for people outside the triage team
    if visible and deps.reproductions is not None:  # each run's result in one line
        runs = deps.reproductions.runs_of(key)
        context["runs"] = [run.summary() for run in runs]
        context["run_outputs"] = output_buttons.offered(runs)  # their View outputs buttons
    return deps.renderer.render_message("messages/show", **context)


def show_context(
    detail: IncidentDetail,
    *,
    visible: bool,
    buttons: bool,
    redactor: Redactor | None = None,
    page: int = 1,
    finding: int | None = None,
) -> dict[str, Any]:
    """Template data of ``show``: the content only when ``visible``, the last ten events, one
    page of evidence; ``redactor`` (default: the built-in patterns) masks the evidence and its
    quotes."""
    context = incident_context(detail, buttons=buttons, redactor=redactor)
    if not visible:
        context["findings"] = []
        context["incident"]["check_reason"] = ""
        context["incident"]["title"] = "Restricted incident"
    timeline = "\n".join(_event_line(e, with_note=visible) for e in detail.events[-10:])
    evidence = evidence_context(
        detail, visible=visible, redactor=redactor, page=page, finding=finding
    )
    attached = detail.attached_files if visible else []
    files = attachments.listed(attached)  # the files the report came with, for those who see it
    judge = judge_findings(detail.judge_findings) if visible else None
    return {**context, "evidence": evidence, "timeline": timeline, "files": files, "judge": judge}


def _event_line(event: Any, *, with_note: bool) -> str:
    what = present.event_text(event, with_note=with_note)
    return f"{event.at:%Y-%m-%d %H:%M} {present.mention(event.actor)} {what}"


def _list_message(
    deps: SlackDeps, heading: str, incidents: list[Any], total: int, *, buttons: bool
) -> dict[str, Any]:
    rows = [
        {"key": i.key, "severity": i.severity, "status": i.status, "title": i.title}
        for i in incidents
    ]
    return deps.renderer.render_message(
        "messages/list", heading=heading, rows=rows, total=total, buttons=buttons
    )


def _visible_to(where: Any, user_id: str) -> Any:
    """People outside the triage team see restricted incidents only when they reported them."""
    if where.reporter_id == user_id:
        return where
    return replace(where, include_restricted=False)


Subcommand = Callable[..., None]
SUBCOMMANDS: dict[str, Subcommand] = {
    "help": _help,
    "report": _report,
    "check": _check,
    "list": _list,
    "show": _show,
    "search": _search,
    "digest": digest,
}
