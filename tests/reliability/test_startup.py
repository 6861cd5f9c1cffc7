"""Startup checks: each missing or wrong piece of Slack set-up is one clear line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.startup import slack_problems
from bot.testing.fake_slack import FakeSlackAPI


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A workspace with a private triage channel and a public digest channel, bot in both."""
    with FakeSlackAPI(tokens=("xoxb-good",)) as api:
        api.add_channel("CTRIAGE", is_private=True)
        api.add_channel("CDIGEST", is_private=False)
        yield api


def problems(fake: FakeSlackAPI, token: str = "xoxb-good", **values: Any) -> list[str]:
    """Run the startup checks against ``fake`` with some settings."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_api_url=fake.url,
        triage_channel=values.pop("triage", "CTRIAGE"),
        digest_channel=values.pop("digest", "CDIGEST"),
        **values,
    )
    return slack_problems(WebClient(token=token, base_url=fake.url), settings)


def test_a_healthy_set_up_has_no_problems(fake: FakeSlackAPI) -> None:
    """A valid token and both channels joined give an empty list."""
    assert problems(fake) == []


def test_a_refused_token_is_one_line(fake: FakeSlackAPI) -> None:
    """An invalid token is reported once, with Slack's error, and nothing else is tried."""
    found = problems(fake, token="xoxb-bad")
    assert len(found) == 1 and "invalid_auth" in found[0]


def test_missing_channels_are_named(fake: FakeSlackAPI) -> None:
    """Unset triage and digest channels each get a line naming the variable."""
    found = problems(fake, triage=None, digest=None)
    assert any("SAFETYBOT_TRIAGE_CHANNEL is not set" in p for p in found)
    assert any("SAFETYBOT_DIGEST_CHANNEL is not set" in p for p in found)


def test_a_channel_the_bot_is_not_in_says_how_to_invite_it(fake: FakeSlackAPI) -> None:
    """Not being a member is reported with the /invite command to fix it."""
    fake.add_channel("CDIGEST", is_member=False)
    found = problems(fake)
    assert len(found) == 1 and "/invite @safetybot" in found[0] and "CDIGEST" in found[0]


def test_a_public_triage_channel_is_a_warning(fake: FakeSlackAPI) -> None:
    """Restricted incidents go to the triage channel, so a public one is flagged."""
    fake.add_channel("CTRIAGE", is_private=False)
    found = problems(fake)
    assert len(found) == 1 and "public" in found[0]


def test_an_unknown_channel_is_reported(fake: FakeSlackAPI) -> None:
    """A channel id Slack does not know is reported with channel_not_found."""
    found = problems(fake, triage="CNOPE")
    assert len(found) == 1 and "channel_not_found" in found[0]
