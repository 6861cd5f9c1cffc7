"""ASGI plumbing shared by the Slack endpoint, the health endpoints and the playground: the
callable types, reading a request body without holding more than a limit in memory, sending
a whole response, and serving with uvicorn so that slow clients are cut off."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]
DEFAULT_TIMEOUT = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 16 * 1024


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it grows past ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def reply(
    send: Send, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    """Send a complete response: ``body`` with a content length (plain text by default)."""
    pairs = [
        (k.lower().encode(), str(v).encode())
        for k, v in (headers or {}).items()
        if k.lower() != "content-length"
    ]
    if not any(k == b"content-type" for k, _ in pairs):
        pairs.append((b"content-type", b"text/plain; charset=utf-8"))
    pairs.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": pairs})
    await send({"type": "http.response.body", "body": body})


def server_config(app: ASGIApp, *, timeout: float, max_body: int, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for serving ``app`` with slow clients cut off.

    A request's line and headers must arrive within ``timeout`` seconds (else the connection
    is closed) and its body within ``timeout`` more (else 408); an idle kept-alive connection
    is closed after ``KEEP_ALIVE_SECONDS``, and a head over ``MAX_HEAD_BYTES`` gets 400.
    ``options`` go to uvicorn as they are."""
    protocol = type("TimedH11Protocol", (TimedH11Protocol,), {"head_timeout": timeout})
    settings: dict[str, Any] = {"log_level": "warning", **options}
    return uvicorn.Config(
        within_time(app, timeout, max_body),
        http=protocol,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        **settings,
    )


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's line and headers.

    uvicorn itself times out only a kept-alive connection that stays silent: a client sending
    a header byte every few seconds would hold its connection forever. Here the head must be
    complete within ``head_timeout`` of the connection opening or of the request's first
    byte, and a body still arriving after the answer was sent ends the connection rather
    than being read at the client's pace.
    """

    head_timeout: float = DEFAULT_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._stop_head_timer()
        elif self.conn.trailing_data[0]:
            self._start_head_timer()  # part of the next request's head is waiting

    def on_response_complete(self) -> None:
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            self.transport.close()  # nobody will read the rest of this body
        super().on_response_complete()

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def within_time(app: ASGIApp, seconds: float, limit: int) -> ASGIApp:
    """``app``, handed each request body only once all of it has arrived.

    A body that takes longer than ``seconds`` is answered 408 and its connection closed. A
    body declared larger than ``limit`` goes to ``app`` unread (it refuses it), and at most
    ``limit`` bytes and one chunk are held before ``app`` sees them."""

    async def timed(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _declared_length(scope) > limit:
            await app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(seconds):
                messages = await _collect(receive, limit)
        except TimeoutError:
            await reply(send, 408, b"request body not received in time", {"connection": "close"})
            return
        await app(scope, _replay(messages, receive), send)

    return timed


async def _collect(receive: Receive, limit: int) -> deque[dict[str, Any]]:
    """The body's messages up to its end, a disconnect, or just past ``limit`` bytes."""
    messages: deque[dict[str, Any]] = deque()
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        size += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body") or size > limit:
            return messages


def _replay(messages: deque[dict[str, Any]], receive: Receive) -> Receive:
    async def replayed() -> dict[str, Any]:
        return messages.popleft() if messages else await receive()

    return replayed


def _declared_length(scope: dict[str, Any]) -> int:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
