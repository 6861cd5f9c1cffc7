"""The ``digest_run`` rows behind posting the weekly digest once per channel and week: a
claim in one transaction (insert the week's row, or take over one that may be taken), then
the post or the failure recorded by the claimant; :mod:`bot.digest.posting` tells the
whole story.
"""

from __future__ import annotations

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
from bot.store.models import DigestRun

CLAIMED, POSTED, FAILED = "claimed", "posted", "failed"
PREVIEW = "preview"  # the week so far was posted (the playground); the week still falls due
DEFAULT_LEASE = timedelta(minutes=10)


# A failed week is claimed again 1, 2, 4 … minutes later, at most an hour; twelve attempts.
DEFAULT_RETRY = RetryPolicy(base_delay=60.0, max_delay=3600.0, max_attempts=12)


@dataclass(frozen=True)
class Claim:
    """The outcome of a claim: the row to post for, or why there is nothing to do."""

    outcome: str  # claimed | posted | in_progress | backing_off | gave_up
    run: DigestRun
    retry: bool = False  # an earlier attempt may have reached Slack


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
        """Insert the week's row, or take over an existing one when it may be; atomically."""
        now = self.clock.now()
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
                return Claim(CLAIMED, run)
            outcome = decide(
                run, now, force=force, manual=manual, lease=self.lease, policy=self.policy
            )
            if outcome != CLAIMED:
                return Claim(outcome, run)
            retry = run.status not in (POSTED, PREVIEW)  # a preview is not the week's post
            run.status, run.attempts = CLAIMED, run.attempts + 1
            run.claimed_at, run.claimed_by = now, by[:120]
            session.add(run)
            return Claim(CLAIMED, run, retry=retry)

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


def _refresh_homes(session: Session, now: datetime) -> None:
    """App Homes name the last digest: republish those the bot keeps up to date."""
    home_refresh.request(session, home_refresh.known_homes(session), now, home_refresh.GAP)


def _one(channel: str, week_start: date) -> Any:
    return select(DigestRun).where(
        col(DigestRun.channel) == channel, col(DigestRun.week_start) == week_start
    )
