"""What must be sent after a change, written to the outbox inside the change's transaction.

No Slack in here: a notice names what to send (``kind``) and the ids it needs; the Slack
side renders and delivers it later (``bot.slack.outbox``). Because a notice is committed
with the change that causes it, a crash or a Slack outage can delay a post, never lose it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.incidents.duplicates import DuplicateMatch, ReportMatches
from bot.store.models import Event, Incident, OutboxMessage

# Sent once when an incident is reported, in this order (one ordering key per incident).
PERMALINK = "permalink"
INCIDENT_POST = "incident_post"
CONFIRMATION = "confirmation"
SOURCE_REPLY = "source_reply"
# Sent after every change to an incident.
INCIDENT_UPDATE = "incident_update"
CHANGE_REPLY = "change_reply"
# Direct messages after a change: to the new assignee, and to the reporter.
ASSIGNED = "assigned_dm"
REPORTER_UPDATE = "reporter_update"
# Sent by scheduled jobs and on delivery problems.
REMINDER = "reminder"
NUDGE = "nudge"
PROBLEM = "problem"
HOME = "home"
# A signed POST of one incident event to one webhook URL (``bot.webhooks``).
WEBHOOK = "webhook"
# Sent last when an incident is reported, if its evidence is long: the whole evidence as a
# file in the triage post's thread (after the post: it needs the post's ts).
EVIDENCE_FILE = "evidence_file"
# The summary of an eval log screened in Slack, as a reply in the flagged message's thread
# (``bot.ingest.summary_reply``; no incident of its own).
SCREEN_SUMMARY = "screen_summary"
# Model jobs (docs/judge.md), delivered by a worker of their own because a model may take
# minutes: a judge's second opinion on an incident, and one reproduction run.
JUDGE_REVIEW = "judge_review"
REPRODUCTION = "reproduction"
MODEL_JOBS = frozenset({JUDGE_REVIEW, REPRODUCTION})
# What they post: the judge's opinion and a run's result in the triage post's thread, and the
# one message telling the triage channel a model connection's daily budget is spent.
JUDGE_REPLY = "judge_reply"
REPRODUCTION_REPLY = "reproduction_reply"
MODEL_PAUSED = "model_paused"
# Longer than this many characters is longer than one page of ``/safety show``.
EVIDENCE_FILE_OVER = 2_400

# A Slack user id (U…, or W… on Enterprise Grid): the only reporters a DM can reach. A report
# from the command line has ``cli:NAME`` as its reporter, who has no Slack DM to send to.
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")

# Timeline kinds that change what the incident post shows (a note only adds a reply).
POST_CHANGING = frozenset(
    {"acknowledged", "status", "assigned", "severity", "merged", "reopened", "duplicate_linked"}
    | {"details"}  # the model, eval, run, sample, epoch or source file edited
    | {"categories"}  # the judge's categories applied
)

# Timeline kinds the reporter is told about (a note or an assignment is triage's business).
REPORTER_KINDS = frozenset({"acknowledged", "status", "severity", "merged", "reopened"})

# Timeline kinds sent to the webhook URLs (besides the report itself); a note or the link
# on the incident a duplicate was merged into is not.
WEBHOOK_KINDS = frozenset({"acknowledged", "assigned", "severity", "status", "reopened", "merged"})
# Where a transaction's session holds the webhook targets its notices go to.
_WEBHOOK_TARGETS = "safetybot_webhook_targets"
# Where a transaction's session says a judge reviews new incidents (value: restricted too).
_JUDGE_REVIEWS = "safetybot_judge_reviews"


def enqueue(
    session: Session,
    kind: str,
    now: datetime,
    *,
    incident: Incident | None = None,
    ordering_key: str | None = None,
    **data: Any,
) -> OutboxMessage:
    """Add one notice to the session's transaction."""
    message = OutboxMessage(
        kind=kind,
        incident_id=incident.id if incident is not None else None,
        ordering_key=ordering_key or _ordering_key(incident, kind),
        data=data,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message


def reported(
    session: Session,
    incident: Incident,
    now: datetime,
    *,
    matches: ReportMatches,
) -> None:
    """The notices of a new incident: link, triage post, confirmation (to a Slack user only),
    source reply. The triage post and the confirmation carry the ``matches`` the report's
    lookup found for each (restricted ones for the triage team only), which they would
    otherwise look up again."""
    if incident.source_channel and incident.source_ts:
        enqueue(session, PERMALINK, now, incident=incident)
    team = [asdict(match) for match in matches.team]
    enqueue(session, INCIDENT_POST, now, incident=incident, duplicates=team)
    if is_slack_user(incident.reporter_id) and incident.reporter_updates:
        seen = [asdict(match) for match in matches.reporter]
        enqueue(session, CONFIRMATION, now, incident=incident, duplicates=seen)
    if incident.source_channel and incident.source_ts and not incident.restricted:
        enqueue(session, SOURCE_REPLY, now, incident=incident)
    _webhooks(session, incident, None, now)
    _judge_review(session, incident, now)


def evidence_file(session: Session, incident: Incident, now: datetime, *, length: int) -> None:
    """The whole evidence as a file in the triage post's thread, when its ``length`` is more
    than a page of ``/safety show``; enqueued after the post, in the incident's ordering key."""
    if length > EVIDENCE_FILE_OVER:
        enqueue(session, EVIDENCE_FILE, now, incident=incident)


def changed(session: Session, incident: Incident, events: Iterable[Event], now: datetime) -> None:
    """The notices of a change: the post edited in place and a thread reply per event."""
    events = list(events)
    if any(e.kind in POST_CHANGING for e in events):
        enqueue(session, INCIDENT_UPDATE, now, incident=incident)
    for event in events:
        session.flush()
        enqueue(session, CHANGE_REPLY, now, incident=incident, event_id=event.id)
        _people(session, incident, event, now)
        if event.kind in WEBHOOK_KINDS:
            _webhooks(session, incident, event, now)


def _people(session: Session, incident: Incident, event: Event, now: datetime) -> None:
    """DMs about ``event`` to the people it concerns, never to whoever made the change."""
    assignee = event.to_value
    if event.kind == "assigned" and is_slack_user(assignee) and assignee != event.actor:
        enqueue(session, ASSIGNED, now, incident=incident, event_id=event.id)
    reporter = incident.reporter_id
    if (
        event.kind in REPORTER_KINDS
        and incident.reporter_updates
        and is_slack_user(reporter)
        and reporter != event.actor
    ):
        enqueue(session, REPORTER_UPDATE, now, incident=incident, event_id=event.id)


def send_webhooks(session: Session, targets: Iterable[str]) -> None:
    """Have the notices of changes in ``session``'s transaction also go to the webhook
    ``targets`` (``bot.webhooks.targets.target_id`` of each URL)."""
    if targets:
        session.info[_WEBHOOK_TARGETS] = tuple(targets)


def review_by_judge(session: Session, *, restricted: bool) -> None:
    """Have each incident reported in ``session``'s transaction reviewed by the judge
    (docs/judge.md); a restricted one only when ``restricted`` (SAFETYBOT_JUDGE_RESTRICTED)."""
    session.info[_JUDGE_REVIEWS] = restricted


def _judge_review(session: Session, incident: Incident, now: datetime) -> None:
    """The judge's review of a new incident, as a model job of its own ordering key."""
    restricted_too = session.info.get(_JUDGE_REVIEWS)
    if restricted_too is None or (incident.restricted and not restricted_too):
        return
    enqueue(session, JUDGE_REVIEW, now, incident=incident, ordering_key=f"judge:{incident.id}")


def _webhooks(session: Session, incident: Incident, event: Event | None, now: datetime) -> None:
    """One notice per webhook target of ``event`` (None: the report itself), in order per
    incident and target, with the state the incident is in now and a delivery id that
    stays the same across retries."""
    for target in session.info.get(_WEBHOOK_TARGETS, ()):
        enqueue(
            session,
            WEBHOOK,
            now,
            incident=incident,
            ordering_key=f"webhook:{incident.id}:{target}",
            target=target,
            delivery=uuid.uuid4().hex,
            event_id=event.id if event is not None else None,
            state={
                "status": incident.status,
                "severity": incident.severity,
                "assignee": incident.assignee_id,
                "resolution": incident.resolution,
            },
        )


def is_slack_user(user_id: str | None) -> bool:
    """Whether ``user_id`` is a Slack user, who can be sent a direct message."""
    return bool(user_id and _SLACK_USER.match(user_id))


def _ordering_key(incident: Incident | None, kind: str) -> str:
    return f"incident:{incident.id}" if incident is not None else kind


def carried_duplicates(data: dict[str, Any]) -> list[DuplicateMatch] | None:
    """The duplicates a triage post or confirmation notice carries; None for one enqueued
    without them."""
    found = data.get("duplicates")
    if not isinstance(found, list):
        return None
    return [DuplicateMatch(**match) for match in found]
