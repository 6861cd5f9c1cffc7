"""The bot as its own process, for tests that kill it and benchmarks that weigh it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from bot.config import Settings
from bot.incidents.intake import reports_waiting
from bot.store.db import Database
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import BOT_TOKEN, SIGNING_SECRET, TRIAGE, Bot, wait_until


class ProcessBot(Bot):
    """The bot as its own process (``python -m bot run``), reached over HTTP only."""

    argv: tuple[str, ...] = ("-m", "bot", "run")  # after the interpreter

    def __init__(self, fake: FakeSlackAPI, database_url: str, port: int) -> None:
        self.fake = fake
        self.settings = Settings(_env_file=None)  # type: ignore[call-arg]
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SAFETYBOT_SLACK_API_URL": fake.url,
            "SAFETYBOT_DATABASE_URL": database_url,
            "SAFETYBOT_HOST": "127.0.0.1",
            "SAFETYBOT_PORT": str(port),
            "SAFETYBOT_TRIAGE_CHANNEL": TRIAGE,
            "SAFETYBOT_USER_RATE": "10000",
            "SAFETYBOT_OUTBOX_LEASE_SECONDS": "2",
        }
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ProcessBot:
        """Start the process and wait until /healthz answers."""
        self.process = subprocess.Popen(
            [sys.executable, *self.argv],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the bot process did not start")

    def settle(self) -> None:
        """Wait until the process has made an incident of every report it accepted."""
        db = Database(self.database_url)
        try:
            wait_until(
                lambda: reports_waiting(db) == 0, timeout=60, what="the reports to be stored"
            )
        finally:
            db.dispose()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
