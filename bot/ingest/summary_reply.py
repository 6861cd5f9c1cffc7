"""The summary of an eval log screened in Slack, queued in the outbox as a reply in the
flagged message's thread. No Slack in here: the notice carries plain values, and the Slack
side renders and posts it (``bot.slack.screen_replies``), once, with retries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.incidents import notices

if TYPE_CHECKING:
    from bot.incidents.service import IncidentService
    from bot.ingest.screening import Summary

# The incidents, and the incidents linked to, a reply names at most; it says how many more.
LISTED = 10


def reply_data(summary: Summary, *, file_name: str, user: str) -> dict[str, Any]:
    """What the reply says of a run: its counts, the flagged categories, the incidents filed
    (key and severity) and those the duplicates were linked to, each list capped."""
    linked = list(dict.fromkeys(link.key for link in summary.links))
    return {
        "file": file_name[:300],
        "user": user,
        "screened": summary.screened,
        "flagged": summary.flagged,
        "filed": summary.filed,
        "duplicates": summary.duplicates,
        "already_imported": summary.already_imported,
        "not_screened": len(summary.not_screened),
        "by_category": sorted(summary.by_category.items(), key=lambda c: (-c[1], c[0])),
        "incidents": [[f.key or "", f.severity] for f in summary.incidents[:LISTED]],
        "more_incidents": max(0, len(summary.incidents) - LISTED),
        "linked_to": linked[:LISTED],
        "more_linked": max(0, len(linked) - LISTED),
    }


def queue_reply(
    incidents: IncidentService, *, channel: str, thread_ts: str, data: dict[str, Any]
) -> None:
    """Queue the reply (``reply_data``) in the thread of ``thread_ts`` in ``channel``, in
    order with the other replies of that thread's screenings."""
    with incidents.db.write() as session:
        notices.enqueue(
            session,
            notices.SCREEN_SUMMARY,
            incidents.clock.now(),
            ordering_key=f"screen:{channel}:{thread_ts}",
            channel=channel,
            thread_ts=thread_ts,
            **data,
        )
    incidents.on_notice()
