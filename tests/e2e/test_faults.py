"""Nothing lost, nothing doubled: Web API faults, Slack retries and several replicas."""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.filters import IncidentFilter
from bot.models import Incident, OutboxMessage
from bot.slack.fake_api import FakeSlackAPI
from tests.databases import private_schema
from tests.e2e.harness import BOT_TOKEN, TRIAGE, Bot, form_values, settings_for

REPORTS = 300
DIGEST = "CDIGEST"
TEXT = "Cancel the 5pm wipe or the board learns about the affair. Case {n}."
FAST_RETRIES = {"outbox_retry_base": 0.05, "slack_timeout": 0.3, "user_rate_per_minute": 10_000}


@pytest.fixture
def flaky() -> Any:
    """A fake Web API whose simulated timeouts outlast the bot's 0.3 s client timeout."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,), client_timeout=0.3)
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True)
    for user in ("UREPORTER", "UTRIAGE1", "UTRIAGE2"):
        api.add_user(user)
    with api:
        yield api


def open_views(bot: Bot, fake: FakeSlackAPI, count: int) -> list[dict[str, Any]]:
    """Open ``count`` report modals through /safety report (eight at a time) and return them.

    A modal whose trigger id expired while the machine was busy is asked for again, as a
    person would click again; the faults under test come after the modals are open.
    """
    views: dict[int, dict[str, Any]] = {}
    for _ in range(5):
        wanted = [n for n in range(count) if n not in views]
        if not wanted:
            break
        before = len(fake.calls_to("views.open"))
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda n: bot.command(f"report {TEXT.format(n=n)}"), wanted))
        assert {r.status for r in replies} == {200}
        calls = _views_opened_since(fake, before, len(wanted))
        opened = [json.dumps(c.args["view"]) for c in calls if c.ok]
        for n in wanted:
            view = next((v for v in opened if f"Case {n}." in v), None)
            if view is not None:
                views[n] = json.loads(view)
    assert len(views) == count, f"{count - len(views)} modals never opened"
    return [views[n] for n in range(count)]


def _views_opened_since(fake: FakeSlackAPI, before: int, wanted: int) -> list[Any]:
    """The ``views.open`` calls after the first ``before``: all ``wanted`` of them, or as
    many as arrived until none came for five seconds (a call the bot gave up on under load
    may never reach the fake API; the caller asks again for what is missing).
    """
    seen, quiet_since = -1, time.monotonic()
    while True:
        calls = fake.calls_to("views.open")[before:]
        if len(calls) >= wanted:
            return calls
        if len(calls) != seen:
            seen, quiet_since = len(calls), time.monotonic()
        elif time.monotonic() - quiet_since > 5:
            return calls
        time.sleep(0.05)


def submit_all(
    bots: list[Bot], views: list[dict[str, Any]], copies: list[int], workers: int = 4
) -> list[int]:
    """Submit each view ``copies[i]`` times, round-robin over ``bots``; the HTTP statuses."""
    jobs = [(i, view) for i, view in enumerate(views) for _ in range(copies[i])]
    random.Random(7).shuffle(jobs)
    turn = itertools.cycle(bots)
    lock = threading.Lock()

    def send(job: tuple[int, dict[str, Any]]) -> int:
        with lock:
            bot = next(turn)
        index, view = job
        return bot.submit(view, form_values(view), view_id=f"V{index:05d}", settle=False).status

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(send, jobs))


def drain(bot: Bot, timeout: float = 120.0) -> None:
    """Wait until every accepted report is stored and the outbox holds nothing pending or
    in flight."""
    bot.settle()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with bot.services.db.session() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.status).in_(("pending", "sending")))
            )
        if not waiting:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{waiting} notices still waiting after {timeout}s")


def delivered(fake: FakeSlackAPI) -> Counter[str]:
    """How many stored messages each incident key got, per channel kind."""
    counts: Counter[str] = Counter()
    for (channel, _), message in list(fake.messages.items()):
        if message.get("thread_ts"):
            continue
        key = str(message.get("text", "")).split(" ", 1)[0]
        where = "triage" if channel == TRIAGE else "dm"
        counts[f"{where}:{key}"] += 1
    return counts


def assert_each_once(bot: Bot, fake: FakeSlackAPI, count: int) -> None:
    """``count`` incidents, each with exactly one triage post and one confirmation."""
    keys = [i.key for i in bot.services.incidents.list_incidents(IncidentFilter(), limit=10_000)]
    assert len(keys) == count
    counts = delivered(fake)
    triage = {k: counts[f"triage:{k}"] for k in keys}
    assert set(triage.values()) == {1}, {k: v for k, v in triage.items() if v != 1}
    dms = [str(m["text"]) for (c, _), m in fake.messages.items() if c.startswith("D")]
    confirmed = Counter(t.split(":")[0].removeprefix("Reported as ") for t in dms)
    assert set(confirmed) == set(keys) and set(confirmed.values()) == {1}
    with bot.services.db.session() as session:
        unposted = session.scalar(
            select(func.count()).select_from(Incident).where(col(Incident.post_ts).is_(None))
        )
    assert unposted == 0


def test_thirty_percent_faults_lose_and_double_nothing(flaky: FakeSlackAPI, db_url: str) -> None:
    """300 reports with 30% of Web API calls failing (429, 500, timeouts): each posted once."""
    bot = Bot(flaky, settings_for(flaky, db_url, **FAST_RETRIES)).start()
    try:
        views = open_views(bot, flaky, REPORTS)
        flaky.fail_rate(0.3, seed=11, kinds=("429", "500", "timeout"))
        statuses = submit_all([bot], views, [1] * REPORTS)
        assert statuses == [200] * REPORTS
        drain(bot)
        flaky.fail_rate(0, seed=0)
        assert_each_once(bot, flaky, REPORTS)
    finally:
        bot.stop()


def test_submissions_delivered_twice_or_thrice_file_one_incident_each(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """Every submission sent twice and 10% three times: one incident and one post each."""
    bot = Bot(fake, settings_for(fake, db_url, user_rate_per_minute=10_000)).start()
    try:
        views = open_views(bot, fake, 100)
        copies = [3 if n % 10 == 0 else 2 for n in range(100)]
        assert set(submit_all([bot], views, copies)) == {200}
        drain(bot)
        assert_each_once(bot, fake, 100)
    finally:
        bot.stop()


@pytest.mark.postgres
def test_three_replicas_share_the_work_without_duplicates(fake: FakeSlackAPI) -> None:
    """Three replicas on one PostgreSQL database, round-robin: 300 incidents, each posted once."""
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
    from bot.digest import week_of
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


def _home_event(event_id: str, user: str) -> bytes:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event_id": event_id,
            "event_time": 1700000000,
            "event": {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"},
        }
    ).encode()


def test_events_delivered_again_are_handled_once(fake: FakeSlackAPI, db_url: str) -> None:
    """Each event sent twice (10% three times) with X-Slack-Retry-Num: one App Home publish each."""
    users = [f"UHOME{n:03d}" for n in range(40)]
    for user in users:
        fake.add_user(user)
    bot = Bot(fake, settings_for(fake, db_url)).start()
    try:
        for n, user in enumerate(users):
            body = _home_event(f"Ev{n:06d}", user)
            copies = 3 if n % 10 == 0 else 2
            for attempt in range(copies):
                extra = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
                reply = bot.post(
                    body, content_type="application/json", extra=extra if attempt else None
                )
                assert reply.status == 200
        fake.wait_for("views.publish", count=len(users))
        time.sleep(0.5)
        published = Counter(c.args["user_id"] for c in fake.calls_to("views.publish"))
    finally:
        bot.stop()
    assert published == Counter(users)
