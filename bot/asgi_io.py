"""ASGI plumbing shared by the Slack endpoint, the health endpoints and the playground: the
callable types, reading a request body without holding more than a limit in memory, and
sending a whole response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


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
