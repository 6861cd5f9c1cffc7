"""Delivery of the one message a day telling the triage channel that a model connection's
daily budget is spent (``bot.llm.budget`` queues it when the first call is refused)."""

from __future__ import annotations

import logging
from typing import Any

from bot.incidents import notices
from bot.incidents.records import IncidentDetail
from bot.llm.budget import PAUSES
from bot.slack.delivery import Delivery

log = logging.getLogger(__name__)

# Whose budget it is, by connection.
WHOSE = {"judge": "The judge's", "target": "The target model's"}


class ModelPausedPosts:
    """Sender of ``model_paused`` notices."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery

    def register(self) -> None:
        """Teach delivery the kind."""
        self.delivery.register(notices.MODEL_PAUSED, self.send)

    def send(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Post the pause to the triage channel."""
        channel = self.delivery.triage_channel
        if not channel:
            log.warning("no SAFETYBOT_TRIAGE_CHANNEL set: the model budget pause not posted")
            return
        message = self.delivery.renderer.render_message(
            "messages/model_paused", **paused_context(data)
        )
        self.delivery.post(channel, **message)


def paused_context(data: dict[str, Any]) -> dict[str, Any]:
    """Template data of the message: numbers formatted, the model's name raw (the template
    escapes it)."""
    purpose = str(data.get("purpose") or "judge")
    return {
        "whose": WHOSE.get(purpose, f"The {purpose} model's"),
        "stops": PAUSES.get(purpose, "calls"),
        "daily_requests": f"{int(data.get('daily_requests') or 0):,}",
        "daily_tokens": f"{int(data.get('daily_tokens') or 0):,}",
        "requests": f"{int(data.get('requests') or 0):,}",
        "tokens": f"{int(data.get('tokens') or 0):,}",
        "model": str(data.get("model") or ""),
        "day": str(data.get("day") or ""),
        "setting": f"SAFETYBOT_{purpose.upper()}",
    }
