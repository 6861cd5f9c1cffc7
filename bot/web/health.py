"""Health, readiness and metrics over HTTP, for whatever serves Slack (HTTP or Socket Mode)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from bot.web.asgi_io import DEFAULT_TIMEOUT, Receive, Send, reply, server_config

if TYPE_CHECKING:
    from bot.web.metrics import Metrics

log = logging.getLogger(__name__)
PATHS = ("/healthz", "/readyz", "/metrics")
HEALTH_MAX_BODY = 64 * 1024  # these endpoints read no body; this much is buffered at most


class HealthEndpoints:
    """``/healthz`` (the process answers), ``/readyz`` (``ready()`` holds) and ``/metrics``."""

    def __init__(self, *, ready: Callable[[], bool], metrics: Metrics | None = None) -> None:
        self.ready = ready
        self.metrics = metrics

    def serves(self, scope: dict[str, Any]) -> bool:
        """Whether ``scope`` asks for one of these endpoints."""
        return scope["path"] in PATHS and scope["method"] in ("GET", "HEAD")

    async def answer(self, scope: dict[str, Any], send: Send) -> None:
        """Answer a request that ``serves`` accepted."""
        path = scope["path"]
        if path == "/healthz":
            await reply(send, 200, b"ok")
        elif path == "/readyz":
            ok = await asyncio.to_thread(self._is_ready)
            await reply(send, 200 if ok else 503, b"ready" if ok else b"not ready")
        elif self.metrics is not None:
            body, content_type = await asyncio.to_thread(self.metrics.exposition)
            await reply(send, 200, body, {"content-type": content_type})
        else:
            await reply(send, 404, b"not found")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """Served alone (Socket Mode): these endpoints, and 404 for anything else."""
        if scope["type"] != "http":
            return
        if self.serves(scope):
            await self.answer(scope, send)
        else:
            await reply(send, 404, b"not found")

    def _is_ready(self) -> bool:
        try:
            return self.ready()
        except Exception:
            log.exception("readiness check failed")
            return False


@contextmanager
def served_in_background(
    app: Any, host: str, port: int, *, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[None]:
    """Serve ``app`` with uvicorn in a daemon thread while the block runs; clients slower
    than ``timeout`` are cut off.

    A port that cannot be bound is logged as a warning: the bot still runs, without these
    endpoints."""
    import uvicorn

    config = server_config(
        app, timeout=timeout, max_body=HEALTH_MAX_BODY, host=host, port=port, lifespan="off"
    )
    server = uvicorn.Server(config)

    def run() -> None:
        with suppress(SystemExit):  # uvicorn's answer to a port it cannot bind; logged below
            server.run()

    thread = threading.Thread(target=run, name="safetybot-health", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if server.started:
        log.info("health and metrics on http://%s:%d (/healthz, /readyz, /metrics)", host, port)
    else:
        log.warning("health and metrics are not served: port %d on %s cannot be used", port, host)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)
