"""The ack is the answer, made on the request's thread; what follows it runs in the listener
pool the composition root owns, which stops with the bot; its errors are reported as before.

Order, not speed, is asserted here: how fast an ack comes back is measured in tests/bench.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.slack import commands
from bot.slack.runner import CountingHandler
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import SlackParts, build, build_slack
from tests.e2e.harness import (
    SOURCE,
    Bot,
    Reply,
    settings_for,
    sign,
    wait_until,
)
from tests.e2e.test_intake import THREAT
from tests.e2e.test_triage import click, open_home, post_of, report
from tests.engines import checks_for
from tests.slack.test_socket_mode import FakeClient

POOL = "safetybot-listener"


class HeldCalls:
    """Holds the bot's Web API calls of ``method`` until ``release`` is set, noting the threads
    they came from and, in ``events``, when each was answered, beside what the test notes.

    Bolt gives each request a client of its own, so every ``WebClient`` is patched."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.method: str | None = None
        self.release = threading.Event()
        self.threads: list[str] = []
        self.events: list[str] = []
        call = WebClient.api_call

        def held(client: WebClient, api_method: str, **kwargs: Any) -> Any:
            if api_method != self.method:
                return call(client, api_method, **kwargs)
            self.threads.append(threading.current_thread().name)
            self.release.wait(10)
            answer = call(client, api_method, **kwargs)
            self.events.append("answered")
            return answer

        monkeypatch.setattr(WebClient, "api_call", held)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldCalls]:
    """Web API calls held until released (released at the end in any case)."""
    calls = HeldCalls(monkeypatch)
    yield calls
    calls.release.set()


