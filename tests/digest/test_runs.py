"""The digest is posted exactly once per channel and week: races, restarts, failures, downtime, DST.

Each runner here delivers through a real outbox (inline, as the command line does), so its
retries and error handling are the outbox's; only Slack is a stand-in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlmodel import select

from bot.digest.posting import DigestRunner, digest_schedule, due_week
from bot.digest.runs import DEFAULT_RETRY, DigestRunStore
from bot.digest.weekly import WeeklyDigest
from bot.digest.weeks import parse_week
from bot.runtime.clock import FixedClock
from bot.runtime.retry import RetryPolicy
from bot.slack.outbox import Outbox, is_uncertain
from bot.store.db import Database
from bot.store.models import DigestRun, OutboxMessage
from tests.digest.conftest import ZONE, utc

CHANNEL = "CDIGEST"
CRON = "0 9 * * mon"
MONDAY_0900 = utc(2026, 11, 23, 8, 0, 5)  # Mon 23 Nov, 09:00:05 in Berlin
W46, W47 = parse_week("2026-W46", ZONE), parse_week("2026-W47", ZONE)


def slack_error(code: str, status: int = 200) -> SlackApiError:
    """The error the Web API client raises when Slack answers ``ok: false`` with ``code``."""
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers={},
        status_code=status,
    )
    return SlackApiError(code, response)


class FakeSlack:
    """Stands in for the Slack side: records posts, fails on request, finds earlier posts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.faults: list[BaseException | str] = []
        self.delay = 0.0
        self.finds = 0
        self.attempts = 0
        self.lock = threading.Lock()

    def post(self, channel: str, context: dict[str, Any]) -> str:
        """Post (or fail as scripted); ``"lost"`` posts but raises as if the answer timed out."""
        time.sleep(self.delay)
        with self.lock:
            self.attempts += 1
            fault = self.faults.pop(0) if self.faults else None
            if isinstance(fault, BaseException):
                raise fault
            ts = f"{1_700_000_000 + len(self.messages)}.000100"
            self.messages.append((channel, context["week_label"], ts))
            if fault == "lost":
                raise TimeoutError("The read operation timed out")
            return ts

    def find(self, channel: str, week_label: str) -> str | None:
        """The ts of a message already posted for the week, as a channel search would."""
        with self.lock:
            self.finds += 1
            found = [ts for c, w, ts in self.messages if (c, w) == (channel, week_label)]
        return found[-1] if found else None

    def weeks(self) -> list[str]:
        """The weeks posted, in order."""
        return [week for _, week, _ in self.messages]


def make_runner(
    db: Database,
    clock: FixedClock,
    slack: FakeSlack,
    *,
    zone: str = ZONE,
    identity: str = "replica-1",
    policy: RetryPolicy | None = None,
) -> DigestRunner:
    """A runner as the wiring builds it for the command line, with the fake Slack side: its
    posts go through an outbox of its own, which delivers the week's message inline."""
    runs = DigestRunStore(db, clock, policy=policy)
    outbox = Outbox(
        db=db,
        deliver=lambda message: runner.deliver(message.data, uncertain=is_uncertain(message)),
        clock=clock,
        jitter=lambda: 1.0,
        on_outcome=runs.after_delivery,
    )
    runner = DigestRunner(
        runs=runs,
        digest=WeeklyDigest(db, zone=zone, clock=clock),
        post=slack.post,
        send=lambda key: outbox.run_once(ordering_key=key),
        find=slack.find,
        channel=CHANNEL,
        clock=clock,
        schedule=digest_schedule(CRON, zone),
        zone=zone,
        identity=identity,
    )
    return runner


@pytest.fixture
def slack() -> FakeSlack:
    """A fresh fake Slack side."""
    return FakeSlack()


@pytest.fixture
def runner(db: Database, clock: FixedClock, slack: FakeSlack) -> DigestRunner:
    """One replica's runner in Europe/Berlin, posting on Mondays at 09:00."""
    return make_runner(db, clock, slack)


