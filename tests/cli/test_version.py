"""`safetybot --version`: the installed package's version."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from bot.cli.main import app


def test_version_prints_the_installed_version() -> None:
    """`--version` prints "safetybot X.Y.Z" from the package metadata and exits 0."""
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"safetybot {version('safetybot')}\n"


def test_version_needs_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--version` works even when a setting is invalid: it reads no configuration."""
    monkeypatch.setenv("SAFETYBOT_TIMEZONE", "Mars/Olympus")
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and "safetybot" in result.stdout
