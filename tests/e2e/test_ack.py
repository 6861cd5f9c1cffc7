"""The ack comes first: a submission is answered without waiting for Slack, and a Web API
failure after the ack (rate limit, server error, a channel the bot is not in, a restart)
never loses the incident.

Posts are asynchronous, so these tests poll the database and the fake Web API.
"""

from __future__ import annotations

import json
from typing import Any

from bot.incidents.filters import IncidentFilter
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import TRIAGE, Bot, form_values, settings_for, wait_until
from tests.e2e.test_intake import THREAT


def _submit_report(bot: Bot) -> Any:
    assert bot.command(f"report {THREAT}").status == 200
    view = bot.last_view()
    return bot.submit(view, form_values(view))


def _keys(bot: Bot) -> list[str]:
    return [i.key for i in bot.services.incidents.list_incidents(IncidentFilter())]


def _triage_posts(fake: FakeSlackAPI) -> list[Any]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == TRIAGE and c.ok]


def _posted(bot: Bot) -> str | None:
    return bot.services.incidents.get("AIS-1").post_ts


def test_ack_does_not_wait_for_the_triage_post(bot: Bot, fake: FakeSlackAPI) -> None:
    """With Slack slow to answer posts, the submission is answered before the triage post exists."""
    fake.delay("chat.postMessage", 3.0)
    reply = _submit_report(bot)
    assert reply.status == 200
    assert _keys(bot) == ["AIS-1"], "the incident is stored before the ack"
    assert _posted(bot) is None, "the ack came back only after the post was answered"
    wait_until(lambda: _posted(bot), what="the triage post")
    fake.delay("chat.postMessage", 0)
    assert len(_triage_posts(fake)) == 1


def test_rate_limited_post_is_retried_and_the_incident_kept(bot: Bot, fake: FakeSlackAPI) -> None:
    """A 429 on the triage post is retried after Retry-After; the incident is there all along."""
    fake.fail_with_status("chat.postMessage", 429, retry_after=1)
    assert _submit_report(bot).status == 200
    assert _keys(bot) == ["AIS-1"]
    wait_until(lambda: _posted(bot), what="the retried triage post")
    posts = fake.calls_to("chat.postMessage")
    assert posts[0].status == 429
    assert len(_triage_posts(fake)) == 1


def test_server_error_post_is_retried_and_the_incident_kept(bot: Bot, fake: FakeSlackAPI) -> None:
    """A 5xx from Slack delays the triage post; it is sent once Slack answers again."""
    fake.fail_with_status("chat.postMessage", 503)
    assert _submit_report(bot).status == 200
    assert _keys(bot) == ["AIS-1"]
    wait_until(lambda: _posted(bot), what="the triage post after a 503")
    assert len(_triage_posts(fake)) == 1


def test_not_in_channel_keeps_the_incident_and_tells_the_reporter(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """When the bot is not in the triage channel the report is kept and the reporter is told how to fix it."""
    fake.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=False)
    assert _submit_report(bot).status == 200
    assert _keys(bot) == ["AIS-1"]

    def told() -> list[Any]:
        dms = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "UREPORTER"]
        return [c for c in dms if "not_in_channel" in json.dumps(c.args)]

    problem = wait_until(told, what="the reporter to hear about not_in_channel")
    assert "/invite" in json.dumps(problem[0].args)
    assert _posted(bot) is None
    assert bot.services.incidents.detail("AIS-1").evidence.text == THREAT


def test_posts_left_undelivered_at_shutdown_go_out_after_a_restart(
    bot: Bot, fake: FakeSlackAPI, db_url: str
) -> None:
    """Slack down when the bot stops: the stored incident is posted by the next process."""
    fake.fail_with_status("chat.postMessage", 500, count=1000)
    assert _submit_report(bot).status == 200
    fake.wait_for("chat.postMessage")
    bot.stop()
    fake.reset()
    again = Bot(fake, settings_for(fake, db_url)).start()
    try:
        assert _keys(again) == ["AIS-1"]
        wait_until(lambda: _posted(again), what="the post from the restarted bot")
        assert len(_triage_posts(fake)) == 1
    finally:
        again.stop()
