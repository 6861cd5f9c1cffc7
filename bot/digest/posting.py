"""Posting the weekly digest exactly once per channel and week, whatever the replicas do.

The digest is delivered by the outbox (:mod:`bot.slack.outbox`), like the triage post and
every DM: one mechanism sends once, retries with backoff (Slack's ``Retry-After`` on 429),
stops on permanent errors and looks for an earlier post before repeating one whose answer
was lost. What is particular to the digest is deciding which week is due, and recording
the outcome in a ``DigestRun`` row unique on (channel, week start):

* the job claims the week's row and, in the same transaction, puts the week's message in
  the outbox under a key of its own (``digest:<channel>:<week start>``); while a message
  of that key waits in the outbox, nothing more is claimed or queued;
* replicas firing together: one inserts the row, the others see it and stand back;
* the outbox sends it (``deliver``): the digest is rendered then, the post carries the week
  in its metadata, and the ``ts`` is recorded on the row (``posted``);
* a post the outbox gave up on (a permanent error, or too many attempts) marks the row
  ``failed`` (``DigestRunStore.after_delivery``); the job, which also runs every few
  minutes, claims it again after an exponential backoff and queues it again, and that
  message first asks Slack whether an earlier attempt got through after all (``find``);
* a claim whose outcome was never recorded goes stale after ``lease`` and is taken over;
* the bot was down at the scheduled time: the job runs at start and posts the week whose
  scheduled post is past and missing, for that week, once. Only the latest such week is
  caught up; older ones can be posted by hand (``safetybot digest --post --week``). Weeks
  that fell due before the installation's first digest run (the first ``digest_run`` row,
  or before that the process start) are not caught up: a new bot does not post last week
  the moment it first starts.

The digest of a week is due at the first scheduled time at or after the week's end
(Monday 00:00 in the configured zone), so daylight-saving changes neither skip nor repeat
a week. No Slack here: posting is a plain ``post(channel, context) -> ts`` callable that
raises the Web API's errors (the outbox classifies them), and ``send(key)`` hands the
queued message to an outbox: the running bot wakes its worker, the command line delivers
that one message inline. The rows claimed are in :mod:`bot.digest.runs`.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import ConfigError
from bot.digest.runs import CLAIMED, FAILED, POSTED, QUEUED, DigestRunStore
from bot.digest.weeks import Week, week_of
from bot.runtime.clock import Clock
from bot.runtime.scheduling import ScheduledJob

log = logging.getLogger(__name__)

JOB_ID = "weekly-digest"
CHECK_EVERY = timedelta(minutes=5)

Post = Callable[[str, dict[str, Any]], str]
Find = Callable[[str, str], str | None]
Send = Callable[[str], int]  # deliver the outbox message of this key; how many were tried


class DigestPostError(Exception):
    """Posting the week so far failed; the message names Slack's error (``not_in_channel``)."""


class ContextSource(Protocol):
    """What the runner needs of the digest: a template context for a week."""

    def context(self, week: Week, *, terminal: bool = False) -> dict[str, Any]: ...


# ---------------------------------------------------------------- schedule


def digest_schedule(cron: str, zone: str) -> CronTrigger:
    """The configured crontab in the configured zone; a bad one is a clear configuration error."""
    try:
        return CronTrigger.from_crontab(cron, timezone=zone)
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"SAFETYBOT_DIGEST_CRON {cron!r} is not a crontab (minute hour day month weekday, "
            f"like '0 9 * * mon'): {exc}"
        ) from None


def due_week(schedule: BaseTrigger, now: datetime, zone: str) -> Week | None:
    """The newest week whose scheduled post time has come: the last one over, else the one before.

    A week's post is due at the first scheduled time at or after its end.
    """
    week = week_of(now, zone).previous()
    for _ in range(2):
        fire = schedule.get_next_fire_time(None, week.end_at)
        if fire is not None and fire <= now:
            return week
        week = week.previous()
    return None


@dataclass(frozen=True)
class RunResult:
    """What one run did, in words fit for a log line or the terminal."""

    status: str  # posted | queued | posted_before | in_progress | backing_off | gave_up | failed | not_due
    week: Week | None
    ts: str | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """Nothing went wrong (which includes "already posted", and queued without an error)."""
        return self.status not in ("failed", "gave_up") and not (
            self.status == QUEUED and self.error
        )

    def describe(self, channel: str = "") -> str:
        """One line saying what happened."""
        label = self.week.label if self.week else ""
        where = f" to {channel}" if channel else ""
        return {
            "posted": f"posted the digest of {label}{where} (ts {self.ts})",
            "queued": f"the digest of {label} is queued{where}; the bot's outbox delivers it"
            + (f" (the last attempt failed: {self.error}; it is retried)" if self.error else ""),
            "posted_before": f"the digest of {label} was already posted{where} (ts {self.ts}); "
            "use --force to post it again",
            "in_progress": f"the digest of {label} is being posted right now by another process",
            "backing_off": f"the digest of {label} failed recently ({self.error}); "
            "it is retried automatically, or post it now with --post --week " + label,
            "gave_up": f"the digest of {label} failed too often ({self.error}); "
            "fix the cause and post it with --post --week " + label,
            "failed": f"posting the digest of {label} failed: {self.error}",
            "not_due": "no digest is due yet"
            + (f" (the digest of {label} fell due before the first run)" if label else ""),
        }[self.status]