def _run(runner: DigestRunner, at: datetime) -> str:
    runner.clock.at = at  # type: ignore[attr-defined]
    return runner.run_due().status


def _row(db: Database, week_start: date) -> DigestRun:
    with db.session() as session:
        return session.exec(
            select(DigestRun).where(
                DigestRun.channel == CHANNEL, DigestRun.week_start == week_start
            )
        ).one()


# ---------------------------------------------------------------- due weeks (no database)


@pytest.mark.parametrize(
    ("at", "week"),
    [
        (utc(2026, 11, 23, 8, 0, 0), "2026-W47"),  # Monday 09:00 Berlin exactly
        (utc(2026, 11, 23, 7, 59, 59), "2026-W46"),  # one second before: last week's is newest
        (utc(2026, 11, 25, 12), "2026-W47"),  # Wednesday
        (utc(2026, 11, 29, 22, 59), "2026-W47"),  # Sunday 23:59 Berlin
        (utc(2026, 11, 29, 23, 30), "2026-W47"),  # Monday 00:30 Berlin, before 09:00
    ],
)
def test_due_week_is_the_newest_week_whose_post_time_has_come(at: datetime, week: str) -> None:
    """A week is due from the first scheduled time after it ends: Monday 09:00 local."""
    due = due_week(digest_schedule(CRON, ZONE), at, ZONE)
    assert due is not None and due.label == week


def test_due_week_with_a_monthly_schedule_can_be_none() -> None:
    """With a schedule that fired neither after last week nor the one before, nothing is due."""
    assert due_week(digest_schedule("0 9 1 * *", ZONE), utc(2026, 11, 18, 12), ZONE) is None


# ---------------------------------------------------------------- once


def test_scheduled_run_posts_last_week_once(
    runner: DigestRunner, slack: FakeSlack, db: Database
) -> None:
    """At Monday 09:00 the job posts the week that just ended; later runs that week do nothing."""
    assert _run(runner, MONDAY_0900) == "posted"
    assert _run(runner, MONDAY_0900 + timedelta(minutes=5)) == "posted_before"
    assert _run(runner, MONDAY_0900 + timedelta(days=3)) == "posted_before"
    assert slack.weeks() == ["2026-W47"]
    row = _row(db, W47.start)
    assert row.status == "posted" and row.message_ts == slack.messages[0][2]
    assert row.attempts == 1 and row.posted_at == MONDAY_0900


def test_restart_after_success_does_not_post_again(
    db: Database, db_url: str, clock: FixedClock, slack: FakeSlack
) -> None:
    """A new process (its own engine and identity) finds the week posted and stays quiet."""
    assert _run(make_runner(db, clock, slack), MONDAY_0900) == "posted"
    restarted = Database(db_url)
    try:
        again = make_runner(restarted, clock, slack, identity="replica-1-after-restart")
        assert _run(again, MONDAY_0900 + timedelta(hours=2)) == "posted_before"
    finally:
        restarted.dispose()
    assert slack.weeks() == ["2026-W47"]


@pytest.mark.parametrize("replicas", [3])
def test_replicas_racing_post_each_week_once(
    db_url: str, db: Database, clock: FixedClock, slack: FakeSlack, replicas: int
) -> None:
    """Three schedulers (own engines) firing together for five weeks post each week once."""
    slack.delay = 0.05  # keep the winner busy while the others try
    engines = [Database(db_url) for _ in range(replicas)]
    runners = [make_runner(e, clock, slack, identity=f"replica-{i}") for i, e in enumerate(engines)]
    try:
        for week in range(5):
            clock.at = MONDAY_0900 + timedelta(weeks=week)
            outcomes = _race([r.run_due for r in runners])
            assert sorted(o.status for o in outcomes).count("posted") == 1, outcomes
    finally:
        for engine in engines:
            engine.dispose()
    assert slack.weeks() == [f"2026-W{n}" for n in range(47, 52)]


