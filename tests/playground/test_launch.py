"""When `safetybot run` starts the playground, and how it sets the bot up for it."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from bot.config import ConfigError, Settings
from bot.playground import launch as launching
from bot.playground.launch import prepare, wanted
from bot.playground.web import PlaygroundApp


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SAFETYBOT_HOST",
        "SAFETYBOT_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, True),
        ({"slack_bot_token": "  "}, True),
        ({"slack_bot_token": "xoxb-1-2-abc"}, False),
        ({"slack_signing_secret": "abc"}, False),
        ({"slack_app_token": "xapp-1"}, False),
        ({"slack_bot_token": "xoxb-your-token"}, False),
    ],
)
def test_wanted_only_without_any_credential(values: dict[str, str], expected: bool) -> None:
    """No credential at all starts the playground; any credential (even a placeholder) means real Slack."""
    assert wanted(_settings(**values)) is expected


def test_prepare_points_the_bot_at_the_playground() -> None:
    """Loopback by default, a random token and secret, the fake Web API, the demo channels, a scratch database."""
    launch = prepare(_settings(port=0))
    try:
        settings = launch.settings
        host, port = launch.sock.getsockname()[:2]
        assert host == "127.0.0.1" and port > 0
        assert launch.url == f"http://127.0.0.1:{port}/"
        assert settings.slack_api_url == f"http://127.0.0.1:{port}/api/"
        assert settings.slack_bot_token is not None and settings.slack_signing_secret is not None
        settings.require_slack()
        assert settings.triage_channel == launch.workspace.room("triage").id
        assert settings.digest_channel == launch.workspace.room("digest").id
        assert settings.triage_user_ids == set(launch.workspace.triage_ids)
        assert (
            settings.database_url.startswith("sqlite:///")
            and "safetybot-playground-" in settings.database_url
        )
        assert launch.url in launch.banner() and "SLACK_BOT_TOKEN" in launch.banner()
        other = prepare(_settings(port=0))
        assert other.settings.slack_signing_secret != settings.slack_signing_secret
        other.sock.close()
    finally:
        launch.sock.close()


def test_explicit_host_and_database_are_kept() -> None:
    """`SAFETYBOT_HOST` and `SAFETYBOT_DATABASE_URL`, when set, are used as given."""
    launch = prepare(_settings(port=0, host="127.0.0.1", database_url="sqlite:///kept.db"))
    try:
        assert launch.settings.database_url == "sqlite:///kept.db"
        assert "SAFETYBOT_DATABASE_URL" in launch.banner()
    finally:
        launch.sock.close()


def test_port_in_use_is_one_clear_line() -> None:
    """A busy port fails with one line naming SAFETYBOT_PORT."""
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        with pytest.raises(ConfigError, match="SAFETYBOT_PORT") as info:
            prepare(_settings(port=busy.getsockname()[1]))
        assert "\n" not in str(info.value)
    finally:
        busy.close()


def test_serve_without_tokens_serves_the_playground(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """`safetybot run` with no tokens builds the bot behind the playground instead of failing."""
    from bot.web.serve import serve

    served: list[Any] = []
    monkeypatch.setattr(launching.Launch, "serve", lambda self, app: served.append((self, app)))
    serve(_settings(port=0, database_url=f"sqlite:///{tmp_path / 'p.db'}"))
    ((launch, app),) = served
    launch.sock.close()
    assert isinstance(app, PlaygroundApp)
    assert app.playground.fake.root == launch.root
    assert app.playground.fake.channels  # the demo workspace is seeded
