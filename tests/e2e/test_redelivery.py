"""Nothing doubled when Slack delivers a submission or an event again."""

from __future__ import annotations

import json
import time
from collections import Counter

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import Bot, assert_each_once, drain, open_views, settings_for, submit_all


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
