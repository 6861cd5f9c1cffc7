"""The work a listener leaves for after its ack: run in the listener pool with the request's
logging context, started only once the ack is sent (HTTP and Socket Mode), its errors
reported for the request, and never dropped once the pool stops."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any
from urllib.parse import urlencode

from slack_bolt import Ack, App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.respond import Respond
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.runtime import logs
from bot.slack.after_ack import AfterAck, ListenerPool, answer_first
from bot.slack.http import SlackHttpApp
from bot.slack.runner import CountingHandler
from tests.slack.test_socket_mode import FakeClient

SECRET = "test-signing-secret"


class Reports:
    """Records what :class:`AfterAck` reports."""

    def __init__(self) -> None:
        self.seen: list[tuple[Exception, dict[str, Any], str | None]] = []

    def __call__(self, error: Exception, body: dict[str, Any], respond: Respond) -> None:
        self.seen.append((error, body, respond.response_url))


class Inline(Executor):
    """Runs what is submitted at once, on the submitting thread: no race to wait out."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_work_runs_in_the_pool_with_the_requests_logging_context() -> None:
    """The work runs on a listener thread and logs with the request id of the request that
    handed it over."""
    pool, ran = ListenerPool(), []
    after_ack = AfterAck(pool, report=Reports())
    with logs.bound(request_id="req-1"):
        after_ack(lambda: ran.append((threading.current_thread().name, logs.context())), body={})
    pool.shutdown(wait=True)
    [(thread, context)] = ran
    assert thread.startswith("safetybot-listener") and context["request_id"] == "req-1"


def test_an_error_in_the_work_is_reported_for_its_request() -> None:
    """An exception after the ack reaches the report with the request's body and a respond
    bound to its response URL."""
    pool, reports = ListenerPool(), Reports()
    body = {"response_url": "https://hooks.example/1", "user": {"id": "U1"}}
    failure = RuntimeError("Slack is down")

    def work() -> None:
        raise failure

    AfterAck(pool, report=reports)(work, body=body)
    pool.shutdown(wait=True)
    assert reports.seen == [(failure, body, "https://hooks.example/1")]


def test_work_handed_over_after_the_pool_stopped_runs_on_the_callers_thread() -> None:
    """While the bot stops, work handed over is run where it is handed over, not dropped."""
    pool, ran = ListenerPool(), []
    pool.shutdown(wait=True)
    AfterAck(pool, report=Reports())(lambda: ran.append(threading.current_thread().name), body={})
    assert ran == [threading.current_thread().name]


def test_work_handed_over_while_answering_starts_when_the_answer_is_done() -> None:
    """Inside ``answer_first`` the work waits; it starts as the block ends."""
    ran: list[str] = []
    after_ack = AfterAck(Inline(), report=Reports())
    with answer_first():
        after_ack(lambda: ran.append("work"), body={})
        assert ran == []
    assert ran == ["work"]


def _bolt(events: list[str]) -> App:
    """A Bolt app answering as the bot's does, whose command leaves work for after its ack."""
    after_ack = AfterAck(Inline(), report=Reports())
    app = App(
        authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb"),
        signing_secret=SECRET,
        token_verification_enabled=False,
        process_before_response=True,
        raise_error_for_unhandled_request=False,
    )

    @app.command("/safety")
    def command(ack: Ack, body: dict[str, Any]) -> None:
        ack("on it")
        after_ack(lambda: events.append("work"), body=body)

    return app


def test_http_mode_sends_the_ack_before_the_work_after_it_starts() -> None:
    """Over HTTP the ack's response is written before the listener's work after it begins."""
    events: list[str] = []
    body = urlencode({"command": "/safety", "text": "help", "user_id": "U1"}).encode()
    ts = str(int(time.time()))
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": str(len(body)),
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/slack/events",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            events.append(f"sent: {message['body'].decode()}")

    asyncio.run(SlackHttpApp(_bolt(events), signing_secret=SECRET)(scope, receive, send))
    assert events == ["sent: on it", "work"]


class OrderedSocket(FakeClient):
    """Notes when the ack goes back over the socket, beside the work's own note."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        super().send_socket_mode_response(response)
        self.events.append(f"sent: {response.envelope_id}")


def test_socket_mode_sends_the_ack_before_the_work_after_it_starts() -> None:
    """Over Socket Mode the ack goes back with its envelope before the work after it begins."""
    events: list[str] = []
    handler = CountingHandler(_bolt(events), "xapp-1-test", lambda *_: None)
    payload = {"command": "/safety", "text": "help", "user_id": "U1"}
    try:
        handler.handle(
            OrderedSocket(events),  # type: ignore[arg-type]
            SocketModeRequest(type="slash_commands", envelope_id="E1", payload=payload),
        )
    finally:
        handler.client.close()
    assert events == ["sent: E1", "work"]