def test_two_replicas_queue_and_post_the_week_once_through_the_outbox(
    db_url: str, db: Database, clock: FixedClock, slack: FakeSlack
) -> None:
    """Two replicas firing together put the week's post in the outbox once, and it is sent once."""
    slack.delay = 0.05
    engines = [Database(db_url) for _ in range(2)]
    runners = [make_runner(e, clock, slack, identity=f"replica-{i}") for i, e in enumerate(engines)]
    try:
        clock.at = MONDAY_0900
        outcomes = _race([r.run_due for r in runners])
    finally:
        for engine in engines:
            engine.dispose()
    assert [o.status for o in outcomes].count("posted") == 1, outcomes
    with db.session() as session:
        sent = session.exec(select(OutboxMessage.ordering_key, OutboxMessage.status)).all()
    assert [tuple(row) for row in sent] == [(f"digest:{CHANNEL}:{W47.start.isoformat()}", "sent")]
    assert slack.weeks() == ["2026-W47"]


def _race(calls: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def go(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# ---------------------------------------------------------------- failures


def test_failed_post_is_retried_after_a_backoff(
    runner: DigestRunner, slack: FakeSlack, db: Database
) -> None:
    """A failure is recorded; the next runs wait out the backoff, then post once."""
    slack.faults = [slack_error("not_in_channel")]
    assert _run(runner, MONDAY_0900) == "failed"
    row = _row(db, W47.start)
    assert row.status == "failed" and row.last_error == "slack: not_in_channel"
    assert _run(runner, MONDAY_0900 + timedelta(seconds=30)) == "backing_off"
    assert slack.attempts == 1
    assert _run(runner, MONDAY_0900 + timedelta(minutes=1, seconds=1)) == "posted"
    assert slack.finds == 1  # it asked whether the first attempt got through
    row = _row(db, W47.start)
    assert (row.status, row.attempts, row.last_error) == ("posted", 2, None)
    assert slack.weeks() == ["2026-W47"]


def test_post_whose_answer_was_lost_is_found_not_repeated(
    runner: DigestRunner, slack: FakeSlack, db: Database
) -> None:
    """When Slack got the post but the answer timed out, the retry finds it and records it."""
    slack.faults = ["lost"]
    assert _run(runner, MONDAY_0900) == "queued"  # the outbox retries it
    assert _run(runner, MONDAY_0900 + timedelta(minutes=2)) == "posted"
    assert slack.weeks() == ["2026-W47"] and slack.finds == 1
    assert _row(db, W47.start).message_ts == slack.messages[0][2]


def test_unexpected_error_is_recorded_as_a_failure(
    runner: DigestRunner, slack: FakeSlack, db: Database
) -> None:
    """An error that is not Slack's (a bug) fails the attempt with its type, and is retried."""
    slack.faults = [KeyError("week_label")]
    assert _run(runner, MONDAY_0900) == "failed"
    assert _row(db, W47.start).last_error == "KeyError: 'week_label'"
    assert slack.attempts == 1  # a bug is not retried by the outbox, only by the week's backoff
    assert _run(runner, MONDAY_0900 + timedelta(minutes=5)) == "posted"


def test_gives_up_after_max_attempts_until_posted_by_hand(
    db: Database, clock: FixedClock, slack: FakeSlack
) -> None:
    """After the last automatic attempt the job stops trying; a manual post still may."""
    runner = make_runner(db, clock, slack, policy=replace(DEFAULT_RETRY, max_attempts=3))
    slack.faults = [slack_error("channel_not_found")] * 3
    results = [_run(runner, MONDAY_0900 + timedelta(hours=h)) for h in range(5)]
    assert results == ["failed", "failed", "gave_up", "gave_up", "gave_up"]
    assert slack.attempts == 3
    assert runner.post_week(W47, manual=True).status == "posted"
    assert slack.weeks() == ["2026-W47"]


def test_stale_claim_of_a_dead_replica_is_taken_over(
    runner: DigestRunner, slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    """A claim whose outcome was never recorded blocks others only until its lease ends."""
    clock.at = MONDAY_0900
    claim = DigestRunStore(db, clock).claim(CHANNEL, W47.start, by="replica-that-died")
    assert claim.outcome == "claimed"
    _drop_message(db, claim.key)  # it died after the outbox gave up, before recording that
    assert _run(runner, MONDAY_0900 + timedelta(minutes=5)) == "in_progress"
    assert _run(runner, MONDAY_0900 + timedelta(minutes=11)) == "posted"
    assert slack.finds == 1 and slack.weeks() == ["2026-W47"]
    assert _row(db, W47.start).claimed_by == "replica-1"


def test_a_dead_replicas_queued_post_is_delivered_by_another(
    runner: DigestRunner, slack: FakeSlack, db: Database, clock: FixedClock
) -> None:
    """The message a replica queued before it died is sent by another replica, once, and
    nothing is queued again meanwhile."""
    clock.at = MONDAY_0900
    claim = DigestRunStore(db, clock).claim(CHANNEL, W47.start, by="replica-that-died")
    assert _run(runner, MONDAY_0900 + timedelta(minutes=11)) == "posted"
    assert slack.weeks() == ["2026-W47"]
    row = _row(db, W47.start)
    assert (row.status, row.attempts, row.claimed_by) == ("posted", 1, "replica-that-died")
    with db.session() as session:
        keys = session.exec(select(OutboxMessage.ordering_key)).all()
    assert keys == [claim.key]


def _drop_message(db: Database, key: str) -> None:
    with db.write() as session:
        for message in session.exec(
            select(OutboxMessage).where(OutboxMessage.ordering_key == key)
        ).all():
            message.status = "failed"
            session.add(message)


def test_a_late_finish_after_a_takeover_is_not_recorded(db: Database, clock: FixedClock) -> None:
    """The replica that lost its claim cannot mark the week posted or failed over the new one."""
    store = DigestRunStore(db, clock)
    clock.at = MONDAY_0900
    old = store.claim(CHANNEL, W47.start, by="old")
    _drop_message(db, old.key)
    clock.advance(minutes=11)
    new = store.claim(CHANNEL, W47.start, by="new")
    assert new.outcome == "claimed" and new.retry
    assert old.run.id is not None
    assert store.failed(old.run.id, by="old", error="late") is False
    assert store.posted(old.run.id, by="new", ts="1.0") is True


def test_force_posts_again_and_keeps_one_row(
    runner: DigestRunner, slack: FakeSlack, db: Database
) -> None:
    """Without force a posted week is left alone; with force it is posted again, same row."""
    assert _run(runner, MONDAY_0900) == "posted"
    assert runner.post_week(W47, manual=True).status == "posted_before"
    assert runner.post_week(W47, force=True).status == "posted"
    assert slack.weeks() == ["2026-W47", "2026-W47"] and slack.finds == 0
    row = _row(db, W47.start)
    assert row.attempts == 2 and row.message_ts == slack.messages[1][2]


# ---------------------------------------------------------------- downtime


def test_missed_run_is_posted_at_start_for_its_week(
    db: Database, clock: FixedClock, slack: FakeSlack
) -> None:
    """Down from Friday to Wednesday: at start the missed week 47 is posted, once; then week 48."""
    clock.at = utc(2026, 11, 16, 7)
    runner = make_runner(db, clock, slack)
    assert _run(runner, utc(2026, 11, 16, 8, 0, 1)) == "posted"  # W46, on time
    assert _run(runner, utc(2026, 11, 25, 14)) == "posted"  # back on Wednesday
    assert _run(runner, utc(2026, 11, 25, 14, 5)) == "posted_before"
    assert _run(runner, utc(2026, 11, 30, 8, 0, 1)) == "posted"
    assert slack.weeks() == ["2026-W46", "2026-W47", "2026-W48"]


def test_only_the_latest_missed_week_is_caught_up(runner: DigestRunner, slack: FakeSlack) -> None:
    """Down over two Mondays: the newest week is posted; the older one is left for a manual post."""
    assert _run(runner, utc(2026, 12, 2, 10)) == "posted"
    assert slack.weeks() == ["2026-W48"]


def test_new_installation_does_not_post_last_week_at_first_start(
    db: Database, clock: FixedClock, slack: FakeSlack
) -> None:
    """First started on a Wednesday, the bot posts nothing until its first Monday 09:00."""
    clock.at = utc(2026, 11, 25, 14)
    fresh = make_runner(db, clock, slack)
    result = fresh.run_due()
    assert result.status == "not_due" and "fell due before the first run" in result.describe()
    assert _run(fresh, utc(2026, 11, 30, 8, 0, 1)) == "posted"
    assert slack.weeks() == ["2026-W48"]


def test_restarted_installation_catches_up_from_its_first_run(
    db: Database, clock: FixedClock, slack: FakeSlack
) -> None:
    """A process started after downtime catches up, because the database shows earlier runs."""
    clock.at = utc(2026, 11, 9, 8, 0, 1)
    assert make_runner(db, clock, slack).post_week(parse_week("2026-W45", ZONE)).status == "posted"
    clock.at = utc(2026, 12, 2, 10)
    assert make_runner(db, clock, slack, identity="after-downtime").run_due().status == "posted"
    assert slack.weeks() == ["2026-W45", "2026-W48"]


# ---------------------------------------------------------------- daylight saving


def _hourly(start: datetime, weeks: int) -> Iterator[datetime]:
    moment = start
    while moment < start + timedelta(weeks=weeks):
        yield moment
        moment += timedelta(minutes=61)


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Berlin", utc(2026, 3, 9)),  # spans Sun 29 Mar (forward)
        ("Europe/Berlin", utc(2026, 10, 5)),  # spans Sun 25 Oct (back)
        ("America/New_York", utc(2026, 2, 23)),  # spans Sun 8 Mar (forward)
        ("America/New_York", utc(2026, 10, 19)),  # spans Sun 1 Nov (back)
    ],
)
def test_daylight_saving_neither_skips_nor_repeats_a_week(
    db: Database, clock: FixedClock, slack: FakeSlack, zone: str, start: datetime
) -> None:
    """Checked every 61 minutes for five weeks across a DST change: each week posted once, Monday 09:00+."""
    clock.at = start
    runner = make_runner(db, clock, slack, zone=zone)
    posted_at: list[datetime] = []
    for moment in _hourly(start, 5):
        if _run(runner, moment) == "posted":
            posted_at.append(moment)
    labels = slack.weeks()
    assert len(labels) == len(set(labels)) == 5
    first = parse_week(labels[0], zone)
    assert labels == [first.shifted(i).label for i in range(5)]
    for moment, label in zip(posted_at, labels, strict=True):
        local = moment.astimezone(ZoneInfo(zone))
        assert local.weekday() == 0 and 9 <= local.hour < 11, (label, local)
        assert parse_week(label, zone).shifted(1).start == local.date()


def test_a_manual_post_waits_for_a_send_another_worker_has_in_flight(
    db: Database, clock: FixedClock
) -> None:
    """While another worker is sending the digest message, the manual caller waits for it
    and reads the outcome, instead of answering "queued" for a post that is landing."""
    now = clock.now()
    with db.write() as session:
        message = OutboxMessage(
            kind="weekly_digest", ordering_key="digest:k", status="sending",
            next_attempt_at=now, created_at=now,
        )  # fmt: skip
        session.add(message)
        session.flush()
        message_id = message.id

    def other_worker_finishes() -> None:
        time.sleep(0.3)
        with db.write() as session:
            sent = session.get(OutboxMessage, message_id)
            assert sent is not None
            sent.status = "sent"

    worker = threading.Thread(target=other_worker_finishes)
    worker.start()
    try:
        store = DigestRunStore(db, clock)
        assert store.last_notice("digest:k")[0] == "sending"
        assert store.settled_notice("digest:k")[0] == "sent"
    finally:
        worker.join()
