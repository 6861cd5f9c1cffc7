"""deploy/env.example and deploy/compose.yaml: every setting documented, nothing secret inline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, Settings
from tests.deploy.conftest import DEPLOY, ROOT, load_yaml
from tests.deploy.settings_env import secret_names, setting_names

ENV_EXAMPLE = DEPLOY / "env.example"
COMPOSE = DEPLOY / "compose.yaml"
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "SAFETYBOT_PUBLISH"}
_ASSIGNMENT = re.compile(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def example_entries(path: Path = ENV_EXAMPLE) -> dict[str, tuple[bool, str, str]]:
    """Each variable of an env file: (active, value, the comment line just above it)."""
    entries: dict[str, tuple[bool, str, str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if match:
            name, value = match.groups()
            assert name not in entries, f"{name} appears twice"
            entries[name] = (not line.startswith("#"), value, lines[number - 1])
    return entries


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The compose file, parsed (anchors and merge keys resolved)."""
    return load_yaml(COMPOSE)


def test_env_example_lists_every_setting() -> None:
    """env.example names exactly the settings the code has, plus the compose-only ones."""
    assert set(example_entries()) == set(setting_names()) | COMPOSE_ONLY


def test_every_setting_is_explained() -> None:
    """Each variable in env.example has a comment line just above it."""
    unexplained = [
        name
        for name, (_, _, above) in example_entries().items()
        if not above.startswith("#") or _ASSIGNMENT.match(above)
    ]
    assert unexplained == []


def test_commented_defaults_are_the_real_defaults() -> None:
    """A commented-out "# NAME=value" shows the value the code uses when NAME is unset."""
    names = setting_names()
    for name, (active, value, _) in example_entries().items():
        if active or name not in names or name in secret_names():
            continue
        default = Settings.model_fields[names[name]].default
        assert value == ("" if default is None else str(default)), name


def test_env_example_loads_and_asks_for_real_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copied unchanged to .env, the example parses, and the bot refuses its placeholder tokens."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings(_env_file=env)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"):
        settings.require_slack()


def test_no_real_secret_in_deploy_files() -> None:
    """No file under deploy/ holds something shaped like a live Slack token."""
    token = re.compile(r"xox[abposr]-[0-9]+-|xapp-[0-9]-[A-Z0-9]+")
    found = [p for p in DEPLOY.rglob("*") if p.is_file() and token.search(p.read_text())]
    assert found == []


def test_compose_builds_the_image_from_the_dockerfile(compose: dict[str, Any]) -> None:
    """The bot and migrate services build deploy/Dockerfile from the repository root."""
    for name in ("bot", "migrate"):
        build = compose["services"][name]["build"]
        assert (COMPOSE.parent / build["context"]).resolve() == ROOT
        assert (ROOT / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_compose_waits_for_a_healthy_database_and_migrations(compose: dict[str, Any]) -> None:
    """PostgreSQL is health-checked; migrations wait for it; the bot waits for both."""
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["safetybot", "db", "upgrade"]
    bot = services["bot"]["depends_on"]
    assert bot["postgres"]["condition"] == "service_healthy"
    assert bot["migrate"]["condition"] == "service_completed_successfully"


def test_compose_keeps_the_database_in_a_volume(compose: dict[str, Any]) -> None:
    """PostgreSQL's data directory is a named volume, so it survives `compose down`."""
    mounts = compose["services"]["postgres"]["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in mounts
    assert "pgdata" in compose["volumes"]


def test_compose_points_the_bot_at_postgres(compose: dict[str, Any]) -> None:
    """The bot's database URL names the postgres service, with the password from .env."""
    url = compose["services"]["bot"]["environment"]["SAFETYBOT_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://safetybot:${POSTGRES_PASSWORD")
    assert "@postgres:5432/safetybot" in url


def test_compose_sets_only_known_settings_and_no_secret_values(compose: dict[str, Any]) -> None:
    """Inline environment names real settings; tokens come from .env, never from compose.yaml."""
    known = set(setting_names())
    for name in ("bot", "migrate"):
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        inline = service.get("environment", {})
        assert set(inline) <= known
        for key, value in inline.items():
            if key in secret_names():
                assert "${" in str(value), f"{key} is written into compose.yaml"


def test_compose_runs_the_bot_locked_down(compose: dict[str, Any]) -> None:
    """The bot runs with a read-only filesystem, no capabilities and no privilege escalation."""
    bot = compose["services"]["bot"]
    assert bot["read_only"] is True
    assert bot["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in bot["security_opt"]
