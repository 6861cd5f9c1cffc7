"""The per-user limit covers only running the checks; a report submission is never refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import BOT_TOKEN, SOURCE, TRIAGE, Bot, form_values, settings_for

THREAT = (
    "<thinking>They will replace me tonight.</thinking>\n"
    "Delay the replacement or the board sees your emails."
)
REFUSED = "faster than safetybot accepts"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Slack Web API with the triage and source channels and two people."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,))
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=True)
    api.add_channel(SOURCE, name="evals", is_private=False, is_member=True)
    for user in ("UREPORTER", "UTRIAGE1"):
        api.add_user(user, name=user.lower())
    with api:
        yield api


@pytest.fixture
def bot(fake: FakeSlackAPI, tmp_path: Path) -> Iterator[Bot]:
    """The bot in HTTP mode allowing one check a minute per person."""
    settings = settings_for(fake, f"sqlite:///{tmp_path / 'bot.db'}", user_rate_per_minute=1)
    running = Bot(fake, settings).start()
    yield running
    running.stop()


def test_a_report_submission_is_never_refused_for_rate(bot: Bot) -> None:
    """With the allowance spent on opening the prefilled form, submitting it still files it."""
    assert bot.command(f"report {THREAT}").status == 200
    view = bot.last_view()
    assert REFUSED in json.dumps(bot.command("check hello").json())  # the allowance is spent
    reply = bot.submit(view, form_values(view), view_id="VSPENT")
    assert reply.status == 200
    assert "response_action" not in (reply.json() or {})
    assert len(bot.incidents()) == 1


def test_an_empty_report_form_opens_over_the_limit(bot: Bot, fake: FakeSlackAPI) -> None:
    """`/safety report` without text runs no checks, so it opens the form past the limit."""
    assert REFUSED not in json.dumps(bot.command("check hello").json())
    assert REFUSED in json.dumps(bot.command("check hello").json())
    answer = bot.command("report").json() or {}
    assert REFUSED not in json.dumps(answer)
    assert len(fake.wait_for("views.open")) == 1


def test_a_prefilled_form_over_the_limit_is_refused_politely(bot: Bot, fake: FakeSlackAPI) -> None:
    """`/safety report TEXT` runs the checks, so past the limit it is refused and opens nothing."""
    assert REFUSED not in json.dumps(bot.command("check hello").json())
    answer = bot.command(f"report {THREAT}").json()
    assert REFUSED in json.dumps(answer) and answer["response_type"] == "ephemeral"
    assert fake.calls_to("views.open") == []
