"""Looking for an earlier post before posting again.

Each post the bot may have to repeat carries a stamp in its message metadata (which notice,
which week). When an earlier attempt may have reached Slack unanswered, the sender looks for
its stamp among the newest messages of the channel, or of the thread, before posting again.
Used by the outbox's delivery (triage posts, replies, DMs) and by the weekly digest.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

# A retry follows its attempt within minutes to hours: the newest messages are enough.
HISTORY_LIMIT = 200


def stamp(event_type: str, **payload: Any) -> dict[str, Any]:
    """The message metadata that names a post: ``chat.postMessage``'s ``metadata``."""
    return {"event_type": event_type, "event_payload": payload}


def find(
    client: WebClient, channel: str, stamped: dict[str, Any], *, thread_ts: str | None = None
) -> str | None:
    """The ``ts`` of a message that carries ``stamped`` in one page (``HISTORY_LIMIT``
    messages) of ``channel``'s history, or of the thread of ``thread_ts``; None if none does.

    ``channel`` is a conversation id (a DM is opened by the caller); Slack's errors are raised.
    """
    if thread_ts:
        page = client.conversations_replies(
            channel=channel, ts=thread_ts, include_all_metadata=True, limit=HISTORY_LIMIT
        )
    else:
        page = client.conversations_history(
            channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
        )
    for item in page.get("messages") or []:
        if _carries(item, stamped):
            return str(item["ts"])
    return None


def _carries(message: dict[str, Any], stamped: dict[str, Any]) -> bool:
    meta = message.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    wanted = stamped["event_payload"].items()
    return meta.get("event_type") == stamped["event_type"] and all(
        payload.get(key) == value for key, value in wanted
    )
