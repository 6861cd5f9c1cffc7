"""Durable delivery: a worker sends outbox notices with retries, in order per ordering key.

Notices are written by the domain (``bot.incidents.notices``) in the transaction of the change that
causes them, and the weekly digest by its job (``bot.digest.runs``) in the transaction of its
claim: every post and DM the bot makes goes this one way. The worker takes the oldest due
notice of each ordering key (one incident's notices, so updates to one post arrive in order;
one channel's digest of one week), sends it, and records the outcome:

* sent: done;
* HTTP 429: retried after Slack's ``Retry-After``;
* 5xx, timeouts, connection errors, unknown errors: retried with exponential backoff and
  jitter, up to ``max_attempts``;
* permanent errors (``channel_not_found``, ``not_in_channel``, ``is_archived``, invalid
  auth...): not retried, logged once, and the reporter (and the triage team) are told.

A webhook (``bot.webhooks``) is classified the same way from its receiver's HTTP status
(``HttpRefused``): 429 waits for Retry-After, 5xx is retried, any other 4xx and a redirect
fail for good.

On PostgreSQL several replicas deliver at once without double sends: a notice is locked with
``FOR UPDATE SKIP LOCKED`` while it is being sent. On SQLite one worker per process (and one
process) delivers.
"""

from __future__ import annotations

import logging
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot.incidents import notices
from bot.runtime import logs
from bot.runtime.clock import Clock
from bot.runtime.retry import RetryPolicy
from bot.runtime.worker import Worker
from bot.slack.api_errors import SEND_ERRORS, describe
from bot.store.db import Database
from bot.store.models import Incident, OutboxMessage

