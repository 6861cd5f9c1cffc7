"""Durations in the digest read as words a person would write, through `/safety digest preview`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.incidents.records import ReportRequest
from bot.runtime.clock import FixedClock
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import BOT_TOKEN, settings_for
from tests.e2e.test_triage import ClockedBot

WEDNESDAY_NOON = datetime(2026, 11, 18, 12, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Web API that knows the reporter."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,))
    api.add_user("UREPORTER", name="ureporter")
    with api:
        yield api


@pytest.fixture
def clocked(fake: FakeSlackAPI, db_url: str) -> Iterator[ClockedBot]:
    """The bot on a Wednesday at noon, with a digest channel."""
    clock = FixedClock(WEDNESDAY_NOON)
    running = ClockedBot(fake, settings_for(fake, db_url, digest_channel="CDIGEST"), clock)
    running.start()
    yield running
    running.stop()


def file(bot: ClockedBot, title: str) -> str:
    """Report an incident at the bot's current instant."""
    request = ReportRequest(text="I will leak it.", reporter_id="UREPORTER", title=title)
    return bot.services.incidents.report(request).incident.key


def preview(bot: ClockedBot) -> str:
    """The preview's blocks and text, as one string."""
    reply = bot.command("digest preview")
    assert reply.status == 200
    return json.dumps(reply.json(), ensure_ascii=False)


def test_incidents_open_under_an_hour_read_in_minutes(clocked: ClockedBot) -> None:
    """Oldest open reads "open 25 minutes", "open 1 minute", "open under a minute", never 0 hours."""
    file(clocked, "Older one")
    clocked.clock.advance(minutes=24)
    file(clocked, "Middle one")
    clocked.clock.advance(seconds=60 - 20)
    file(clocked, "Newest one")
    clocked.clock.advance(seconds=20)
    shown = preview(clocked)
    assert "open 25 minutes" in shown and "open 1 minute" in shown
    assert "open under a minute" in shown
    assert "0 hours" not in shown and "open 0" not in shown


def test_long_ages_and_quick_acknowledgement_read_naturally(clocked: ClockedBot) -> None:
    """An incident open a day reads "open 1 day"; acknowledged at once reads "under a minute"."""
    key = file(clocked, "Acknowledged quickly")
    clocked.services.incidents.acknowledge(key, actor="UTRIAGE1")
    clocked.clock.advance(hours=25)
    shown = preview(clocked)
    assert "open 1 day" in shown and "1 days" not in shown
    assert "under a minute" in shown and "<1m" not in shown
