"""HTTP mode: a small ASGI app serving Slack's requests, health and readiness.

Bolt's dispatch is synchronous (it stores a submitted report before acking), so it runs in
a worker thread and the event loop stays free to accept the next request. What a listener
leaves for after its ack starts once the ack has been sent (``answer_first``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

from bot.slack.after_ack import answer_first
from bot.slack.payloads import MalformedRequest, malformed, parse_body
from bot.web.asgi_io import Receive, Send, read_body, reply
from bot.web.health import HealthEndpoints
from bot.web.metrics import request_kind

if TYPE_CHECKING:
    from bot.web.metrics import Metrics

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
MAX_BODY = 2 * 1024 * 1024  # a 1 MB paste, form-encoded, still fits


class SlackHttpApp:
    """Routes ``POST /slack/events`` to Bolt; answers ``/healthz``, ``/readyz`` and ``/metrics``."""

    def __init__(
        self,
        bolt: App,
        *,
        signing_secret: str,
        ready: Callable[[], bool] = lambda: True,
        max_body: int = MAX_BODY,
        on_startup: Callable[[], None] = lambda: None,
        on_shutdown: Callable[[], None] = lambda: None,
        metrics: Metrics | None = None,
    ) -> None:
        self.bolt = bolt
        self.verifier = SignatureVerifier(signing_secret)
        self.health = HealthEndpoints(ready=ready, metrics=metrics)
        self.max_body = max_body
        self.on_startup = on_startup
        self.on_shutdown = on_shutdown
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if self.health.serves(scope):
            await self.health.answer(scope, send)
        elif path == EVENTS_PATH and method == "POST":
            await self._counted_slack(scope, receive, send)
        else:
            await reply(send, 404, b"not found")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Start background work with the server; on shutdown let the send in flight finish."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(self.on_startup)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(self.on_shutdown)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _counted_slack(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """Serve a Slack request and count it: kind, outcome, and ack latency once in Bolt."""
        started, answered = time.perf_counter(), {"status": 500}

        async def recording(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
            await send(message)

        try:
            await self._slack(scope, receive, recording)
        finally:
            if self.metrics is not None:
                kind = scope.get("safetybot.kind")
                seconds = time.perf_counter() - started if kind else None
                self.metrics.slack_request(kind or "other", answered["status"], seconds)

    async def _slack(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length") or "0"
        if not declared.isascii() or not declared.isdigit():
            await reply(send, 400, b"malformed request")
            return
        too_long = int(declared) > self.max_body
        body = None if too_long else await read_body(receive, self.max_body)
        if body is None:
            await reply(send, 413, b"request body too large")
            return
        if not self._signed(body, headers):
            await reply(send, 401, b"invalid signature")
            return
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            request = _bolt_request(body, query, headers)
        except MalformedRequest as problem:
            log.warning("malformed Slack request refused: %s", problem)
            await reply(send, 400, f"malformed request: {problem}".encode())
            return
        scope["safetybot.kind"] = request_kind(request.body)
        with answer_first():  # the listener's work after its ack starts once the ack is sent
            try:
                response = await asyncio.to_thread(self.bolt.dispatch, request)
            except Exception:  # Bolt's own parsing of a payload shape it did not foresee
                log.exception("Bolt could not dispatch a signed request")
                await reply(send, 400, b"malformed request")
                return
            await reply(
                send,
                response.status,
                response.body.encode("utf-8") if isinstance(response.body, str) else response.body,
                {
                    k: str(v[0]) if isinstance(v, list | tuple) else str(v)
                    for k, v in response.headers.items()
                },
            )

    def _signed(self, body: bytes, headers: dict[str, str]) -> bool:
        """Slack's signature and a timestamp within 5 minutes; garbled headers are unsigned."""
        try:
            return self.verifier.is_valid_request(body, headers)
        except (ValueError, TypeError):  # a non-numeric timestamp, a body that is not UTF-8
            return False


def _bolt_request(body: bytes, query: str, headers: dict[str, str]) -> BoltRequest:
    """A Bolt request with the body parsed as Slack meant it; MalformedRequest when it is not.

    Bolt reads any form body containing the word "payload" as an interaction, so it would
    lose ``/safety check the payload was…``; the body is parsed here and given to Bolt.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("not UTF-8") from None
    parsed = parse_body(text, headers.get("content-type", ""))
    problem = malformed(parsed)
    if problem:
        raise MalformedRequest(problem)
    try:
        request = BoltRequest(body=text, query=query, headers=dict(headers))
        request.body = parsed
        request.context = build_context(BoltContext({}), parsed)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise MalformedRequest("not a Slack request") from None
    return request
