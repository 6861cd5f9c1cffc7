"""SAFETYBOT_WEBHOOK_URLS and SAFETYBOT_WEBHOOK_SECRET: what start-up accepts and refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.checks import CheckEngine
from bot.config import ConfigError, Settings
from bot.webhooks.targets import target_id
from bot.wiring import build

TOKEN = "T0ken5ecretPart"
SECRET = "whsec-0123456789abcdef"


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_unset_means_no_webhooks_and_no_secret_needed() -> None:
    """With no URLs set there is nothing to send and no secret to ask for."""
    assert settings().webhook_url_list() == []
    assert settings(webhook_urls="  ").webhook_url_list() == []


def test_urls_are_split_on_commas_and_whitespace_in_order() -> None:
    """Commas, spaces and newlines separate URLs; order is kept and a repeat dropped."""
    value = "https://a.example.com/h, https://b.example.com/x?key=1\nhttps://a.example.com/h"
    urls = settings(webhook_urls=value, webhook_secret=SECRET).webhook_url_list()
    assert urls == ["https://a.example.com/h", "https://b.example.com/x?key=1"]


@pytest.mark.parametrize(
    "url", ["http://localhost:8080/hook", "http://127.0.0.1/hook", "http://[::1]:9000/"]
)
def test_plain_http_is_accepted_for_loopback(url: str) -> None:
    """A relay on the same machine may be reached over plain http."""
    assert settings(webhook_urls=url, webhook_secret=SECRET).webhook_url_list() == [url]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f"http://tracker.example.com/{TOKEN}", "URL 1 (host tracker.example.com) must use https"),
        (f"https://ok.example.com/a ftp://files.example.com/{TOKEN}", "URL 2 must be an http(s)"),
        (f"tracker.example.com/{TOKEN}", "URL 1 must be an http(s) URL with a host"),
        (f"https:///{TOKEN}", "URL 1 must be an http(s) URL with a host"),
        (f"https://user:{TOKEN}@h.example.com/", "must not carry a user name or password"),
        (f"https://h.example.com:port/{TOKEN}", "URL 1 is not a valid URL"),
    ],
)
def test_unusable_urls_are_refused_in_one_line_without_their_token(
    value: str, problem: str
) -> None:
    """A URL that is not https (or http to loopback), or not a URL, is refused by position
    and host, never echoing its path, query or password."""
    with pytest.raises(ConfigError) as info:
        settings(webhook_urls=value, webhook_secret=SECRET).webhook_url_list()
    message = str(info.value)
    assert message.startswith("SAFETYBOT_WEBHOOK_URLS: ") and problem in message
    assert TOKEN not in message and "\n" not in message


@pytest.mark.parametrize("secret", [None, "", "short-secret", "replace-me-with-a-secret"])
def test_urls_need_a_real_signing_secret(secret: str | None) -> None:
    """URLs without a secret of 16 characters or more (not a placeholder) are refused."""
    with pytest.raises(ConfigError, match="set SAFETYBOT_WEBHOOK_SECRET"):
        settings(webhook_urls="https://h.example.com/", webhook_secret=secret).webhook_url_list()


def test_urls_and_secret_are_secrets() -> None:
    """Neither the URLs (tokens) nor the secret appear in the settings' repr."""
    shown = repr(settings(webhook_urls=f"https://h.example.com/{TOKEN}", webhook_secret=SECRET))
    assert TOKEN not in shown and SECRET not in shown


def test_start_up_refuses_a_bad_webhook_setting(tmp_path: Path, checks: CheckEngine) -> None:
    """Building the services (what every command and mode does first) stops on a bad URL."""
    bad = settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        webhook_urls="http://tracker.example.com/hook",
        webhook_secret=SECRET,
    )
    with pytest.raises(ConfigError, match="must use https"):
        build(bad, checks=checks)


def test_start_up_hands_the_targets_to_the_incident_service(
    tmp_path: Path, checks: CheckEngine
) -> None:
    """Each configured URL becomes a webhook target of the incident service; none when unset."""
    url = "https://tracker.example.com/hook"
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    hooked = build(
        settings(database_url=database_url, webhook_urls=url, webhook_secret=SECRET),
        checks=checks,
    )
    plain = build(settings(database_url=database_url), checks=checks)
    assert hooked.incidents.webhook_targets == (target_id(url),)
    assert plain.incidents.webhook_targets == ()
