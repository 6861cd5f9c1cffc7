"""`export --format` accepts csv, jsonl or avid; anything else changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.export import formats as exporting
from bot.incidents.errors import DomainError

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    yield


@pytest.mark.parametrize("fmt", ["xml", "CSV", "json", ""])
def test_unknown_format_is_one_line_and_writes_nothing(tmp_path: Path, fmt: str) -> None:
    """An unknown format exits 1 with one line naming the valid ones; no file is created."""
    result = runner.invoke(app, ["export", "--format", fmt, "-o", "new.csv"])
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "csv, jsonl, avid" in line
    assert not (tmp_path / "new.csv").exists()


@pytest.mark.parametrize("args", [["--format", "xml"], ["--since", "soon"]])
def test_bad_option_leaves_an_existing_output_file_alone(tmp_path: Path, args: list[str]) -> None:
    """A bad --format or --since neither truncates nor rewrites the file named by -o."""
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n", encoding="utf-8")
    result = runner.invoke(app, ["export", *args, "-o", str(target)])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "previous export\n"


def test_failed_export_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export that fails half-way leaves the old file as it was and no partial file."""
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n", encoding="utf-8")

    def broken(records: Any, fmt: str, out: Any) -> int:
        out.write("half a record")
        raise DomainError("the database went away")

    monkeypatch.setattr(exporting, "write", broken)
    result = runner.invoke(app, ["export", "--format", "jsonl", "-o", str(target)])
    assert result.exit_code == 1 and "went away" in result.stderr
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if "out.jsonl" in p.name] == ["out.jsonl"]
