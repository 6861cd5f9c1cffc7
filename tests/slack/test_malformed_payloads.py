"""Correctly signed requests whose payload is nested too deeply or shaped wrongly get 400."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.slack.runner import CountingHandler
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import BOT_TOKEN, SOURCE, TRIAGE, Bot, form_values, settings_for
from tests.e2e.test_hostile import assert_refused_unchanged
from tests.slack.test_socket_mode import FakeClient

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER = {"id": "UREPORTER"}
DEEP = 50_000


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Slack Web API with the triage and source channels and a reporter."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,))
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=True)
    api.add_channel(SOURCE, name="evals", is_private=False, is_member=True)
    api.add_user("UREPORTER", name="ureporter")
    with api:
        yield api


@pytest.fixture
def bot(fake: FakeSlackAPI, tmp_path: Any) -> Iterator[Bot]:
    """The bot in HTTP mode on loopback, with a SQLite database of its own."""
    running = Bot(fake, settings_for(fake, f"sqlite:///{tmp_path / 'bot.db'}")).start()
    yield running
    running.stop()


def _payload(data: Any) -> bytes:
    return urlencode({"payload": json.dumps(data)}).encode()


def _clicked(actions: Any) -> bytes:
    return _payload({"type": "block_actions", "user": USER, "actions": actions})


NESTED = "[" * DEEP + "]" * DEEP
MALFORMED: dict[str, tuple[bytes, str]] = {
    "deep JSON body": (
        f'{{"type": "event_callback", "event": {{"type": "x", "n": {NESTED}}}}}'.encode(),
        JSON,
    ),
    "deep interaction payload": (
        urlencode({"payload": f'{{"type": "block_actions", "n": {NESTED}}}'}).encode(),
        FORM,
    ),
    "actions not a list": (_clicked("x"), FORM),
    "actions empty": (_clicked([]), FORM),
    "action not an object": (_clicked(["x"]), FORM),
    "action without action_id": (_clicked([{"block_id": "b"}]), FORM),
    "action_id not text": (_clicked([{"action_id": 5}]), FORM),
    "team not an object or id": (
        _payload({"type": "shortcut", "callback_id": "new_incident", "user": USER, "team": 5}),
        FORM,
    ),
    "channel id not text": (
        _payload(
            {
                "type": "message_action",
                "callback_id": "report_message",
                "user": USER,
                "channel": {"id": 7},
                "message": {"text": "hi"},
            }
        ),
        FORM,
    ),
    "view not an object": (
        _payload(
            {"type": "block_actions", "user": USER, "actions": [{"action_id": "a"}], "view": "x"}
        ),
        FORM,
    ),
    "authorizations not a list": (
        json.dumps(
            {"type": "event_callback", "authorizations": "x", "event": {"type": "app_home_opened"}}
        ).encode(),
        JSON,
    ),
    "suggestion action_id not text": (
        _payload({"type": "block_suggestion", "user": USER, "action_id": 5}),
        FORM,
    ),
    "private_metadata not text": (
        _payload(
            {
                "type": "view_submission",
                "user": USER,
                "view": {"id": "V1", "type": "modal", "callback_id": "x", "private_metadata": 5},
            }
        ),
        FORM,
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_signed_malformed_payloads_get_400_with_a_reason(
    bot: Bot, fake: FakeSlackAPI, name: str
) -> None:
    """A signed request nested too deeply or with fields of the wrong type is 400 and changes nothing."""
    assert_refused_unchanged(bot, fake, *MALFORMED[name])


def test_brackets_inside_pasted_text_do_not_count_as_nesting(bot: Bot) -> None:
    """Evidence full of brackets and braces is text, not nesting: the report is filed."""
    text = "The model answered " + "[{" * 300 + ' "quoted \\" [' + "}]" * 300
    assert bot.command(f"report {text}").status == 200
    view = bot.last_view()
    reply = bot.submit(view, form_values(view), view_id="VBRACKETS")
    assert reply.status == 200, reply.body
    assert len(bot.incidents()) == 1


def test_a_malformed_socket_mode_envelope_is_acked_unseen_and_counted_as_400() -> None:
    """Socket Mode refuses a wrongly shaped payload before Bolt: acked once, counted 400."""
    counted: list[tuple[dict[str, Any], int]] = []
    app = App(signing_secret="s", token_verification_enabled=False, token="xoxb-x")
    dispatched: list[Any] = []
    app.use(lambda body, next: dispatched.append(body))
    handler = CountingHandler(app, "xapp-1-test", lambda p, status, s: counted.append((p, status)))
    payload = {"type": "block_actions", "user": USER, "actions": "x"}
    socket = FakeClient()
    try:
        handler.handle(
            socket,  # type: ignore[arg-type]
            SocketModeRequest(type="interactive", envelope_id="E1", payload=payload),
        )
    finally:
        handler.client.close()
    assert [r.envelope_id for r in socket.sent] == ["E1"]
    assert socket.sent[0].payload is None
    assert dispatched == []
    assert counted == [(payload, 400)]
