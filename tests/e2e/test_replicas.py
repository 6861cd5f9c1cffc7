"""Several replicas on one PostgreSQL database share the work and double nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bot.incidents.filters import IncidentFilter
from bot.testing.fake_slack import FakeSlackAPI
from tests.databases import private_schema
from tests.e2e.harness import Bot, assert_each_once, drain, open_views, settings_for, submit_all

REPORTS = 150
DIGEST = "CDIGEST"


@pytest.mark.postgres
def test_three_replicas_share_the_work_without_duplicates(fake: FakeSlackAPI) -> None:
    """Three replicas on one PostgreSQL database, round-robin: 150 incidents, each posted once."""
    from tests.conftest import postgres_url

    with private_schema(postgres_url()) as url:
        _three_replicas(fake, url)


def _three_replicas(fake: FakeSlackAPI, url: str) -> None:
    fake.add_channel(DIGEST, name="ai-safety-digest")
    replicas = [
        Bot(
            fake, settings_for(fake, url, user_rate_per_minute=10_000, digest_channel=DIGEST)
        ).start()
        for _ in range(3)
    ]
    try:
        views = open_views(replicas[0], fake, REPORTS)
        assert set(submit_all(replicas, views, [1] * REPORTS)) == {200}
        drain(replicas[0])
        assert_each_once(replicas[0], fake, REPORTS)
        keys = sorted(
            i.number
            for i in replicas[1].services.incidents.list_incidents(IncidentFilter(), limit=10_000)
        )
        assert keys == list(range(1, REPORTS + 1))
        assert _digest_posts_racing(replicas) == 1
    finally:
        for bot in replicas:
            bot.stop()


def _digest_posts_racing(replicas: list[Bot]) -> int:
    """Every replica posts this week's digest at the same instant; how many posts landed."""
    from bot.digest.weeks import week_of
    from bot.wiring import build_digest

    runners = []
    for bot in replicas:
        runner = build_digest(bot.services).runner
        assert runner is not None
        runners.append(runner)
    week = week_of(replicas[0].services.clock.now(), "UTC")
    barrier = threading.Barrier(len(runners))

    def post(runner: Any) -> None:
        barrier.wait()
        runner.post_week(week)

    threads = [threading.Thread(target=post, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(1 for (c, _), m in replicas[0].fake.messages.items() if c == DIGEST)
