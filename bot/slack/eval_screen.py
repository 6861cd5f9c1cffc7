"""The report form's "Screen this eval log": an eval log a flagged message carries, screened
in Slack as ``safetybot import`` screens it.

The press is acked at once. After the ack the form gives way to "Screening NAME…", the log
is fetched (``files.info``, then the download with the bot token, at most
``log_files.LOG_LIMIT``), read, and screened with the import's rules: the same idempotency
keys (so screening again, here or with ``safetybot import``, files nothing new), the same
near-duplicate links, flagged at medium or above. Each flagged sample is filed through the
incident service with whoever pressed as its reporter, the message's link and the log's file
on it. The summary goes through the outbox as a reply in the message's thread
(``bot.slack.screen_replies``); the modal says what was done, or what was wrong (too big,
not an eval log), and then nothing was filed.

Screening is CPU work: one log at a time per process, so that the bot's other answers never
wait for more than one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents import attachments
from bot.incidents.attachments import SlackFile
from bot.incidents.errors import DomainError
from bot.incidents.records import AttachedFile
from bot.ingest.log_files import LOG_LIMIT, LogFile, read_log, too_big
from bot.ingest.samples import UnreadableFile
from bot.ingest.screening import ImportOptions, Screening, Summary
from bot.ingest.summary_reply import queue_reply, reply_data
from bot.slack.deps import SlackDeps
from bot.slack.files import DownloadError, InfoRefused, download, file_info
from bot.slack.listener import bound
from bot.slack.report_modal import draft_id_of, eval_logs_of

log = logging.getLogger(__name__)
ACTION_ID = "screen_eval_log"
LOG_NOTE = "the eval log screened in Slack: this incident is one of its samples"
FAILED = (
    "something went wrong on our side while screening. What was filed stays filed; "
    "screening it again files only the rest."
)


def register(app: App, deps: SlackDeps) -> None:
    """Listen for "Screen this eval log" in report forms."""
    gate = threading.BoundedSemaphore(1)
    app.action(ACTION_ID)(bound(pressed, deps, gate))


def pressed(
    deps: SlackDeps,
    gate: threading.BoundedSemaphore,
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
) -> None:
    """Ack, then screen the log after the ack."""
    ack()
    deps.after_ack(lambda: screen(deps, client, body, gate), body=body)


def screen(
    deps: SlackDeps, client: WebClient, body: dict[str, Any], gate: threading.BoundedSemaphore
) -> None:
    """Screen the log the press names; the modal (or a DM) says what became of it."""
    view = body.get("view") or {}
    user = str((body.get("user") or {}).get("id") or "")
    value = str(((body.get("actions") or [{}])[0] or {}).get("value") or "")
    chosen = next((f for f in eval_logs_of(view) if f.file_id == value), None)
    name = chosen.name if chosen else "the file"
    try:
        if chosen is None:
            raise UnreadableFile("this form names no such eval log; open the form again.")
        channel, ts = _source(deps, view, user)
        _show(deps, client, view, state="working", file=name)
        with gate:
            summary = screen_log(deps, client, chosen, user=user, channel=channel, ts=ts)
    except DomainError as exc:
        _failed(deps, client, view, user, name, str(exc))
        return
    except Exception:
        log.exception("screening %s failed", name)
        _failed(deps, client, view, user, name, FAILED)
        return
    data = reply_data(summary, file_name=name, user=user)
    queue_reply(deps.incidents, channel=channel, thread_ts=ts, data=data)
    _show(deps, client, view, state="done", file=name, counts=data)


def screen_log(
    deps: SlackDeps, client: WebClient, chosen: LogFile, *, user: str, channel: str, ts: str
) -> Summary:
    """Fetch, read and screen the log; ``UnreadableFile`` (nothing filed) when it cannot be."""
    file, data = fetch(client, chosen.file_id)
    samples = read_log(data, file.name)
    options = ImportOptions(
        reporter_id=user,
        source_permalink=_permalink(client, channel, ts),
        files=(_record(file, data),),
        reporter_updates=False,
    )
    screening = Screening(deps.incidents, options)
    for sample in samples:
        screening.screen(sample)
    return screening.finish()


def fetch(client: WebClient, file_id: str) -> tuple[SlackFile, bytes]:
    """The file and its bytes, at most ``LOG_LIMIT`` of them; ``UnreadableFile`` saying why
    not (Slack's refusal, a failed download, a log too big)."""
    try:
        file = file_info(client, file_id)
    except InfoRefused as refused:
        error = refused.error
        reason = attachments.FAILURES.get(error, f"not read: Slack answered {error}")
        raise UnreadableFile(reason.removeprefix("not read: ") + ".") from None
    if file.size > LOG_LIMIT:
        raise UnreadableFile(too_big(file.name, file.size))
    token = str(client.token or "")
    try:
        data, complete = download(file.url, token, expected=file.mimetype, limit=LOG_LIMIT)
    except DownloadError as exc:
        raise UnreadableFile(f"the download failed ({exc}).") from None
    if not complete:
        raise UnreadableFile(too_big(file.name, None))
    return file, data


def _source(deps: SlackDeps, view: dict[str, Any], user: str) -> tuple[str, str]:
    """The flagged message the form is for: its channel and ts."""
    draft = deps.drafts.get(draft_id_of(view), user_id=user)
    if not (draft.source_channel and draft.source_ts):
        raise UnreadableFile("this form is not for a message, so there is no thread to reply in.")
    return draft.source_channel, draft.source_ts


def _record(file: SlackFile, data: bytes) -> AttachedFile:
    """The log's file, as each incident it yields keeps it (not read into the evidence)."""
    record = attachments.reference(file, LOG_NOTE).file
    return dataclasses.replace(
        record, size=file.size or len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def _permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """The flagged message's link, for each incident; None when Slack gives none."""
    try:
        link = str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except (SlackApiError, KeyError):
        log.info("no permalink for the screened message %s/%s", channel, ts)
        return None
    return link if len(link) <= 500 else None


def _show(deps: SlackDeps, client: WebClient, view: dict[str, Any], **context: Any) -> bool:
    """Put the screening modal (``state`` and its data) in place of the form; False when it
    could not be (the user closed it)."""
    shown = deps.renderer.render_view("modals/screening", **context)
    try:
        client.views_update(view_id=str(view.get("id") or ""), view=shown)
    except SlackApiError as exc:
        log.info("screening modal not updated: %s", exc.response.get("error"))
        return False
    return True


def _failed(
    deps: SlackDeps, client: WebClient, view: dict[str, Any], user: str, name: str, problem: str
) -> None:
    """Say why nothing was screened: in the modal, else in a DM."""
    if _show(deps, client, view, state="failed", file=name, problem=problem):
        return
    text = f"{name} was not screened: {problem} Nothing was filed."
    message = deps.renderer.render_message("messages/notice", message=text, warning=True)
    try:
        client.chat_postMessage(channel=user, **message)
    except SlackApiError as exc:
        log.warning("could not tell %s why %s was not screened: %s", user, name, exc)
