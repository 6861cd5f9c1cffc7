"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import ConfigError, Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_usable() -> None:
    """With nothing set: SQLite file, /safety, port 3000, AIS keys, Monday 09:00 UTC."""
    settings = Settings()
    assert settings.database_url.startswith("sqlite:///")
    assert (settings.command, settings.port, settings.key_prefix) == ("/safety", 3000, "AIS")
    assert settings.digest_cron == "0 9 * * mon" and settings.timezone == "UTC"


def test_tokens_are_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens never show in the settings' repr."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1234-5678-abcdef")
    assert "xoxb-1234" not in repr(Settings())


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    """A .env file in the working directory is read."""
    (tmp_path / ".env").write_text("SAFETYBOT_KEY_PREFIX=SAFE\nSAFETYBOT_TRIAGE_USERS=U1, U2\n")
    settings = Settings()
    assert settings.key_prefix == "SAFE"
    assert settings.triage_user_ids == {"U1", "U2"}


@pytest.mark.parametrize("token", ["", "xoxb-your-token", "changeme", "xoxb-xxxxxxxx"])
def test_missing_or_placeholder_token_fails_with_one_line(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    """A missing or placeholder token fails with one line saying what to set."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "0123456789abcdef")
    with pytest.raises(ConfigError, match="set SLACK_BOT_TOKEN") as info:
        Settings().require_slack()
    assert "\n" not in str(info.value)


def test_socket_mode_needs_app_token_not_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """With an app token, Socket Mode is used and no signing secret is required."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A1-abc")
    settings = Settings()
    settings.require_slack()
    assert settings.socket_mode


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SAFETYBOT_KEY_PREFIX", "ais-"),
        ("SAFETYBOT_PORT", "99999"),
        ("SAFETYBOT_TIMEZONE", "Nowhere/City"),
    ],
)
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    """Invalid prefixes, ports and time zones are refused at start."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