def _message_shortcut(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    message = {"type": "message", "ts": "1700000000.000100", "user": "UAUTHOR", "text": THREAT}
    return lambda: bot.message_shortcut(message)


def _global_shortcut(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    return lambda: bot.global_shortcut()


def _report_command(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    return lambda: bot.command(f"report {THREAT}")


def _home_report_button(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    payload = {
        "type": "block_actions",
        "user": {"id": "UREPORTER", "name": "ureporter"},
        "trigger_id": fake.issue_trigger_id(),
        "container": {"type": "view", "view_id": "VHOME"},
        "actions": [{"type": "button", "action_id": "home_report", "block_id": "report"}],
    }
    return lambda: bot.interaction(payload)


def _home_opened(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    def send() -> Reply:
        open_home(bot, "UREPORTER")
        return Reply(200, b"")

    return send


def _incident_button(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    post = post_of(bot, fake, report(bot))

    def send() -> Reply:
        click(bot, fake, post, "incident_assign", user="UTRIAGE1")
        return Reply(200, b"")

    return send


def _evidence_pasted(bot: Bot, fake: FakeSlackAPI) -> Callable[[], Reply]:
    assert bot.global_shortcut().status == 200
    opened = fake.wait_for("views.open")[-1].response["view"]
    payload = {
        "type": "block_actions",
        "user": {"id": "UREPORTER", "name": "ureporter"},
        "trigger_id": fake.issue_trigger_id(),
        "container": {"type": "view", "view_id": opened["id"]},
        "view": opened,
        "actions": [
            {"type": "plain_text_input", "block_id": "evidence", "action_id": "value"}
            | {"value": THREAT, "action_ts": "1700000000.1"}
        ],
    }
    return lambda: bot.interaction(payload)


CASES: dict[str, tuple[Callable[[Bot, FakeSlackAPI], Callable[[], Reply]], str]] = {
    "message shortcut": (_message_shortcut, "views.open"),
    "global shortcut": (_global_shortcut, "views.open"),
    "/safety report": (_report_command, "views.open"),
    "App Home Report button": (_home_report_button, "views.open"),
    "App Home opened": (_home_opened, "views.publish"),
    "incident button": (_incident_button, "views.open"),
    "evidence pasted into a blank form": (_evidence_pasted, "views.update"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_work_after_the_ack_runs_in_the_listener_pool(
    bot: Bot, fake: FakeSlackAPI, held: HeldCalls, case: str
) -> None:
    """The ack comes back while the Web API call after it still waits, and that call is made
    from the listener pool."""
    prepare, method = CASES[case]
    send = prepare(bot, fake)
    held.method = method
    assert send().status == 200
    held.events.append("acked")
    held.release.set()
    wait_until(lambda: "answered" in held.events, what=f"the {method} after the ack")
    assert held.events == ["acked", "answered"]
    assert len(held.threads) == 1 and held.threads[0].startswith(POOL), held.threads


def _signed(form: dict[str, str]) -> BoltRequest:
    body = urlencode(form)
    ts = str(int(time.time()))
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": sign(body.encode(), ts),
    }
    return BoltRequest(body=body, headers=headers)


@contextmanager
def _parts(fake: FakeSlackAPI, db_url: str, **overrides: Any) -> Iterator[SlackParts]:
    """The Slack parts as the composition root builds them, stopped afterwards."""
    settings = settings_for(fake, db_url, **overrides)
    services = build(settings, checks=checks_for(settings))
    services.db.upgrade()
    parts = build_slack(services)
    try:
        yield parts
    finally:
        parts.stop()
        services.db.dispose()


def test_an_answer_in_the_ack_is_made_on_the_requests_thread(
    fake: FakeSlackAPI, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``/safety help`` is answered by the thread that dispatched it: no listener thread whose
    ack another thread polls for."""
    threads: list[str] = []
    answer = commands.help_message

    def noted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return answer(*args, **kwargs)

    monkeypatch.setattr(commands, "help_message", noted)
    form = {"command": "/safety", "text": "help", "user_id": "UREPORTER", "team_id": "T0001"}
    with _parts(fake, db_url) as parts:
        response = parts.app.dispatch(_signed(form))
    assert response.status == 200 and "/safety report" in str(response.body)
    assert threads == [threading.current_thread().name]


def test_stopping_the_bot_shuts_the_listener_pool_down(fake: FakeSlackAPI, db_url: str) -> None:
    """Once stopped, the pool for the work after acks takes no more work."""
    with _parts(fake, db_url) as parts:
        parts.start()
        parts.stop()
        with pytest.raises(RuntimeError):
            parts.listeners.submit(print)


def test_an_error_after_the_ack_is_logged_and_told_to_the_user(
    bot: Bot, fake: FakeSlackAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """A Web API failure after the ack is logged with its traceback, and the user hears through
    the response URL that nothing was lost."""
    fake.fail_next("views.open", "expired_trigger_id")
    message = {"type": "message", "ts": "1700000000.000200", "user": "UAUTHOR", "text": THREAT}
    with caplog.at_level(logging.ERROR):
        assert bot.message_shortcut(message).status == 200
        told = fake.wait_for("response_url")[-1]
        wait_until(
            lambda: any("unhandled error" in r.getMessage() for r in caplog.records),
            what="the error logged",
        )
    assert "Something went wrong on our side" in json.dumps(told.args)
    assert told.args["response_url_name"] == "shortcut-UREPORTER"
    logged = next(r for r in caplog.records if "unhandled error" in r.getMessage())
    assert logged.exc_info is not None and "expired_trigger_id" in str(logged.exc_info[1])


def test_socket_mode_acks_over_the_socket_then_opens_the_form(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """Over Socket Mode, ``/safety report`` is acked with its envelope id and the prefilled form
    opens after, from the listener pool."""
    socket = FakeClient()
    payload = {
        "command": "/safety",
        "text": f"report {THREAT}",
        "user_id": "UREPORTER",
        "team_id": "T0001",
        "channel_id": SOURCE,
        "trigger_id": fake.issue_trigger_id(),
        "response_url": fake.response_url("socket"),
    }
    request = SocketModeRequest(type="slash_commands", envelope_id="E1", payload=payload)
    with _parts(fake, db_url, slack_app_token="xapp-1-test") as parts:
        handler = CountingHandler(parts.app, "xapp-1-test", lambda *_: None)
        try:
            handler.handle(socket, request)  # type: ignore[arg-type]
            opened = fake.wait_for("views.open")[-1]
        finally:
            handler.client.close()
    assert [r.envelope_id for r in socket.sent] == ["E1"] and socket.sent[0].payload is None
    assert opened.ok and "Kyle" in json.dumps(opened.args["view"])
