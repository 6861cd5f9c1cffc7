"""The ``digest_run`` rows behind posting the weekly digest once per channel and week: a
claim in one transaction (insert the week's row, or take over one that may be taken) that
also puts the week's message in the outbox, then the post or the failure recorded as the
outbox delivers it; :mod:`bot.digest.posting` tells the whole story.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from bot.incidents import home_refresh
from bot.runtime.clock import Clock
from bot.runtime.retry import RetryPolicy
from bot.store.db import Database
from bot.store.dialect import conflict_insert
from bot.store.models import DigestRun, OutboxMessage

CLAIMED, POSTED, FAILED = "claimed", "posted", "failed"
QUEUED = "queued"  # the week's message waits in the outbox (being sent, or retried)
NOTICE = "weekly_digest"  # the outbox kind of a digest post (the week's, or a preview)
_WAITING = ("pending", "sending")  # outbox statuses of a message not yet sent or failed
PREVIEW = "preview"  # the week so far was posted (the playground); the week still falls due
DEFAULT_LEASE = timedelta(minutes=10)
# How long a manual post waits for a send already in flight in another worker (about the
# Slack client's timeout, with room for one retry of a lost connection).
IN_FLIGHT_WAIT = 15.0


# A failed week is claimed again 1, 2, 4 … minutes later, at most an hour; twelve attempts.
DEFAULT_RETRY = RetryPolicy(base_delay=60.0, max_delay=3600.0, max_attempts=12)


@dataclass(frozen=True)
class Claim:
    """The outcome of a claim: the row to post for, or why there is nothing to do."""

    outcome: str  # claimed | queued | posted | in_progress | backing_off | gave_up
    run: DigestRun
    retry: bool = False  # an earlier attempt may have reached Slack
    key: str = ""  # the ordering key of the week's outbox message


def notice_key(channel: str, week_start: date) -> str:
    """The once-only key of a week's digest in the outbox: one message per channel and week
    waits at a time, and it has an ordering of its own (not an incident's)."""
    return f"digest:{channel}:{week_start.isoformat()}"


def readable(error: str) -> str:
    """An outbox error (``not_in_channel``, ``timeout:TimeoutError``, ``bug:KeyError: x``)
    as people read it: ``slack: not_in_channel``, ``timeout: TimeoutError``, ``KeyError: x``."""
    kind, colon, rest = error.partition(":")
    if colon and kind == "bug":
        return rest.strip()
    if colon and kind in ("timeout", "network"):
        return f"{kind}: {rest.strip()}"
    return f"slack: {error}"


def decide(
    run: DigestRun,
    now: datetime,
    *,
    force: bool,
    manual: bool,
    lease: timedelta,
    policy: RetryPolicy,
) -> str:
    """Whether an existing run may be claimed now, and if not, why."""
    if run.status == PREVIEW:
        return CLAIMED
    if run.status == POSTED:
        return CLAIMED if force else POSTED
    if run.status == CLAIMED and now - run.claimed_at < lease:
        return "in_progress"
    if run.status == FAILED and not (force or manual):
        if policy.gives_up(run.attempts):
            return "gave_up"
        if now < run.claimed_at + timedelta(seconds=policy.delay(run.attempts)):
            return "backing_off"
    return CLAIMED


class DigestRunStore:
    """The ``digest_run`` rows: claim, record the post or the failure, read."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        lease: timedelta = DEFAULT_LEASE,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.lease = lease
        self.policy = policy or DEFAULT_RETRY

    def get(self, channel: str, week_start: date) -> DigestRun | None:
        """The run of one week in one channel, if any."""
        with self.db.session() as session:
            return session.scalars(_one(channel, week_start)).first()

    def first_claimed_at(self, channel: str) -> datetime | None:
        """When the first digest for ``channel`` was claimed: the installation's first run."""
        with self.db.session() as session:
            return session.execute(
                select(func.min(col(DigestRun.claimed_at))).where(col(DigestRun.channel) == channel)
            ).scalar_one_or_none()

    def last_posted(self, channel: str) -> DigestRun | None:
        """The newest week posted to ``channel``."""
        with self.db.session() as session:
            return session.scalars(
                select(DigestRun)
                .where(col(DigestRun.channel) == channel, col(DigestRun.status) == POSTED)
                .order_by(col(DigestRun.week_start).desc())
                .limit(1)
            ).first()

    def claim(
        self, channel: str, week_start: date, *, by: str, force: bool = False, manual: bool = False
    ) -> Claim:
        """Insert the week's row, or take over an existing one when it may be, and put the
        week's message in the outbox; atomically. While a message of the week waits in the
        outbox (being sent or retried), nothing is claimed: the outcome is ``queued``."""
        now = self.clock.now()
        key = notice_key(channel, week_start)
        with self.db.write() as session:
            inserted = session.execute(
                conflict_insert(session, DigestRun)
                .values(
                    channel=channel,
                    week_start=week_start,
                    status=CLAIMED,
                    attempts=1,
                    claimed_at=now,
                    claimed_by=by[:120],
                )
                .on_conflict_do_nothing()
                .returning(col(DigestRun.id))
            ).scalar_one_or_none()
            run = session.scalars(_one(channel, week_start).with_for_update()).one()
            if inserted is not None:
                _enqueue(session, run, key, now, retry=False)
                return Claim(CLAIMED, run, key=key)
            if _waiting(session, key) is not None:
                return Claim(QUEUED, run, key=key)
            outcome = decide(
                run, now, force=force, manual=manual, lease=self.lease, policy=self.policy
            )
            if outcome != CLAIMED:
                return Claim(outcome, run, key=key)
            retry = run.status not in (POSTED, PREVIEW)  # a preview is not the week's post
            run.status, run.attempts = CLAIMED, run.attempts + 1
            run.claimed_at, run.claimed_by = now, by[:120]
            session.add(run)
            _enqueue(session, run, key, now, retry=retry)
            return Claim(CLAIMED, run, retry=retry, key=key)

    def enqueue_preview(self, channel: str, week_start: date, *, by: str) -> str:
        """Put a post of the week so far in the outbox; returns its ordering key."""
        now = self.clock.now()
        key = f"digest-preview:{channel}"
        with self.db.write() as session:
            data = {"channel": channel, "week_start": week_start.isoformat(), "by": by[:120]}
            session.add(_message(key, now, {**data, "preview": True}))
        return key

    def last_notice(self, key: str) -> tuple[str, str]:
        """The outbox status of the newest message of ``key`` (``pending``, ``sending``,
        ``sent``, ``failed``; "" if none) and its last error, as people read it."""
        with self.db.session() as session:
            message = session.scalars(
                select(OutboxMessage)
                .where(col(OutboxMessage.ordering_key) == key)
                .order_by(col(OutboxMessage.id).desc())
                .limit(1)
            ).first()
        if message is None:
            return "", ""
        return message.status, readable(message.last_error) if message.last_error else ""

    def settled_notice(self, key: str, within: float = IN_FLIGHT_WAIT) -> tuple[str, str]:
        """As :meth:`last_notice`, after waiting up to ``within`` seconds while another
        worker is sending the message (a manual post that a running bot took first)."""
        deadline = time.monotonic() + within
        status, error = self.last_notice(key)
        while status == "sending" and time.monotonic() < deadline:
            time.sleep(0.05)
            status, error = self.last_notice(key)
        return status, error

    def after_delivery(self, message: OutboxMessage, outcome: Any) -> None:
        """An ``Outbox.on_outcome`` hook: a week's message that failed for good fails the
        week's run, which the job claims again after its backoff. (A sent message was
        recorded by its sender, with the message ``ts``.)"""
        data = message.data or {}
        if message.kind != NOTICE or data.get("preview") or outcome.status != "failed":
            return
        self.failed(int(data["run_id"]), by=str(data["by"]), error=readable(outcome.error))

    def posted(self, run_id: int, *, by: str, ts: str) -> bool:
        """Record the post; False when the claim was lost to another replica meanwhile."""
        return self._finish(
            run_id, by, status=POSTED, posted_at=self.clock.now(), message_ts=ts, last_error=None
        )

    def preview_posted(self, channel: str, week_start: date, *, by: str, ts: str) -> None:
        """Record a post of the week so far, so the App Home names it; the week's own post is
        still due (a preview never stands in for it)."""
        now = self.clock.now()
        with self.db.write() as session:
            run = session.scalars(_one(channel, week_start).with_for_update()).first()
            if run is None:
                run = DigestRun(channel=channel, week_start=week_start, claimed_at=now)
            elif run.status != PREVIEW:
                return  # the week's own run (claimed, failed, posted) is left as it is
            run.status, run.claimed_by = PREVIEW, by[:120]
            run.posted_at, run.message_ts = now, ts
            session.add(run)
            _refresh_homes(session, now)

    def failed(self, run_id: int, *, by: str, error: str) -> bool:
        """Record a failed attempt; it is retried after the backoff."""
        return self._finish(run_id, by, status=FAILED, last_error=error[:300])

    def _finish(self, run_id: int, by: str, **values: Any) -> bool:
        with self.db.write() as session:
            result = session.execute(
                update(DigestRun)
                .where(
                    col(DigestRun.id) == run_id,
                    col(DigestRun.status) == CLAIMED,
                    col(DigestRun.claimed_by) == by[:120],
                )
                .values(**values)
            )
            done = bool(getattr(result, "rowcount", 0))
            if done and values.get("status") == POSTED:
                _refresh_homes(session, self.clock.now())
            return done


def _waiting(session: Session, key: str) -> OutboxMessage | None:
    return session.scalars(
        select(OutboxMessage)
        .where(col(OutboxMessage.ordering_key) == key, col(OutboxMessage.status).in_(_WAITING))
        .limit(1)
    ).first()


def _enqueue(session: Session, run: DigestRun, key: str, now: datetime, *, retry: bool) -> None:
    """The week's message, in the claim's transaction: claimed and queued, or neither."""
    data = {
        "channel": run.channel,
        "week_start": run.week_start.isoformat(),
        "run_id": run.id,
        "by": run.claimed_by,
        "retry": retry,  # an earlier message may have reached Slack: look before posting
    }
    session.add(_message(key, now, data))


def _message(key: str, now: datetime, data: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        kind=NOTICE, ordering_key=key, data=data, next_attempt_at=now, created_at=now
    )


def _refresh_homes(session: Session, now: datetime) -> None:
    """App Homes name the last digest: republish those the bot keeps up to date."""
    home_refresh.request(session, home_refresh.known_homes(session), now, home_refresh.GAP)


def _one(channel: str, week_start: date) -> Any:
    return select(DigestRun).where(
        col(DigestRun.channel) == channel, col(DigestRun.week_start) == week_start
    )
