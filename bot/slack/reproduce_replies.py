"""Delivery of a finished reproduction run's result: one reply in the triage post's thread."""

from __future__ import annotations

from typing import Any

from bot.incidents import notices
from bot.incidents.records import IncidentDetail
from bot.reproduce.runs import ReproductionService
from bot.slack import present
from bot.slack.delivery import Delivery


class ReproductionReplies:
    """Sender of ``reproduction_reply`` notices."""

    def __init__(self, delivery: Delivery, runs: ReproductionService) -> None:
        self.delivery = delivery
        self.runs = runs

    def register(self) -> None:
        """Teach delivery the kind."""
        self.delivery.register(notices.REPRODUCTION_REPLY, self.send)

    def send(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Post the run's summary under the triage post; nothing when there is no post."""
        if detail is None:
            return
        incident = detail.incident
        if not (incident.post_channel and incident.post_ts):
            return  # never posted (no triage channel, or the post failed for good)
        view = self.runs.run(int(data["run_id"]))
        message = self.delivery.renderer.render_message(
            "messages/reproduction_reply",
            summary=view.summary(),
            key=incident.key,
            run_id=view.run.id,
            asked_by=present.mention(view.run.requested_by),
            outputs=bool(view.outputs) and self.runs.enabled,  # View outputs needs the runs on
        )
        self.delivery.post(incident.post_channel, thread_ts=incident.post_ts, **message)