def default_identity() -> str:
    """Who claims: host, process and a random part, so threads and replicas differ."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DigestRunner:
    """Decides which week is due, claims it and posts it; the scheduled job calls ``run_due``."""

    def __init__(
        self,
        *,
        runs: DigestRunStore,
        digest: ContextSource,
        post: Post,
        send: Send,
        channel: str,
        clock: Clock,
        schedule: BaseTrigger,
        zone: str,
        find: Find | None = None,
        identity: str | None = None,
        on_result: Callable[[str], None] | None = None,
    ) -> None:
        """``on_result`` hears the status of every scheduled run (the metrics count them)."""
        self.on_result = on_result
        self.runs = runs
        self.digest = digest
        self.post = post
        self.send = send
        self.find = find
        self.channel = channel
        self.clock = clock
        self.schedule = schedule
        self.zone = zone
        self.identity = identity or default_identity()
        self.started_at = clock.now()

    def run_due(self) -> RunResult:
        """Post the week that is due, if it has not been; never raises (it is a job)."""
        result = self._run_due()
        if self.on_result is not None:
            self.on_result(result.status)
        return result

    def _run_due(self) -> RunResult:
        try:
            week = due_week(self.schedule, self.clock.now(), self.zone)
            if week is None:
                return RunResult("not_due", None)
            existing = self.runs.get(self.channel, week.start)
            if existing is not None and existing.status == POSTED:
                return RunResult("posted_before", week, existing.message_ts)
            if existing is None and self._before_first_run(week):
                return RunResult("not_due", week)
            result = self.post_week(week)
        except Exception:
            log.exception("the weekly digest job failed")
            return RunResult("failed", None, error="unexpected error; see the log")
        if result.status in ("posted", "queued", "failed", "gave_up"):
            log.log(
                logging.INFO if result.ok else logging.WARNING,
                "weekly digest: %s",
                result.describe(self.channel),
            )
        return result

    def _before_first_run(self, week: Week) -> bool:
        """The week fell due before this installation ever ran the digest (nothing to catch up)."""
        due_at = self.schedule.get_next_fire_time(None, week.end_at)
        first = self.runs.first_claimed_at(self.channel) or self.started_at
        return due_at is None or due_at < first

    def post_week(self, week: Week, *, force: bool = False, manual: bool = False) -> RunResult:
        """Claim ``week`` and queue its post in the outbox, then hand it to ``send``; ``force``
        posts again after a success. Says ``posted`` when the message was delivered by then,
        ``queued`` when it waits in the outbox (the running bot delivers it)."""
        claim = self.runs.claim(
            self.channel, week.start, by=self.identity, force=force, manual=manual
        )
        run = claim.run
        if claim.outcome not in (CLAIMED, QUEUED):
            status = "posted_before" if claim.outcome == POSTED else claim.outcome
            return RunResult(status, week, run.message_ts, run.last_error or "")
        tried = self.send(claim.key)
        if manual:  # whoever asked waits for a send another worker already has in flight
            self.runs.settled_notice(claim.key)
        now = self.runs.get(self.channel, week.start) or run
        if now.status == POSTED:
            mine = claim.outcome == CLAIMED or tried > 0
            return RunResult("posted" if mine else "posted_before", week, now.message_ts)
        if now.status == FAILED:
            status = "gave_up" if self.runs.policy.gives_up(now.attempts) else "failed"
            return RunResult(status, week, error=now.last_error or "")
        return RunResult(QUEUED, week, error=self.runs.last_notice(claim.key)[1])

    def deliver(self, data: dict[str, Any], *, uncertain: bool = False) -> None:
        """Send one queued digest message (the outbox calls this); raises the Web API's error.

        A week's post looks for itself in the channel first when an earlier attempt may
        have reached Slack (``uncertain``: its answer was lost; or the week failed before),
        and records the ``ts`` on the week's row.
        """
        channel, by = str(data["channel"]), str(data["by"])
        week = Week(date.fromisoformat(str(data["week_start"])), self.zone)
        if data.get("preview"):
            ts = self.post(channel, self.digest.context(week))
            self.runs.preview_posted(channel, week.start, by=by, ts=ts)
            return
        found = None
        if (uncertain or data.get("retry")) and self.find is not None:
            found = self.find(channel, week.label)
        ts = found or self.post(channel, self.digest.context(week))
        if not self.runs.posted(int(data["run_id"]), by=by, ts=ts):
            log.warning("digest of %s posted, but another process had taken over", week.label)
        elif found:
            log.info("the digest of %s had reached %s already; recorded it", week.label, channel)

    def post_preview(self) -> str:
        """Post the current week so far (the playground); recorded as a preview, so the App
        Home names it while the week's own post stays due. Goes through the outbox too."""
        week = week_of(self.clock.now(), self.zone)
        key = self.runs.enqueue_preview(self.channel, week.start, by=self.identity)
        self.send(key)
        status, error = self.runs.settled_notice(key)
        if status == "failed":
            raise DigestPostError(error)
        if status != "sent":
            return f"The digest of {week.label} so far is queued for the digest channel" + (
                f" (the last attempt failed: {error}; it is retried)." if error else "."
            )
        return f"Posted the digest of {week.label} so far to the digest channel."


def digest_job(
    runner: DigestRunner, *, now: datetime, check_every: timedelta = CHECK_EVERY
) -> ScheduledJob:
    """The scheduled job: on the configured schedule, every few minutes (retries), and at start."""
    trigger = OrTrigger(
        [
            runner.schedule,
            IntervalTrigger(seconds=check_every.total_seconds(), timezone=runner.zone),
        ]
    )
    return ScheduledJob(
        id=JOB_ID,
        func=runner.run_due,
        trigger=trigger,
        # Run once at start (catch-up after downtime); never drop a late run.
        options={"next_run_time": now, "misfire_grace_time": None},
    )
