"""Fixtures for end-to-end tests: the fake Web API and the bot serving HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import BOT_TOKEN, SOURCE, TRIAGE, Bot, settings_for


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Slack Web API with a triage channel, a source channel and some people."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,))
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=True)
    api.add_channel(SOURCE, name="evals", is_private=False, is_member=True)
    for user in ("UREPORTER", "UTRIAGE1", "UTRIAGE2", "UOTHER"):
        api.add_user(user, name=user.lower())
    with api:
        yield api


@pytest.fixture
def bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """The bot in HTTP mode on loopback, talking to the fake Web API."""
    running = Bot(fake, settings_for(fake, db_url)).start()
    yield running
    running.stop()
