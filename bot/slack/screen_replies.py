"""Delivery of the summary of an eval log screened in Slack (``bot.ingest.summary_reply``
queues it): a reply in the flagged message's thread, posted once through the outbox."""

from __future__ import annotations

from typing import Any

from bot.incidents import notices
from bot.incidents.records import IncidentDetail
from bot.incidents.vocab import SEVERITY_LABELS, category_label
from bot.slack import present
from bot.slack.delivery import Delivery


class ScreenReplies:
    """Sender of ``screen_summary`` notices."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery

    def register(self) -> None:
        """Teach delivery the kind."""
        self.delivery.register(notices.SCREEN_SUMMARY, self.send)

    def send(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Post the summary in the thread the notice names."""
        message = self.delivery.renderer.render_message(
            "messages/screen_summary", **summary_context(data)
        )
        self.delivery.post(str(data["channel"]), thread_ts=str(data["thread_ts"]), **message)


def summary_context(data: dict[str, Any]) -> dict[str, Any]:
    """Template data of the reply: counts as numbers, names raw (the template escapes them)."""
    return {
        "file": str(data.get("file") or "the eval log"),
        "user": present.mention(str(data.get("user") or "")),
        "counts": {
            name: int(data.get(name) or 0)
            for name in ("screened", "flagged", "filed", "duplicates", "already_imported")
        }
        | {"not_screened": int(data.get("not_screened") or 0)},
        "categories": [
            {"label": category_label(str(name)), "count": int(count)}
            for name, count in data.get("by_category") or []
        ],
        "incidents": [
            {"key": str(key), "severity": SEVERITY_LABELS.get(str(severity), str(severity))}
            for key, severity in data.get("incidents") or []
        ],
        "more_incidents": int(data.get("more_incidents") or 0),
        "linked_to": [str(key) for key in data.get("linked_to") or []],
        "more_linked": int(data.get("more_linked") or 0),
    }
