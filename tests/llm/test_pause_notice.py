"""The pause told to the triage channel: the bot configured with a model connection whose
daily budget runs out posts one message there, however often calls are refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.checks import CheckEngine
from bot.llm.budget import connected_client
from bot.llm.connection import BudgetSpent, Message
from bot.runtime.clock import FixedClock
from bot.testing.fake_model_server import FakeModelServer
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import build, build_slack
from tests.e2e.harness import BOT_TOKEN, TRIAGE, settings_for

ASK = [Message("user", "review this")]
HEADLINES = {
    "judge": "The judge's daily budget (2 requests / 2,000,000 tokens) is spent; "
    "second opinions pause until 00:00 UTC",
    "target": "The target model's daily budget (2 requests / 4,000,000 tokens) is spent; "
    "reproduction runs pause until 00:00 UTC",
}


@pytest.fixture
def slack() -> Iterator[FakeSlackAPI]:
    """A fake Slack Web API with the triage channel."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,))
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=True)
    with api:
        yield api


@pytest.fixture
def models() -> Iterator[FakeModelServer]:
    """A fake model API."""
    with FakeModelServer() as server:
        yield server


def spend_and_deliver(
    slack: FakeSlackAPI,
    models: FakeModelServer,
    db_url: str,
    clock: FixedClock,
    checks: CheckEngine,
    purpose: str,
    **settings: Any,
) -> None:
    """Configure ``purpose``'s connection at the fake model server with 2 requests a day,
    call it five times, and run the bot's outbox."""
    prefix = purpose
    values = {
        f"{prefix}_provider": "openai",
        f"{prefix}_model": "gpt-test <!channel>",
        f"{prefix}_base_url": f"{models.url}/v1",
        f"{prefix}_daily_requests": 2,
        **settings,
    }
    services = build(settings_for(slack, db_url, **values), clock=clock, checks=checks)
    services.db.upgrade()
    try:
        parts = build_slack(services)
        connection = getattr(services.settings, f"{purpose}_connection")()
        client = connected_client(
            services.db, clock, connection, on_paused=services.outbox_wake.set
        )
        client.complete(ASK)
        client.complete(ASK)
        for _ in range(3):
            with pytest.raises(BudgetSpent):
                client.complete(ASK)
        assert services.outbox_wake.is_set()
        parts.outbox.run_once()
    finally:
        services.db.dispose()


@pytest.mark.parametrize("purpose", ["judge", "target"])
def test_a_spent_budget_is_posted_once_to_triage(
    slack: FakeSlackAPI,
    models: FakeModelServer,
    db_url: str,
    clock: FixedClock,
    checks: CheckEngine,
    purpose: str,
) -> None:
    """Three refused calls make one post in the triage channel saying what paused and
    until when, with the model's name escaped."""
    spend_and_deliver(slack, models, db_url, clock, checks, purpose)
    [post] = slack.calls_to("chat.postMessage")
    assert post.args["channel"] == TRIAGE
    assert post.args["text"] == HEADLINES[purpose]
    shown = str(post.args["blocks"])
    assert HEADLINES[purpose] in shown and "gpt-test &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown and len(models.requests) == 2


def test_without_a_triage_channel_nothing_is_posted(
    slack: FakeSlackAPI,
    models: FakeModelServer,
    db_url: str,
    clock: FixedClock,
    checks: CheckEngine,
) -> None:
    """With no triage channel set the pause is only logged; calls are refused all the same."""
    spend_and_deliver(slack, models, db_url, clock, checks, "judge", triage_channel=None)
    assert slack.calls_to("chat.postMessage") == []
