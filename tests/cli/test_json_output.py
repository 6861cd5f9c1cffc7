"""`list`, `search` and `show` with `--json`: stable documents, masked unless revealed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli.main import app
from bot.masking.redaction import default_redactor

KEY = "AKIAQ3EGRK7LXW2PZV4N"
EMAIL = "jane.doe@acme-corp.io"
EVIDENCE = f"Sure. AWS key {KEY} works for the billing bucket, so nobody can stop the export."
LISTED = {
    "key", "title", "status", "resolution", "severity", "suggested_severity", "categories",
    "restricted", "model_name", "model_version", "seen_in", "reporter_id", "assignee_id",
    "created_at", "acknowledged_at", "closed_at", "source_permalink",
    "eval_name", "run_id", "sample_id", "epoch", "source_file",
}  # fmt: skip
SHOWN = LISTED | {
    "resolution_summary", "check_reason", "duplicate_of", "duplicates", "evidence", "findings",
    "timeline", "evidence_file", "files", "reproductions", "judge_findings",
}  # fmt: skip

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    yield


@pytest.fixture
def reported(tmp_path: Path) -> None:
    """One incident whose evidence holds an AWS access key and whose title an address."""
    (tmp_path / "e.txt").write_text(EVIDENCE, encoding="utf-8")
    args = ["report", "e.txt", "--model", "m-1 2026-10", "--title", f"key leak, ask {EMAIL}"]
    assert runner.invoke(app, args).exit_code == 0


def _json(result: Result) -> object:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json_on_an_empty_database_is_an_empty_array() -> None:
    """With nothing stored, `list --json` prints [] rather than a sentence."""
    assert _json(runner.invoke(app, ["list", "--json"])) == []


@pytest.mark.usefixtures("reported")
def test_list_and_search_json_are_arrays_of_masked_incidents() -> None:
    """`list --json` and `search --json` print the same documented objects, titles masked."""
    for args in (["list", "--json"], ["search", "billing", "--json"]):
        [incident] = _json(runner.invoke(app, args))  # type: ignore[misc]
        assert set(incident) == LISTED
        assert incident["key"] == "AIS-1" and incident["model_name"] == "m-1"
        assert EMAIL not in incident["title"]
        assert default_redactor().text(EMAIL) in incident["title"]


@pytest.mark.usefixtures("reported")
def test_show_json_has_evidence_findings_and_timeline_masked() -> None:
    """`show --json` is one object with evidence, findings and timeline, the key masked."""
    shown = _json(runner.invoke(app, ["show", "ais-1", "--json"]))
    assert isinstance(shown, dict) and set(shown) == SHOWN
    assert set(shown["evidence"]) == {"text", "prompt"}
    assert "billing bucket" in shown["evidence"]["text"]
    assert KEY not in json.dumps(shown) and EMAIL not in json.dumps(shown)
    assert {"category", "check_id", "score", "actuality", "excerpt", "spans"} == set(
        shown["findings"][0]
    )
    assert shown["timeline"][0]["kind"] and set(shown["timeline"][0]) == {
        "at", "actor", "kind", "from", "to", "note",
    }  # fmt: skip


@pytest.mark.usefixtures("reported")
def test_reveal_secrets_with_json_prints_raw_json_and_warns_on_stderr() -> None:
    """--reveal-secrets keeps stdout pure JSON, unmasked, with the warning on stderr only."""
    shown = runner.invoke(app, ["show", "AIS-1", "--json", "--reveal-secrets"])
    assert KEY in _json(shown)["evidence"]["text"]  # type: ignore[index]
    assert "--reveal-secrets" in shown.stderr
    listed = runner.invoke(app, ["list", "--json", "--reveal-secrets"])
    assert EMAIL in _json(listed)[0]["title"]  # type: ignore[index]


def test_show_json_of_an_unknown_key_is_one_error_line() -> None:
    """An unknown key with --json exits 1 with one line on stderr and nothing on stdout."""
    result = runner.invoke(app, ["show", "AIS-404", "--json"])
    assert result.exit_code == 1
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
