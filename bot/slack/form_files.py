"""Files attached in the report form (its ``file_input``), read into the evidence.

Reading a file may outlast Slack's 3 seconds, so a submission that attaches files the form
has not read yet is answered at once, the form staying open with a line saying the files are
being read. After the ack the files are read (``bot.slack.files``, the same rules as a flagged
message's), the draft takes the text they add, and the form is updated in place: the
evidence, the checks and suggestions of the whole text, the list of files with a line for
each one cut or not read. The reporter checks it and presses Report again; the files the form
lists are then stored with the report. The reporter's choices and typed fields are kept, as
when a pasted text refreshes the form (``bot.slack.report_refresh``).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents.attachments import evidence_text
from bot.incidents.drafts import Source, checks_of, kept
from bot.incidents.errors import NotFound
from bot.slack import report_refresh
from bot.slack.deps import SlackDeps
from bot.slack.files import file_ids, read_files
from bot.slack.listener import bound
from bot.slack.report_modal import (
    CALLBACK_ID,
    draft_id_of,
    eval_logs_of,
    files_of,
    report_context,
    submitted_evidence,
)

log = logging.getLogger(__name__)
UPLOADS = "attachments"  # the file_input block
EVIDENCE_ACTIONS = ("value", "files")
READING = (
    "Reading {count} attached file(s) into the evidence: the form shows what they hold in a "
    "moment. Check it, then press Report again."
)


def register(app: App, deps: SlackDeps) -> None:
    """Listen for report forms submitted with files not read yet (before ``views`` does)."""
    app.view(CALLBACK_ID, matchers=[has_new_uploads])(bound(uploads_submitted, deps))


def has_new_uploads(body: dict[str, Any]) -> bool:
    """Whether a submitted report form attaches files it has not read yet."""
    return bool(new_uploads(body.get("view") or {}))


def new_uploads(view: dict[str, Any]) -> list[str]:
    """The ids of the files attached in ``view``'s file input that its list does not hold."""
    values = (view.get("state") or {}).get("values") or {}
    block = values.get(UPLOADS)
    states = block.values() if isinstance(block, dict) else []
    attached = [i for s in states if isinstance(s, dict) for i in file_ids(s.get("files") or [])]
    known = {f.slack_file_id for f in files_of(view)}
    return [i for i in dict.fromkeys(attached) if i not in known]


def uploads_submitted(deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Keep the form open saying the files are being read; read them after the ack."""
    count = len(new_uploads(body["view"]))
    ack(response_action="errors", errors={UPLOADS: READING.format(count=count)})
    deps.after_ack(lambda: read_uploads(deps, client, body), body=body)


def read_uploads(deps: SlackDeps, client: WebClient, body: dict[str, Any]) -> None:
    """Read the form's new files into its draft and show the form again with what they added."""
    view = body["view"]
    user_id = str(body["user"]["id"])
    try:
        updated = form_with_uploads(deps, client, user_id=user_id, view=view)
        client.views_update(view_id=view["id"], view=updated)
    except NotFound:
        log.info("report form %s has no draft; its files were not read", view.get("id"))
    except SlackApiError as exc:  # the reporter closed the form meanwhile
        log.info("report form not updated with its files: %s", exc.response.get("error"))


def form_with_uploads(
    deps: SlackDeps, client: WebClient, *, user_id: str, view: dict[str, Any]
) -> dict[str, Any]:
    """The form ``view`` with the text of its new files after its evidence, in its draft."""
    draft = deps.drafts.get(draft_id_of(view), user_id=user_id)
    values = (view.get("state") or {}).get("values") or {}
    base = draft.text
    if "evidence" in values:  # what the field holds now, as the submission would read it
        base = submitted_evidence(deps, draft.text, _evidence(values), checks_of(draft))
    read = read_files(client, new_uploads(view), used=len(base))
    text = kept(evidence_text(base, read))
    files = [*files_of(view), *(f.file for f in read)]
    checks = deps.incidents.check(text, files=files) if text.strip() else None
    deps.drafts.renew(draft.id, user_id=user_id, text=text, checks=checks)
    reader = None if deps.is_triage(user_id) else user_id
    matches = deps.incidents.find_duplicates(text, reader=reader) if text.strip() else []
    context = report_context(
        draft_id=draft.id,
        text=text,
        checks=checks,
        matches=matches,
        source=Source(draft.source_channel, draft.source_ts, draft.source_author),
        refreshable=not text.strip(),
        redactor=deps.renderer.redactor,
        files=files,
        eval_logs=eval_logs_of(view),  # the form keeps offering them
    )
    if text.strip():  # a new action id, so that Slack shows the new text, not the one typed
        context["evidence"]["action"] = _other_action(values)
    context.update(model=None, **report_refresh.kept_choices(view))
    return deps.renderer.render_view("modals/report", **context)


def _evidence(values: dict[str, Any]) -> str:
    state = next(iter((values.get("evidence") or {}).values()), None) or {}
    return str(state.get("value") or "") if isinstance(state, dict) else ""


def _other_action(values: dict[str, Any]) -> str:
    current = next(iter((values.get("evidence") or {}).keys()), EVIDENCE_ACTIONS[0])
    return EVIDENCE_ACTIONS[1] if current == EVIDENCE_ACTIONS[0] else EVIDENCE_ACTIONS[0]
