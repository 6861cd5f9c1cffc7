"""Turns one outbox notice into Web API calls: renders from the incident as it is now, sends.

Runs in the outbox worker, never on the request path. A Slack error is raised to the worker,
which decides whether to retry; a notice that no longer applies (no triage channel, the post
was never made) is skipped quietly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient

from bot.incidents import notices
from bot.incidents.duplicates import DuplicateMatch
from bot.incidents.errors import InvalidInput
from bot.incidents.records import IncidentDetail
from bot.incidents.service import IncidentService
from bot.incidents.vocab import category_label
from bot.masking.redaction import Redactor
from bot.slack import earlier_post, present
from bot.slack.blocks import TemplateRenderer
from bot.slack.outbox import is_uncertain
from bot.slack.pages import paginate
from bot.store.models import OutboxMessage

log = logging.getLogger(__name__)
METADATA_TYPE = "safetybot_notice"


class Delivery:
    """Renders and sends the messages the outbox holds."""

    def __init__(
        self,
        *,
        client: WebClient,
        renderer: TemplateRenderer,
        incidents: IncidentService,
        triage_channel: str | None,
        bot_name: str = "safetybot",
    ) -> None:
        self.client = client
        self.renderer = renderer
        self.incidents = incidents
        self.triage_channel = triage_channel
        self.bot_name = bot_name
        self._local = threading.local()
        self._senders: dict[str, Callable[[IncidentDetail | None, dict[str, Any]], None]] = {
            notices.PERMALINK: self._permalink,
            notices.INCIDENT_POST: self._incident_post,
            notices.CONFIRMATION: self._confirmation,
            notices.SOURCE_REPLY: self._source_reply,
            notices.INCIDENT_UPDATE: self._incident_update,
            notices.CHANGE_REPLY: self._change_reply,
            notices.PROBLEM: self._problem,
        }

    def register(
        self, kind: str, sender: Callable[[IncidentDetail | None, dict[str, Any]], None]
    ) -> None:
        """Teach delivery a further kind of notice (reminders, App Home refreshes)."""
        self._senders[kind] = sender

    def deliver(self, message: OutboxMessage) -> None:
        """Send one notice; raises ``SlackApiError`` or a network error when Slack fails."""
        sender = self._senders.get(message.kind)
        if sender is None:
            log.error("outbox notice of unknown kind %r skipped", message.kind)
            return
        detail = None
        if message.incident_id is not None:
            detail = self.incidents.detail_by_id(message.incident_id)
        self._local.notice = message
        try:
            sender(detail, dict(message.data or {}))
        finally:
            self._local.notice = None

    def current(self) -> OutboxMessage | None:
        """The notice this thread is delivering, if any."""
        notice: OutboxMessage | None = getattr(self._local, "notice", None)
        return notice

    def post(self, channel: str, *, thread_ts: str | None = None, **message: Any) -> Any:
        """``chat.postMessage`` for the notice being delivered, at most once.

        Each post carries the notice id in its metadata. When an earlier attempt may have
        reached Slack unanswered (a timeout, or a worker that died mid-send), the channel is
        searched for that id first, and a post found there counts as delivered.
        """
        notice: OutboxMessage | None = getattr(self._local, "notice", None)
        stamped = None
        if notice is not None:
            stamped = earlier_post.stamp(METADATA_TYPE, notice_id=notice.id)
            found = self._find_post(stamped, channel, thread_ts) if is_uncertain(notice) else None
            if found is not None:
                log.info("notice #%s was already posted; not posting again", notice.id)
                return found
        return self.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, metadata=stamped, **message
        )

    def _find_post(
        self, stamped: dict[str, Any], channel: str, thread_ts: str | None
    ) -> dict[str, Any] | None:
        if channel[:1] in ("U", "W"):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        ts = earlier_post.find(self.client, channel, stamped, thread_ts=thread_ts)
        return None if ts is None else {"channel": channel, "ts": ts}

    def incident_message(
        self,
        detail: IncidentDetail,
        *,
        buttons: bool = True,
        duplicates: Sequence[DuplicateMatch] | None = None,
    ) -> dict[str, Any]:
        """The triage post of an incident, as it should look now; with the ``duplicates``
        its report found, if given, instead of looking them up again."""
        context = incident_context(
            detail,
            buttons=buttons,
            duplicates=self._duplicates(detail, found=duplicates),
            redactor=self.renderer.redactor,
        )
        return self.renderer.render_message("messages/incident", **context)

    # --- one sender per kind ------------------------------------------------------------

    def _permalink(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        incident = _need(detail).incident
        if incident.source_permalink or not (incident.source_channel and incident.source_ts):
            return
        response = self.client.chat_getPermalink(
            channel=incident.source_channel, message_ts=incident.source_ts
        )
        self.incidents.set_permalink(incident.key, str(response["permalink"]))

    def _incident_post(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        incident = _need(detail).incident
        if incident.post_ts:
            return  # already posted (a retry after the post succeeded)
        if not self.triage_channel:
            log.warning("no SAFETYBOT_TRIAGE_CHANNEL set: %s not posted to triage", incident.key)
            return
        found = notices.carried_duplicates(data)  # by the report's own lookup
        message = self.incident_message(_need(detail), duplicates=found)
        response = self.post(self.triage_channel, **message)
        self.incidents.set_post(incident.key, channel=response["channel"], ts=response["ts"])

    def _confirmation(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        incident = _need(detail).incident
        message = self.renderer.render_message(
            "messages/confirmation",
            key=incident.key,
            title=incident.title,
            severity=incident.severity,
            suggested=incident.suggested_severity,
            restricted=incident.restricted,
            # Only what the reporter may see: a restricted match is linked by triage instead.
            duplicates=present.duplicates(
                self._duplicates(
                    _need(detail), incident.reporter_id, found=notices.carried_duplicates(data)
                )
            ),
        )
        self.post(incident.reporter_id, **message)

    def _source_reply(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        incident = _need(detail).incident
        if incident.restricted or not (incident.source_channel and incident.source_ts):
            return
        message = self.renderer.render_message(
            "messages/thread_reply",
            key=incident.key,
            reporter=present.mention(incident.reporter_id),
        )
        self.post(incident.source_channel, thread_ts=incident.source_ts, **message)

    def _incident_update(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        incident = _need(detail).incident
        if not (incident.post_channel and incident.post_ts):
            return  # never posted (no triage channel, or the post failed for good)
        message = self.incident_message(_need(detail))
        self.client.chat_update(channel=incident.post_channel, ts=incident.post_ts, **message)

    def _change_reply(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        detail = _need(detail)
        incident = detail.incident
        event = next((e for e in detail.events if e.id == data.get("event_id")), None)
        if event is None or not (incident.post_channel and incident.post_ts):
            return
        message = self.renderer.render_message(
            "messages/change_reply", **present.change(event, incident.key)
        )
        self.post(incident.post_channel, thread_ts=incident.post_ts, **message)

    def _problem(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        message = self.renderer.render_message(
            "messages/problem",
            key=detail.incident.key if detail else "",
            what=str(data.get("what", "")),
            error=str(data.get("error", "")),
            channel=str(data.get("channel") or ""),
            bot_name=self.bot_name,
        )
        self.post(str(data["user"]), **message)

    def _duplicates(
        self,
        detail: IncidentDetail,
        reader: str | None = None,
        found: Sequence[DuplicateMatch] | None = None,
    ) -> list[DuplicateMatch]:
        """Earlier incidents whose evidence is the same or nearly the same (for ``reader``;
        those ``found`` when its report looked them up), leaving out those already merged with
        it: the post names those links itself."""
        own = detail.incident
        linked = {own.key, *detail.duplicates, *filter(None, [detail.duplicate_of])}
        matches = found
        if matches is None:
            matches = self.incidents.duplicates_of(
                detail.evidence, limit=3 + len(linked), reader=reader
            )
        return [m for m in matches if m.key not in linked and _number(m.key) < own.number][:3]


def _need(detail: IncidentDetail | None) -> IncidentDetail:
    if detail is None:
        raise LookupError("this notice needs an incident")
    return detail


def _number(key: str) -> int:
    tail = key.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def incident_context(
    detail: IncidentDetail,
    *,
    buttons: bool,
    duplicates: Any = (),
    redactor: Redactor | None = None,
) -> dict[str, Any]:
    """Template data of an incident post; evidence masked (see ``present.evidence_spans``)."""
    text = detail.evidence.text
    masked = present.evidence_spans(text, detail.findings, redactor)
    return {
        "incident": present.incident(
            detail.incident,
            detail.categories,
            duplicate_of=detail.duplicate_of,
            secrets=present.secret_texts(text, masked),
        ),
        "findings": present.findings(text, detail.findings, masked, redactor=redactor),
        "duplicates": present.duplicates(duplicates),
        "buttons": buttons,
    }


def evidence_context(
    detail: IncidentDetail,
    *,
    visible: bool,
    redactor: Redactor | None = None,
    page: int = 1,
    finding: int | None = None,
) -> dict[str, Any]:
    """One page of the evidence as ``show`` displays it, masked (see ``bot.slack.pages``).

    ``finding`` (an index into the findings as ``show`` lists them) opens the page that holds
    its quote and marks the quote there. A page or finding that does not exist is refused.
    """
    if not visible:
        return {"visible": False}
    text = detail.evidence.text
    pages = paginate(text, present.evidence_spans(text, detail.findings, redactor))
    targets = finding_targets(detail.findings)
    mark = None
    if finding is not None:
        if not 0 <= finding < len(targets):
            raise InvalidInput(
                f"{detail.incident.key} has no finding {finding + 1:,} to show. Nothing was changed."
            )
        mark = targets[finding]
        page = pages.page_of(mark["span"][0])
    start, end = pages.bound(page)
    return {
        "visible": True,
        "key": detail.incident.key,
        "text": pages.text_of(page, mark["span"] if mark else None),
        "page": page,
        "pages": pages.count,
        "first": f"{min(start + 1, end):,}",
        "last": f"{end:,}",
        "total": f"{len(text):,}",
        "nav": _page_buttons(page, pages.count),
        "targets": targets[:FINDING_BUTTONS],
        "mark": _marked(mark) if mark else None,
        "file": present.evidence_file(detail.evidence_file),
    }


FINDING_BUTTONS = 8  # as many as ``show`` lists findings


def finding_targets(found: Sequence[Any]) -> list[dict[str, Any]]:
    """One target per category, in the order ``show`` lists them: the span its row quotes."""
    quoted = [f for f, _ in present.strongest(found) if f.spans]
    return [
        {
            "index": i,
            "label": category_label(f.category),
            "span": (int(f.spans[0][0]), int(f.spans[0][1])),
        }
        for i, f in enumerate(quoted)
    ]


def _page_buttons(page: int, count: int) -> list[dict[str, Any]]:
    buttons = [
        ("first", "« First", 1, page > 2),
        ("prev", "‹ Previous", page - 1, page > 1),
        ("next", "Next ›", page + 1, page < count),
        ("last", "Last »", count, page < count - 1),
    ]
    return [{"name": n, "label": label, "page": p} for n, label, p, shown in buttons if shown]


def _marked(target: dict[str, Any]) -> dict[str, str]:
    start, end = target["span"]
    return {"label": target["label"], "first": f"{start + 1:,}", "last": f"{end:,}"}


WAITING = (
    "Your report is safe: safetybot stored it the moment you pressed Report, but could not "
    "file it as an incident yet. It keeps trying on its own and will send you the incident key "
    "once it is filed. The people who run safetybot can see the problem in its logs."
)


def tell_report_waiting(client: WebClient, renderer: TemplateRenderer, user_id: str) -> None:
    """DM a reporter whose report could not be filed yet. Sent directly, not through the
    outbox: the database that holds the outbox may be what is failing."""
    message = renderer.render_message("messages/notice", message=WAITING, warning=True)
    client.chat_postMessage(channel=user_id, **message)
