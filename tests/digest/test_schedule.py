"""The scheduled job: a fixed id, the configured crontab in the configured zone, checks and catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.digest.posting import JOB_ID, DigestRunner, digest_job, digest_schedule
from bot.runtime.clock import FixedClock
from bot.runtime.scheduling import build_scheduler
from bot.store.db import Database
from tests.digest.conftest import utc
from tests.digest.test_runs import FakeSlack, make_runner


def _fires(trigger: object, after: datetime, count: int) -> list[datetime]:
    moments, previous, now = [], None, after
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)  # type: ignore[attr-defined]
        moments.append(fire)
        previous, now = fire, fire
    return moments


@pytest.mark.parametrize(
    ("zone", "after", "utc_hours"),
    [
        ("Europe/Berlin", utc(2026, 3, 16), [8, 8, 7, 7]),  # 09:00 CET, then CEST from 30 Mar
        ("America/New_York", utc(2026, 10, 19), [13, 13, 14, 14]),  # EDT, then EST from 2 Nov
    ],
)
def test_schedule_fires_at_local_monday_0900_across_dst(
    zone: str, after: datetime, utc_hours: list[int]
) -> None:
    """The default crontab fires every Monday at 09:00 local time, whatever the UTC offset."""
    fires = _fires(digest_schedule("0 9 * * mon", zone), after, 4)
    assert [f.weekday() for f in fires] == [0, 0, 0, 0]
    assert [f.hour for f in fires] == [9, 9, 9, 9]
    assert [f.astimezone(UTC).hour for f in fires] == utc_hours


@pytest.mark.parametrize("cron", ["", "0 9 * *", "61 9 * * mon", "0 9 * * someday", "every monday"])
def test_bad_crontab_is_a_clear_configuration_error(cron: str) -> None:
    """A crontab that cannot work names the setting and the expected form."""
    with pytest.raises(ConfigError, match=r"SAFETYBOT_DIGEST_CRON.*0 9 \* \* mon"):
        digest_schedule(cron, "UTC")


@pytest.fixture
def job_runner(tmp_path: Path) -> DigestRunner:
    """A runner for the job tests (its database is never opened)."""
    return make_runner(
        Database(f"sqlite:///{tmp_path / 'unused.db'}"),
        FixedClock(utc(2026, 11, 25, 12)),
        FakeSlack(),
    )


def test_job_has_a_fixed_id_runs_at_start_and_never_drops_a_late_run(
    job_runner: DigestRunner,
) -> None:
    """The job is ``weekly-digest``, first runs at start (catch-up) and has no misfire limit."""
    start = utc(2026, 11, 25, 12)
    job = digest_job(job_runner, now=start)
    assert job.id == JOB_ID == "weekly-digest"
    assert job.func == job_runner.run_due
    assert job.options == {"next_run_time": start, "misfire_grace_time": None}


def test_job_also_checks_every_few_minutes_for_retries(job_runner: DigestRunner) -> None:
    """Besides the crontab, the trigger fires every five minutes (retries are picked up)."""
    job = digest_job(job_runner, now=utc(2026, 11, 25, 12))
    after = utc(2026, 11, 23, 7, 58)
    fires = _fires(job.trigger, after, 3)
    assert utc(2026, 11, 23, 8, 0) in fires  # Monday 09:00 Berlin, exactly
    assert all(b - a <= timedelta(minutes=5) for a, b in pairwise(fires))


def test_scheduler_holds_one_digest_job_even_when_added_twice(job_runner: DigestRunner) -> None:
    """Added twice under its fixed id, the job replaces itself instead of doubling."""
    job = digest_job(job_runner, now=utc(2026, 11, 25, 12))
    scheduler = build_scheduler([job, job], timezone="Europe/Berlin")
    scheduler.start(paused=True)
    try:
        assert [j.id for j in scheduler.get_jobs()] == [JOB_ID]
        assert scheduler.get_job(JOB_ID).misfire_grace_time is None
    finally:
        scheduler.shutdown(wait=False)
