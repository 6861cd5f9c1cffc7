"""Slow clients are cut off: a trickled request head, a silent connection, a trickled body."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bot.config import Settings
from bot.playground.launch import prepare
from bot.web.asgi_io import (
    KEEP_ALIVE_SECONDS,
    Receive,
    Send,
    TimedH11Protocol,
    read_body,
    reply,
    server_config,
)
from bot.web.health import HealthEndpoints, served_in_background
from bot.web.serve import serve_http
from tests.deploy.conftest import default_settings
from tests.e2e.process import free_port

TIMEOUT = 0.3  # the server's; the client gives up after GIVE_UP, only when the server never does
GIVE_UP = 4.0
DRIPS = 200  # one every 20 ms when the server is quiet: 4 s
HEAD = b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"


async def echo(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """Answers every request with its body."""
    if scope["type"] == "http":
        body = await read_body(receive, 1024)
        await reply(send, 200, body or b"")


@contextmanager
def serving(app: Any, timeout: float = TIMEOUT) -> Iterator[int]:
    """``app`` served as HTTP mode serves it, on a free loopback port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    config = server_config(app, timeout=timeout, max_body=1024, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


def _closed(client: socket.socket) -> bool:
    """Whether the server closed ``client``, reading whatever it answered first."""
    try:
        return client.recv(4096) == b""
    except ConnectionResetError:
        return True


def trickle_until_closed(port: int, first: bytes = b"", drip: bytes = b"X-Slow: 1\r\n") -> bytes:
    """Send ``first``, then a header byte whenever the server is quiet, until it hangs up.

    Returns everything the server answered; fails if it never hangs up."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP) as client:
        client.sendall(first)
        for sent in range(DRIPS):
            byte = drip[sent % len(drip) : sent % len(drip) + 1]
            readable, _, _ = select.select([client], [], [], 0.02)
            if readable:
                try:
                    chunk = client.recv(4096)
                except ConnectionResetError:
                    return answer
                if not chunk:
                    return answer
                answer += chunk
                continue
            try:
                client.sendall(byte)
            except (BrokenPipeError, ConnectionResetError):
                return answer
    raise AssertionError("the server kept a trickling client connected")


def test_trickled_head_is_cut_off() -> None:
    """A client sending its headers a byte at a time is disconnected after the header timeout."""
    with serving(echo) as port:
        assert trickle_until_closed(port, HEAD) == b""


def test_silent_connection_is_closed() -> None:
    """A connection that never sends a byte is closed after the header timeout."""
    with (
        serving(echo) as port,
        socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP) as client,
    ):
        assert _closed(client)


def test_trickled_body_gets_408_and_is_closed() -> None:
    """A body that does not arrive within the timeout is answered 408 and the connection closed."""
    with serving(echo) as port:
        answer = trickle_until_closed(port, HEAD + b"Content-Length: 900\r\n\r\nab", drip=b"c")
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in answer.lower()


def test_next_request_on_a_kept_connection_is_timed_too() -> None:
    """After a complete answer, a trickled next request on the same connection is cut off as well."""
    with serving(echo) as port:
        first = HEAD + b"Content-Length: 2\r\n\r\nhi"
        answer = trickle_until_closed(port, first + HEAD)
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"hi")


def test_fast_clients_are_served() -> None:
    """A request sent at once, in pieces or all together, is answered as usual."""
    with (
        serving(echo) as port,
        socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP) as client,
    ):
        client.sendall(HEAD + b"Content-Length: 5\r\n\r\n")
        client.sendall(b"hello")
        answer = b""
        while not answer.endswith(b"hello") and (chunk := client.recv(4096)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"hello")


def test_http_mode_serves_with_these_timeouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP mode gives uvicorn SAFETYBOT_REQUEST_TIMEOUT, the timed protocol and a short keep-alive."""
    configs: list[uvicorn.Config] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self, sockets=None: configs.append(self.config)
    )
    serve_http(echo, default_settings(tmp_path, host="127.0.0.1", port=0, request_timeout=0.7))
    (config,) = configs
    assert isinstance(config.http, type) and issubclass(config.http, TimedH11Protocol)
    assert config.http.head_timeout == 0.7
    assert config.timeout_keep_alive == KEEP_ALIVE_SECONDS


def test_health_endpoints_cut_off_slow_clients() -> None:
    """Socket Mode's health port cuts off a trickling client too."""
    port = free_port()
    health = HealthEndpoints(ready=lambda: True)
    with served_in_background(health, "127.0.0.1", port, timeout=TIMEOUT):
        assert trickle_until_closed(port, b"GET /healthz HTTP/1.1\r\n") == b""


def test_playground_cuts_off_slow_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """The playground's own server cuts off a trickling client too."""
    for name in ("SAFETYBOT_HOST", "SAFETYBOT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    launch = prepare(Settings(_env_file=None, port=0, request_timeout=TIMEOUT))  # type: ignore[call-arg]
    server = uvicorn.Server(launch.config(echo))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [launch.sock]}, daemon=True)
    thread.start()
    try:
        head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{launch.port}\r\n".encode()
        assert trickle_until_closed(launch.port, head) == b""
    finally:
        server.should_exit = True
        thread.join(10)
        launch.sock.close()
