"""The work a listener leaves for after its ack: run in the listener pool with the request's
logging context, its errors reported for the request, and never dropped once the pool stops."""

from __future__ import annotations

import threading
from typing import Any

from slack_bolt.context.respond import Respond

from bot.runtime import logs
from bot.slack.after_ack import AfterAck, ListenerPool


class Reports:
    """Records what :class:`AfterAck` reports."""

    def __init__(self) -> None:
        self.seen: list[tuple[Exception, dict[str, Any], str | None]] = []

    def __call__(self, error: Exception, body: dict[str, Any], respond: Respond) -> None:
        self.seen.append((error, body, respond.response_url))


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
