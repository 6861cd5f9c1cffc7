"""The judge's second opinion as a reply in the thread of the incident's triage post
(``judge_reply`` notices, queued by ``bot.judge.job`` in the incident's ordering key, so
after the post): where it agrees and disagrees with the quick checks, its severity, one line
of reasoning, its verified quotes, and the triage team's "Apply judge's categories"."""

from __future__ import annotations

from typing import Any

from bot.incidents import notices
from bot.incidents.records import IncidentDetail
from bot.slack.delivery import Delivery
from bot.slack.judge_present import reply_context

APPLY_ACTION = "incident_judge_apply"


class JudgeReplies:
    """Sender of ``judge_reply`` notices."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery

    def register(self) -> None:
        """Teach delivery the kind."""
        self.delivery.register(notices.JUDGE_REPLY, self.send)

    def send(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Post the reply in the triage post's thread, if the post was made."""
        if detail is None:
            raise LookupError("this notice needs an incident")
        incident = detail.incident
        if not (incident.post_channel and incident.post_ts):
            return  # never posted (no triage channel, or the post failed for good)
        context = reply_context(incident.key, detail.judge_findings, data)
        message = self.delivery.renderer.render_message("messages/judge_reply", **context)
        self.delivery.post(incident.post_channel, thread_ts=incident.post_ts, **message)
