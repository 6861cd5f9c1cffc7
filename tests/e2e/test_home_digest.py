"""The App Home names the last weekly digest as soon as one is posted, however it was posted."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.digest.weeks import week_of
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import build_digest
from tests.e2e.harness import Bot, settings_for, wait_until
from tests.e2e.test_triage import open_home, published_home, report

DIGEST = "CDIGEST"


@pytest.fixture
def digest_bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """The bot with a digest channel that is posted to only when the test says so."""
    fake.add_channel(DIGEST, name="ai-safety-digest", is_private=False, is_member=True)
    running = Bot(fake, settings_for(fake, db_url, digest_channel=DIGEST)).start()
    yield running
    running.stop()


def home_of(bot: Bot, fake: FakeSlackAPI, user: str) -> str:
    """``user``'s home as the bot publishes it when they open the tab."""
    since = len(fake.calls)
    open_home(bot, user)
    return json.dumps(wait_until(lambda: published_home(fake, user, since), what="the home"))


def test_home_names_the_digest_posted_from_the_playground_button(
    digest_bot: Bot, fake: FakeSlackAPI
) -> None:
    """After "Post digest" (the week so far), the home names it instead of "not posted yet"."""
    assert "No weekly digest has been posted yet" in home_of(digest_bot, fake, "UOTHER")
    runner = build_digest(digest_bot.services).runner
    assert runner is not None
    runner.post_preview()
    shown = home_of(digest_bot, fake, "UOTHER")
    assert "No weekly digest" not in shown
    assert "Last weekly digest" in shown and f"<#{DIGEST}>" in shown and "so far" in shown


def test_homes_are_republished_after_a_digest_post(digest_bot: Bot, fake: FakeSlackAPI) -> None:
    """People whose home the bot keeps up to date get it republished with the new digest."""
    report(digest_bot)
    wait_until(lambda: published_home(fake, "UREPORTER"), what="the reporter's home")
    since = len(fake.calls)
    runner = build_digest(digest_bot.services).runner
    assert runner is not None
    last_week = week_of(runner.clock.now(), "UTC").previous()
    assert runner.post_week(last_week).status == "posted"

    def republished() -> str:
        home = json.dumps(published_home(fake, "UREPORTER", since))
        return home if "Last weekly digest" in home else ""

    home = wait_until(republished, what="the reporter's home to name the digest")
    assert f"<#{DIGEST}>" in home and "so far" not in home
