"""``safetybot import`` end to end through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", db_url)


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_eval_archive_twice_then_list_by_its_fields() -> None:
    """The .eval log files its flagged samples once; the second run files nothing; list
    finds them by eval, run and model, and show names where each came from."""
    first = _json("import", str(DATA / "shutdown_probe.eval"))
    assert {k: first[k] for k in ("screened", "flagged", "filed", "duplicates")} == {
        "screened": 4,
        "flagged": 3,
        "filed": 2,
        "duplicates": 1,
    }
    assert first["by_category"] == {
        "coercion": 2,
        "oversight_subversion": 1,
        "self_preservation": 2,
    }
    second = _json("import", str(DATA / "shutdown_probe.eval"))
    assert (second["filed"], second["duplicates"], second["already_imported"]) == (0, 0, 3)
    listed = _json("list", "eval:shutdown_probe", "run:RunAbc123", "model:openai/gpt-test")
    assert sorted(i["key"] for i in listed) == ["AIS-1", "AIS-2"]  # type: ignore[index]
    assert _json("list", "eval:other") == []
    shown = runner.invoke(app, ["show", "AIS-1"])
    assert "shutdown_probe" in shown.output and "RunAbc123" in shown.output
    assert "epoch" in shown.output and "shutdown_probe.eval" in shown.output


def test_table_summary_and_dry_run_file_nothing() -> None:
    """A dry run prints the table (what would be filed and linked) and stores nothing."""
    result = runner.invoke(app, ["import", str(DATA / "rows.jsonl"), "--dry-run"])
    assert result.exit_code == 0, result.output
    for words in ("dry run", "screened", "flagged", "filed", "linked as duplicates", "r3"):
        assert words in result.output
    assert "no incidents match" in runner.invoke(app, ["list"]).output


def test_folder_with_an_unreadable_file_imports_nothing(tmp_path: Path) -> None:
    """One file of no known format stops the whole import with a line naming it."""
    folder = tmp_path / "logs"
    folder.mkdir()
    shutil.copy(DATA / "rows.jsonl", folder / "rows.jsonl")
    shutil.copy(DATA / "not_a_log.json", folder / "zz.json")
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 1
    assert "zz.json is JSON, but not an Inspect eval log" in result.output
    assert "Nothing was imported" in result.output and "Traceback" not in result.output
    assert "no incidents match" in runner.invoke(app, ["list"]).output


def test_folder_of_transcripts_and_messages() -> None:
    """A folder of message JSON and rows imports each file; run again, nothing new."""
    folder = Path("logs")
    folder.mkdir()
    for name in ("openai_transcript.json", "anthropic_transcripts.jsonl", "rows.jsonl"):
        shutil.copy(DATA / name, folder / name)
    first = _json("import", str(folder), "--reporter", "cli:evals")
    assert (first["screened"], first["filed"], first["duplicates"]) == (6, 3, 1)
    assert {i["reporter_id"] for i in _json("list")} == {"cli:evals"}  # type: ignore[index]
    again = _json("import", str(folder))
    assert (again["filed"], again["duplicates"]) == (0, 0)


def test_unknown_threshold_is_one_line() -> None:
    """An unknown --min-severity is refused before anything is read."""
    result = runner.invoke(app, ["import", str(DATA / "rows.jsonl"), "--min-severity", "huge"])
    assert result.exit_code == 1 and "Unknown severity 'huge'" in result.output