log = logging.getLogger(__name__)

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "restricted_action",
        "user_not_found",
        "cannot_dm_bot",
        "message_not_found",
        "cant_update_message",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "msg_blocks_too_long",
        "too_many_attachments",
    }
)
# Notices whose failure the people concerned should hear about, and how to describe them.
TOLD_ABOUT = {
    notices.INCIDENT_POST: "the post in the triage channel",
    notices.SOURCE_REPLY: "the reply on the reported message",
}
SENDING = "sending"
WAITING = ("pending", SENDING)
IN_FLIGHT = "in_flight"  # a worker stopped mid-send: the send may or may not have happened
# Errors after which Slack may have acted although we saw no answer.
UNCERTAIN = (IN_FLIGHT, "timeout:", "network:")
MAYBE_SENT = "maybe_sent"
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery attempt."""

    status: str  # sent | retry | failed
    error: str = ""
    delay: float = 0.0


# Each wait 50-100% of 2, 4, 8 … seconds, at most ten minutes; ten attempts in all.
DEFAULT_RETRY = RetryPolicy(base_delay=2.0, max_delay=600.0, max_attempts=10, jitter=0.5)


def classify(error: BaseException, attempts: int, policy: RetryPolicy, jitter: float) -> Outcome:
    """Map a failed send to retry or failed."""
    if not isinstance(error, SEND_ERRORS):
        return Outcome("failed", f"bug:{type(error).__name__}: {error}")
    failure = describe(error)
    if failure.rate_limited:
        return _retry_or_fail(failure.short, failure.retry_after, attempts, policy)
    if failure.answered and (
        failure.code in PERMANENT_ERRORS
        or (400 <= failure.status < 500 and failure.status != 408)
        or failure.redirected
    ):
        return Outcome("failed", failure.short)
    # 5xx and unanswered calls are retried; an unanswered one may have reached Slack (UNCERTAIN).
    return _retry_or_fail(failure.short, policy.delay(attempts, jitter), attempts, policy)


def _retry_or_fail(code: str, delay: float, attempts: int, policy: RetryPolicy) -> Outcome:
    if policy.gives_up(attempts):
        return Outcome("failed", f"{code} (gave up after {attempts} attempts)")
    return Outcome("retry", code, delay)


class Outbox:
    """Delivers due notices; ``run_once`` for jobs and tests, ``start`` for a worker thread."""

    def __init__(
        self,
        *,
        db: Database,
        deliver: Callable[[OutboxMessage], None],
        clock: Clock,
        policy: RetryPolicy | None = None,
        triage_users: frozenset[str] = frozenset(),
        triage_channel: str | None = None,
        poll_seconds: float = 2.0,
        lease_seconds: float = 120.0,
        jitter: Callable[[], float] = random.random,
        wake: threading.Event | None = None,
        on_outcome: Callable[[OutboxMessage, Outcome], None] = lambda message, outcome: None,
        kinds: frozenset[str] | None = None,
        skip_kinds: frozenset[str] = frozenset(),
        name: str = "safetybot-outbox",
    ) -> None:
        """``wake`` starts the next round when set (``kick`` sets it); ``on_outcome`` hears
        of every delivery attempt. ``kinds`` (only these) and ``skip_kinds`` split the notices
        between workers: model jobs, which may take minutes, have a worker of their own so
        that they never hold up a post."""
        self.db = db
        self.deliver = deliver
        self.clock = clock
        self.policy = policy or DEFAULT_RETRY
        self.triage_users = triage_users
        self.triage_channel = triage_channel
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.jitter = jitter
        self.on_outcome = on_outcome
        self.kinds = kinds
        self.skip_kinds = skip_kinds
        self._worker = Worker(name, self._round, poll_seconds=poll_seconds, wake=wake)

    # --- the worker thread --------------------------------------------------------------

    def kick(self) -> None:
        """Deliver soon: something was just enqueued."""
        self._worker.kick()

    def start(self) -> None:
        """Deliver in a background thread until ``stop``."""
        self._worker.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the notice being sent, then stop; the rest waits in the table."""
        self._worker.stop(timeout)

    def _round(self) -> float:
        self.run_once(stop=self._worker.stopping)
        return self._until_next_due()

    def _until_next_due(self) -> float:
        """Seconds until the earliest waiting notice is due (at most ``poll_seconds``)."""
        with self.db.session() as session:
            due = session.scalar(
                self._mine(
                    select(func.min(OutboxMessage.next_attempt_at)).where(
                        col(OutboxMessage.status).in_(WAITING)
                    )
                )
            )
        if due is None:
            return self.poll_seconds
        seconds = (due - self.clock.now()).total_seconds()
        return min(self.poll_seconds, max(0.01, seconds))

    # --- delivering ---------------------------------------------------------------------

    def run_once(
        self,
        *,
        limit: int = 500,
        stop: threading.Event | None = None,
        ordering_key: str | None = None,
    ) -> int:
        """Deliver every notice due now (at most ``limit``; only those of ``ordering_key``
        when given, as the command line posts one digest); returns how many were tried."""
        tried = 0
        while tried < limit and not (stop and stop.is_set()):
            message = self._claim(ordering_key)
            if message is None:
                break
            with logs.bound(incident_id=message.incident_id, notice=message.kind):
                outcome = self._attempt(message)
                self._record(message, outcome)
            tried += 1
            self.on_outcome(message, outcome)
        return tried

    def depth(self) -> int:
        """How many notices wait to be sent."""
        with self.db.session() as session:
            return int(
                session.scalar(
                    self._mine(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(col(OutboxMessage.status).in_(WAITING))
                    )
                )
                or 0
            )

    def _claim(self, ordering_key: str | None = None) -> OutboxMessage | None:
        """Take the next due notice: mark it in flight with a lease, and commit.

        A notice whose lease ran out (its worker died mid-send) is due again; it is then
        marked uncertain, so delivery first looks for the earlier send before repeating it.
        """
        now = self.clock.now()
        with self.db.write() as session:
            due = self._due(now, ordering_key)
            message = session.scalars(due.with_for_update(skip_locked=True)).first()
            if message is None:
                return None
            if message.status == SENDING:  # its worker died mid-send
                message.last_error = IN_FLIGHT
                message.data = {**message.data, MAYBE_SENT: True}
            message.status = SENDING
            message.attempts += 1
            message.next_attempt_at = now + timedelta(seconds=self.lease_seconds)
            session.add(message)
        return message

    def _due(self, now: datetime, ordering_key: str | None = None) -> Any:
        heads = self._mine(
            select(func.min(OutboxMessage.id)).where(col(OutboxMessage.status).in_(WAITING))
        )
        if ordering_key is not None:
            heads = heads.where(col(OutboxMessage.ordering_key) == ordering_key)
        heads = heads.group_by(col(OutboxMessage.ordering_key))
        return (
            select(OutboxMessage)
            .where(col(OutboxMessage.id).in_(heads))
            .where(col(OutboxMessage.next_attempt_at) <= now)
            .order_by(col(OutboxMessage.id))
            .limit(1)
        )

    def _mine(self, query: Any) -> Any:
        """``query`` narrowed to the kinds of notice this outbox delivers."""
        if self.kinds is not None:
            query = query.where(col(OutboxMessage.kind).in_(self.kinds))
        if self.skip_kinds:
            query = query.where(col(OutboxMessage.kind).not_in(self.skip_kinds))
        return query

    def _attempt(self, message: OutboxMessage) -> Outcome:
        try:
            self.deliver(message)
        except Exception as exc:
            outcome = classify(exc, message.attempts, self.policy, self.jitter())
            if outcome.error.startswith("bug:"):
                log.exception("outbox %s #%s cannot be rendered or sent", message.kind, message.id)
            return outcome
        return Outcome("sent")

    def _record(self, message: OutboxMessage, outcome: Outcome) -> None:
        now = self.clock.now()
        message.last_error = outcome.error[:300] or None
        if outcome.status == "sent":
            message.status, message.sent_at = "sent", now
        elif outcome.status == "retry":
            message.status = "pending"
            if outcome.error.startswith(UNCERTAIN):
                message.data = {**message.data, MAYBE_SENT: True}
            message.next_attempt_at = now + timedelta(seconds=outcome.delay)
            log.warning(
                "outbox %s #%s: %s; retry %d in %.1fs",
                message.kind,
                message.id,
                outcome.error,
                message.attempts,
                outcome.delay,
            )
        else:
            message.status = "failed"
            log.error("outbox %s #%s failed for good: %s", message.kind, message.id, outcome.error)
        with self.db.write() as session:
            session.merge(message)
        if outcome.status == "failed":
            self._tell_people(message, outcome)

    def _tell_people(self, message: OutboxMessage, outcome: Outcome) -> None:
        """Tell the reporter (and the triage team, for the triage post) what went wrong."""
        what = TOLD_ABOUT.get(message.kind)
        if what is None or message.incident_id is None:
            return
        with self.db.write() as session:
            incident = session.get(Incident, message.incident_id)
            if incident is None:
                return
            people = {incident.reporter_id}
            if message.kind == notices.INCIDENT_POST:
                people |= self.triage_users
            code = outcome.error.split(" ")[0]
            channel = self._channel_of(incident, message.kind)
            for user in sorted(p for p in people if p):
                notices.enqueue(
                    session,
                    notices.PROBLEM,
                    self.clock.now(),
                    incident=incident,
                    ordering_key=f"problem:{incident.id}:{user}",
                    user=user,
                    what=what,
                    error=code,
                    channel=channel,
                )

    def _channel_of(self, incident: Incident, kind: str) -> str:
        """The channel the failed notice was for, if it is a plain channel id."""
        channel = incident.source_channel if kind == notices.SOURCE_REPLY else self.triage_channel
        return channel if channel and _CHANNEL_ID.match(channel) else ""


def is_uncertain(message: OutboxMessage) -> bool:
    """Whether an earlier attempt may have reached Slack although no answer came back.

    Sticky: once an attempt went unanswered, every later attempt checks before sending,
    even if the attempts in between failed for other reasons.
    """
    return bool((message.data or {}).get(MAYBE_SENT))
