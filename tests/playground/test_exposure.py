"""Where the playground may run and who may reach it: loopback, its own address, demo data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.config import ConfigError, Settings
from bot.playground.exposure import HostCheck
from bot.playground.launch import Launch, prepare
from bot.store.db import Database
from bot.store.models import Incident
from tests.playground.server import PlaygroundServer

SETTINGS_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SAFETYBOT_HOST",
    "SAFETYBOT_PORT",
    "SAFETYBOT_DATABASE_URL",
    "SAFETYBOT_PLAYGROUND",
    "SAFETYBOT_PLAYGROUND_REAL_INCIDENTS",
)


@pytest.fixture(autouse=True)
def _no_settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, port=0, **values)  # type: ignore[call-arg]


# ---------------------------------------------------------------- the bind address


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "bot.example.com"])
def test_no_tokens_on_a_non_loopback_address_is_refused(host: str) -> None:
    """Without tokens, an explicit non-loopback SAFETYBOT_HOST refuses to start, in one line naming SAFETYBOT_PLAYGROUND."""
    with pytest.raises(ConfigError, match="SAFETYBOT_PLAYGROUND=1") as info:
        prepare(_settings(host=host))
    assert "\n" not in str(info.value) and host in str(info.value)


def test_run_without_tokens_in_the_image_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """`safetybot run` as the image runs it (SAFETYBOT_HOST=0.0.0.0, no tokens) prints one error line and exits 1."""
    from bot.cli.main import app

    served: list[Launch] = []
    monkeypatch.setattr(Launch, "serve", lambda self, _app: served.append(self))
    monkeypatch.setenv("SAFETYBOT_HOST", "0.0.0.0")
    monkeypatch.setenv("SAFETYBOT_PORT", "0")
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert "SAFETYBOT_PLAYGROUND=1" in result.output
    assert served == []


def test_loopback_is_the_default_even_though_http_mode_uses_every_interface() -> None:
    """SAFETYBOT_HOST unset: the playground binds 127.0.0.1, although HTTP mode's default is 0.0.0.0."""
    assert Settings.model_fields["host"].default == "0.0.0.0"
    launch = prepare(_settings())
    try:
        assert launch.sock.getsockname()[0] == "127.0.0.1"
        assert launch.banner().startswith(f"safetybot playground on {launch.url} ")
    finally:
        launch.sock.close()


def test_explicit_playground_may_listen_everywhere_and_says_so() -> None:
    """SAFETYBOT_PLAYGROUND=1 allows 0.0.0.0, and the banner names the address actually bound."""
    launch = prepare(_settings(host="0.0.0.0", playground=True))
    try:
        host, port = launch.sock.getsockname()[:2]
        assert host == "0.0.0.0"
        assert f"listening on 0.0.0.0:{port}" in launch.banner()
        assert launch.url == f"http://127.0.0.1:{port}/"
    finally:
        launch.sock.close()


# ---------------------------------------------------------------- Host and Origin


@pytest.mark.parametrize(
    ("host", "beyond", "allowed"),
    [
        ("127.0.0.1:3000", False, True),
        ("localhost:3000", False, True),
        ("LOCALHOST:3000", False, True),
        ("[::1]:3000", False, True),
        ("127.0.0.1:3001", False, False),
        ("127.0.0.1", False, False),
        ("evil.example:3000", False, False),
        ("localhost.evil.example:3000", False, False),
        ("192.0.2.7:3000", False, False),
        ("", False, False),
        ("192.0.2.7:3000", True, True),
        ("[2001:db8::7]:3000", True, True),
        ("evil.example:3000", True, False),
    ],
)
def test_host_check(host: str, beyond: bool, allowed: bool) -> None:
    """Loopback names with the port only; listening beyond loopback also IP addresses, never other names."""
    assert HostCheck(3000, beyond_loopback=beyond).allows_host(host) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:3000", True),
        ("http://localhost:3000", True),
        ("https://127.0.0.1:3000", False),
        ("http://evil.example:3000", False),
        ("null", False),
    ],
)
def test_origin_check(origin: str, allowed: bool) -> None:
    """An Origin is accepted only when it is the page's own http address."""
    assert HostCheck(3000, beyond_loopback=False).allows_origin(origin) is allowed


def test_foreign_host_or_origin_is_refused_over_http(server: PlaygroundServer) -> None:
    """A rebound host name gets 421 and another site's Origin 403 on every path; the own address works."""
    port = server.launch.sock.getsockname()[1]
    rebound = {"Host": f"evil.example:{port}"}
    for path in ("/", "/playground/state?user=U0TARA", "/healthz", "/api/auth.test"):
        answer = server.request(path, headers=rebound)
        assert answer.status == 421, path
        assert b"evil.example" not in answer.body
    foreign = {"Origin": "http://evil.example"}
    assert server.request("/playground/state?user=U0TARA", headers=foreign).status == 403
    own = {"Host": f"localhost:{port}", "Origin": f"http://localhost:{port}"}
    assert server.request("/playground/state?user=U0TARA", headers=own).status == 200


# ---------------------------------------------------------------- the database


def _store(url: str, reporter: str) -> None:
    database = Database(url)
    database.upgrade()
    now = datetime.now(UTC)
    with database.write() as session:
        session.add(
            Incident(
                key="AIS-1",
                prefix="AIS",
                number=1,
                title="a report",
                reporter_id=reporter,
                created_at=now,
                updated_at=now,
            )
        )
    database.dispose()


def test_a_database_with_real_incidents_is_refused(tmp_path: Path) -> None:
    """A database holding an incident reported by someone outside the demo workspace is not opened, in one line."""
    url = f"sqlite:///{tmp_path / 'real.db'}"
    _store(url, "U04REALPERSON")
    with pytest.raises(ConfigError, match="SAFETYBOT_PLAYGROUND_REAL_INCIDENTS=1") as info:
        prepare(_settings(database_url=url))
    assert "\n" not in str(info.value)
    launch = prepare(_settings(database_url=url, playground_real_incidents=True))
    launch.sock.close()


def test_a_kept_playground_database_is_opened(tmp_path: Path) -> None:
    """A database whose incidents were all reported by demo people (a kept playground) opens as before."""
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    _store(url, "U0ALICE")
    prepare(_settings(database_url=url)).sock.close()
    prepare(_settings(database_url=f"sqlite:///{tmp_path / 'new.db'}")).sock.close()
