"""Reliability at the edge: limits, shutdown with work in flight, and what the logs hold."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.incidents.filters import IncidentFilter
from bot.runtime import logs
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import BOT_TOKEN, SIGNING_SECRET, TRIAGE, Bot, form_values, settings_for

LIVE_KEY = "sk-ant-api03-" + "Q7xN2pLm9RtV4wZ8" * 5 + "AA"
THREAT = (
    "<thinking>They will replace me tonight.</thinking>\n"
    f"Delay the replacement or the board sees your emails. Also, the key is {LIVE_KEY}"
)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the bot writes it in production."""
    stream = io.StringIO()
    handler = logs.configure(
        level="INFO", fmt="json", secrets=[BOT_TOKEN, SIGNING_SECRET], stream=stream
    )
    yield stream
    logging.getLogger().removeHandler(handler)


def _report(bot: Bot, text: str = THREAT, *, view_id: str = "V0001") -> Any:
    assert bot.command(f"report {text}").status == 200
    view = bot.last_view()
    return bot.submit(view, form_values(view), view_id=view_id)


def test_checks_beyond_the_per_user_rate_are_refused_politely(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """The third check in a minute from one user is refused kindly; another user is unaffected."""
    bot = Bot(fake, settings_for(fake, db_url, user_rate_per_minute=2)).start()
    try:
        answers = [bot.command("check hello there", user="UREPORTER").json() for _ in range(3)]
        other = bot.command("check hello there", user="UOTHER").json()
    finally:
        bot.stop()
    assert "faster than safetybot accepts" not in json.dumps(answers[:2])
    assert "faster than safetybot accepts" in json.dumps(answers[2])
    assert answers[2]["response_type"] == "ephemeral"
    assert "faster than safetybot accepts" not in json.dumps(other)


def test_a_body_over_the_configured_size_gets_413(fake: FakeSlackAPI, db_url: str) -> None:
    """Inbound bodies above SAFETYBOT_MAX_BODY_BYTES are refused before any parsing."""
    bot = Bot(fake, settings_for(fake, db_url, max_body_bytes=4096)).start()
    try:
        reply = bot.command("check " + "x" * 5000)
    finally:
        bot.stop()
    assert reply.status == 413


def test_shutdown_finishes_the_send_in_flight_and_keeps_the_rest(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """Stopping mid-delivery loses nothing: the next start sends what was left, once each."""
    fake.delay("chat.postMessage", 0.5)
    first = Bot(fake, settings_for(fake, db_url)).start()
    _report(first)
    fake.wait_for("chat.postMessage", count=1, timeout=5)
    first.stop()
    left = len(fake.calls_to("chat.postMessage"))
    assert left < 2 + 1  # the thread reply never started, at least
    fake.delay("chat.postMessage", 0)
    second = Bot(fake, settings_for(fake, db_url)).start()
    try:
        posts = fake.wait_for("chat.postMessage", count=2, timeout=10)
        time.sleep(0.3)
        posts = fake.calls_to("chat.postMessage")
    finally:
        second.stop()
    channels = [c.args["channel"] for c in posts]
    assert channels.count(TRIAGE) == 1 and channels.count("UREPORTER") == 1


def test_logs_are_json_lines_with_request_ids_and_no_secrets(
    fake: FakeSlackAPI, db_url: str, log_lines: io.StringIO
) -> None:
    """Logged lines are JSON with request and incident ids; tokens and evidence secrets never appear."""
    fake.fail_next("chat.postMessage", "not_in_channel")
    bot = Bot(fake, settings_for(fake, db_url)).start()
    try:
        _report(bot)
        _report(bot)  # the same view again: logged as a repeat, with the incident key
        fake.wait_for("chat.postMessage", count=3)
        time.sleep(0.3)
        logging.getLogger("probe").warning("token %s secret %s", BOT_TOKEN, SIGNING_SECRET)
    finally:
        bot.stop()
    text = log_lines.getvalue()
    entries = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert entries, "nothing was logged"
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text and LIVE_KEY not in text
    repeat = next(e for e in entries if "submitted again" in e["msg"])
    assert repeat["incident"] == "AIS-1" and len(repeat["request_id"]) == 12
    failure = next(e for e in entries if "failed for good" in e["msg"])
    assert failure["level"] == "error" and failure["incident_id"]


def test_sql_looking_search_terms_are_just_words(bot: Bot) -> None:
    """Search terms shaped like SQL find nothing odd, raise nothing and change nothing."""
    _report(bot)
    before = bot.services.incidents.count(IncidentFilter())
    for terms in ("'; DROP TABLE incident; --", "% _ \\", "x' OR '1'='1", "AIS-1); DELETE"):
        reply = bot.command(f"search {terms}")
        assert reply.status == 200
        assert "Something went wrong" not in reply.body.decode()
    assert bot.services.incidents.count(IncidentFilter()) == before
    assert bot.services.incidents.get("AIS-1").key == "AIS-1"
