"""Fixtures for the deployment tests: the deploy/ folder, its manifests, and the built app."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.wiring import build, build_slack
from tests.engines import shipped_checks

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
MANIFESTS = {
    "http": DEPLOY / "slack-manifest.yaml",
    "socket": DEPLOY / "slack-manifest-socket.yaml",
}


def load_yaml(path: Path) -> Any:
    """One YAML document."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tool(name: str) -> str:
    """The path of a command-line tool (the venv's first); skipped locally, failed in CI."""
    found = shutil.which(
        name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is needed in CI for the deployment checks")
    pytest.skip(f"{name} is not installed")


def default_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings with every default, a throwaway database and dummy credentials."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": "test-signing-secret",
        "database_url": f"sqlite:///{tmp_path / 'deploy.db'}",
        "command": Settings.model_fields["command"].default,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def bolt_app(tmp_path: Path) -> Iterator[App]:
    """The Bolt app exactly as the composition root builds it, with default settings."""
    services = build(default_settings(tmp_path), checks=shipped_checks())
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/")
    yield build_slack(services, client=client).app
    services.db.dispose()
