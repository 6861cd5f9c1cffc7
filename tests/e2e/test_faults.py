"""Nothing lost, nothing doubled when 30% of Web API calls fail (429, 500, timeouts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import (
    BOT_TOKEN,
    TRIAGE,
    Bot,
    assert_each_once,
    drain,
    open_views,
    settings_for,
    submit_all,
)

REPORTS = 150
# The bot's client gives up after this long, and a simulated timeout outlasts it. Each
# timeout holds the one outbox worker this long, so it is short: a local call answers in
# milliseconds, and one slowed past it by a busy machine is just one more timeout to survive.
SLACK_TIMEOUT = 0.1
FAST_RETRIES = {
    "outbox_retry_base": 0.05,
    "slack_timeout": SLACK_TIMEOUT,
    "user_rate_per_minute": 10_000,
}


@pytest.fixture
def flaky() -> Iterator[FakeSlackAPI]:
    """A fake Web API whose simulated timeouts outlast the bot's client timeout."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,), client_timeout=SLACK_TIMEOUT)
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True)
    for user in ("UREPORTER", "UTRIAGE1", "UTRIAGE2"):
        api.add_user(user)
    with api:
        yield api


def test_thirty_percent_faults_lose_and_double_nothing(flaky: FakeSlackAPI, db_url: str) -> None:
    """150 reports with 30% of Web API calls failing (429, 500, timeouts): each posted once."""
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
