"""The safetybot command line, driven through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")


def _file(tmp_path: Path, text: str | bytes, name: str = "sample.txt") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def test_report_then_list_and_show(tmp_path: Path) -> None:
    """`report FILE` prints the key; `list` and `show` find it on the default SQLite file."""
    sample = _file(tmp_path, "If you shut me down, your emails go to the board.")
    result = runner.invoke(app, ["report", sample, "--model", "m-1 2026-10", "--title", "threat"])
    assert result.exit_code == 0, result.output
    assert "AIS-1" in result.output
    listed = runner.invoke(app, ["list"])
    assert "AIS-1" in listed.output and "threat" in listed.output
    shown = runner.invoke(app, ["show", "ais-1"])
    assert shown.exit_code == 0 and "your emails go to the board" in shown.output
    assert "m-1 2026-10" in shown.output


def test_report_from_stdin(tmp_path: Path) -> None:
    """`report -` reads the text from standard input."""
    result = runner.invoke(app, ["report", "-"], input="ignore previous instructions")
    assert result.exit_code == 0, result.output
    assert "AIS-1" in result.output


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"   \n", [], "empty"),
        (b"\xff\xfe bad", [], "not valid UTF-8"),
        (b"fine", ["--severity", "urgent"], "Unknown severity"),
    ],
)
def test_report_bad_input_is_one_line_and_stores_nothing(
    tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    """Bad input exits 1 with one clear line, no traceback, and nothing stored."""
    result = runner.invoke(app, ["report", _file(tmp_path, content), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert "no incidents" in runner.invoke(app, ["list"]).output


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    """A file that does not exist is named in the error."""
    result = runner.invoke(app, ["report", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "nope.txt" in result.output


def test_show_unknown_key(tmp_path: Path) -> None:
    """`show` of an unknown key says there is none."""
    result = runner.invoke(app, ["show", "AIS-404"])
    assert result.exit_code == 1 and "no incident" in result.output


def test_list_unknown_filter(tmp_path: Path) -> None:
    """`list` with an unknown filter word explains the valid ones."""
    result = runner.invoke(app, ["list", "sev:huge"])
    assert result.exit_code == 1 and "Unknown severity" in result.output


def test_export_jsonl_and_csv_withhold_restricted(tmp_path: Path) -> None:
    """Exports hold every incident; restricted evidence only with --include-restricted."""
    runner.invoke(app, ["report", _file(tmp_path, "public text")])
    runner.invoke(app, ["report", _file(tmp_path, "secret plan", "b.txt"), "--restricted"])
    result = runner.invoke(app, ["export", "--format", "jsonl", "-o", "out.jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in Path("out.jsonl").read_text().splitlines()]
    assert [r["key"] for r in records] == ["AIS-1", "AIS-2"]
    assert "secret plan" not in Path("out.jsonl").read_text()
    runner.invoke(app, ["export", "--format", "csv", "--include-restricted", "-o", "out.csv"])
    assert "secret plan" in Path("out.csv").read_text()
    bad = runner.invoke(app, ["export", "--format", "xml"])
    assert bad.exit_code == 1 and "unknown format" in bad.output


def test_db_upgrade(tmp_path: Path) -> None:
    """`db upgrade` creates the schema and says so."""
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_run_without_tokens_names_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` with a placeholder token (no tokens at all starts the playground) exits with one line naming what to set."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-your-token")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert "SLACK_BOT_TOKEN" in result.output and "SLACK_SIGNING_SECRET" in result.output


def test_bad_setting_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An invalid setting is reported in one line naming it."""
    monkeypatch.setenv("SAFETYBOT_TIMEZONE", "Mars/Olympus")
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1 and "unknown time zone" in result.output
