"""Socket Mode serves /healthz, /readyz and /metrics on SAFETYBOT_PORT beside its socket."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App

from bot.testing.fake_slack import FakeSlackAPI
from bot.web.serve import serve_socket_mode
from bot.wiring import build
from tests.e2e.harness import BOT_TOKEN, settings_for, wait_until
from tests.e2e.process import free_port
from tests.engines import checks_for


class FakeRunner:
    """Stands in for the Socket Mode connection: serves until released."""

    def __init__(self) -> None:
        self.is_connected = False
        self.serving = threading.Event()
        self.release = threading.Event()
        self.app: App | None = None

    def run(self, app: App) -> None:
        self.app = app
        self.serving.set()
        self.release.wait(30)

    def connected(self) -> bool:
        return self.is_connected


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FakeRunner, int, threading.Thread]]:
    """The Socket Mode composition with a fake connection, its health port, and its thread."""
    port = free_port()
    with FakeSlackAPI(tokens=(BOT_TOKEN,)) as fake:
        settings = settings_for(
            fake,
            f"sqlite:///{tmp_path / 'bot.db'}",
            slack_app_token="xapp-1-test",
            host="127.0.0.1",
            port=port,
        )
        services = build(settings, checks=checks_for(settings))
        services.db.upgrade()
        runner = FakeRunner()
        thread = threading.Thread(target=serve_socket_mode, args=(services, runner))
        thread.start()
        try:
            assert runner.serving.wait(10)
            wait_until(lambda: _get(port, "/healthz")[0] == 200, what="/healthz")
            yield runner, port, thread
        finally:
            runner.release.set()
            thread.join(20)
            services.db.dispose()


def test_health_and_readiness_follow_the_socket(
    served: tuple[FakeRunner, int, threading.Thread],
) -> None:
    """/healthz answers at once; /readyz is 503 until the socket is open, then 200."""
    runner, port, _ = served
    assert _get(port, "/healthz") == (200, "ok")
    assert _get(port, "/readyz")[0] == 503
    runner.is_connected = True
    assert _get(port, "/readyz") == (200, "ready")
    assert _get(port, "/slack/events")[0] == 404  # Slack's requests come over the socket


def test_metrics_are_served_and_the_port_is_freed_at_the_end(
    served: tuple[FakeRunner, int, threading.Thread],
) -> None:
    """/metrics has the bot's gauges; when the connection ends, the health server stops too."""
    runner, port, thread = served
    status, text = _get(port, "/metrics")
    assert status == 200 and "safetybot_reports_waiting 0.0" in text
    runner.release.set()
    thread.join(20)
    assert not thread.is_alive()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # nobody listens there any more


def test_a_taken_port_is_a_warning_not_a_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With the health port in use, the bot still serves Slack and says why there is no /healthz."""
    with socket.socket() as taken, FakeSlackAPI(tokens=(BOT_TOKEN,)) as fake:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = settings_for(
            fake, f"sqlite:///{tmp_path / 'bot.db'}", host="127.0.0.1", port=port
        )
        services = build(settings, checks=checks_for(settings))
        services.db.upgrade()
        runner = FakeRunner()
        runner.release.set()  # serve and return at once
        serve_socket_mode(services, runner)
        services.db.dispose()
    assert runner.app is not None
    assert any("are not served" in r.getMessage() for r in caplog.records)
