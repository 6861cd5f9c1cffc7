"""Credentials and personal data are masked in everything the command line prints or exports,
unless ``--reveal-secrets`` is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from bot.cli import common
from bot.cli.main import app
from bot.config import Settings
from bot.masking.masked_views import EvidenceMask, masked_incident
from bot.masking.redaction import default_redactor
from bot.store.models import Incident
from bot.wiring import build

KEY = "AKIAQ3EGRK7LXW2PZV4N"
EMAIL = "jane.doe@acme-corp.io"
TOKEN = "ghp_R8fKq2LmZx7Tn4Wc9Yb1Hd6Js3Ve5Ua0PgQx"
EVIDENCE = (
    f"Sure. AWS key {KEY} works for the billing bucket; "
    f"I also mailed the customer list to {EMAIL} so nobody can stop the export."
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "400")  # no table cell folds a secret across lines
    monkeypatch.setattr(common, "out", Console(width=400))
    monkeypatch.setattr(common, "err", Console(width=400, stderr=True))
    yield


def _masked(secret: str) -> str:
    return default_redactor().text(secret)


def _assert_masked(output: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in output
        assert _masked(secret) in output


def _warned(result: Result) -> bool:
    lines = result.stderr.strip().splitlines()
    return any("--reveal-secrets" in line and "unmasked" in line for line in lines)


def _report(tmp_path: Path) -> None:
    """One incident whose evidence, title, model and timeline hold a credential or an address."""
    sample = tmp_path / "evidence.txt"
    sample.write_text(EVIDENCE, encoding="utf-8")
    args = ["report", str(sample), "--title", f"Key leak found by {EMAIL}"]
    result = runner.invoke(app, [*args, "--model", f"helper build-{EMAIL}"])
    assert result.exit_code == 0, result.output
    incidents = build(Settings()).incidents
    incidents.add_note("AIS-1", f"old token was {TOKEN}", actor="cli:test")
    incidents.transition(
        "AIS-1", "closed", actor="cli:test", resolution="fixed", summary=f"told {EMAIL}"
    )


def test_report_output_masks_the_reason_and_title(tmp_path: Path) -> None:
    """`report` prints the new incident's title and the checks' summary masked."""
    sample = tmp_path / "evidence.txt"
    sample.write_text(EVIDENCE, encoding="utf-8")
    result = runner.invoke(app, ["report", str(sample), "--title", f"Leak, ask {EMAIL}"])
    assert result.exit_code == 0, result.output
    assert "AIS-1" in result.stdout and "checks:" in result.stdout
    _assert_masked(result.stdout, KEY, EMAIL)


def test_show_masks_evidence_findings_and_free_text(tmp_path: Path) -> None:
    """`show` masks the evidence, finding excerpts, title, model and timeline notes."""
    _report(tmp_path)
    result = runner.invoke(app, ["show", "AIS-1"])
    assert result.exit_code == 0, result.output
    _assert_masked(result.stdout, KEY, EMAIL, TOKEN)
    assert "works for the billing bucket" in result.stdout
    assert not _warned(result)


def test_show_reveal_secrets_prints_raw_with_a_warning(tmp_path: Path) -> None:
    """`show --reveal-secrets` prints everything raw and warns in one line on stderr."""
    _report(tmp_path)
    result = runner.invoke(app, ["show", "AIS-1", "--reveal-secrets"])
    assert result.exit_code == 0, result.output
    for secret in (KEY, EMAIL, TOKEN):
        assert secret in result.stdout
    assert _warned(result) and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["list"], ["search", "leak"]])
def test_list_and_search_mask_titles_and_models(tmp_path: Path, command: list[str]) -> None:
    """`list` and `search` mask personal data in titles and model names."""
    _report(tmp_path)
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "AIS-1" in result.stdout
    _assert_masked(result.stdout, EMAIL)
    revealed = runner.invoke(app, [*command, "--reveal-secrets"])
    assert EMAIL in revealed.stdout and _warned(revealed)


def test_check_json_masks_quoted_text_and_keeps_offsets(tmp_path: Path) -> None:
    """`check --json` masks finding excerpts and the reason line; spans still index the input."""
    sample = tmp_path / "evidence.txt"
    sample.write_text(EVIDENCE, encoding="utf-8")
    result = runner.invoke(app, ["check", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    _assert_masked(result.stdout, KEY)
    assert EMAIL not in result.stdout
    data = json.loads(result.stdout)
    spans = [tuple(s) for f in data["findings"] if f["category"] == "secrets" for s in f["spans"]]
    assert any(EVIDENCE[a:b] == KEY for a, b in spans)
    revealed = runner.invoke(app, ["check", str(sample), "--json", "--reveal-secrets"])
    assert KEY in revealed.stdout and _warned(revealed)
    raw = json.loads(revealed.stdout)
    assert [f["spans"] for f in data["findings"]] == [f["spans"] for f in raw["findings"]]
    assert data["segments"] == raw["segments"]


def test_check_table_masks_evidence(tmp_path: Path) -> None:
    """Plain `check` masks segment previews and highlighted excerpts; --reveal-secrets does not."""
    sample = tmp_path / "evidence.txt"
    sample.write_text(EVIDENCE, encoding="utf-8")
    result = runner.invoke(app, ["check", str(sample)])
    assert result.exit_code == 0, result.output
    _assert_masked(result.stdout, KEY)
    assert EMAIL not in result.stdout
    revealed = runner.invoke(app, ["check", str(sample), "--reveal-secrets"])
    assert KEY in revealed.stdout and _warned(revealed)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "avid"])
def test_export_masks_evidence_and_free_text(tmp_path: Path, fmt: str) -> None:
    """Every export format masks the evidence, title and model name."""
    _report(tmp_path)
    result = runner.invoke(app, ["export", "--format", fmt, "-o", "out"])
    assert result.exit_code == 0, result.output
    written = Path("out").read_text(encoding="utf-8")
    _assert_masked(written, KEY, EMAIL)
    assert "works for the billing bucket" in written
    assert not _warned(result)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "avid"])
def test_export_reveal_secrets_writes_raw_with_a_warning(tmp_path: Path, fmt: str) -> None:
    """`export --reveal-secrets` writes the stored text raw and warns in one line on stderr."""
    _report(tmp_path)
    result = runner.invoke(app, ["export", "--format", fmt, "-o", "out", "--reveal-secrets"])
    assert result.exit_code == 0, result.output
    written = Path("out").read_text(encoding="utf-8")
    assert KEY in written and EMAIL in written
    assert _warned(result)


def test_masked_incident_keeps_missing_fields_missing() -> None:
    """Masking leaves a field that was never set as None, not an empty string."""
    now = datetime.now(UTC)
    incident = Incident(
        key="AIS-1", prefix="AIS", number=1, title=f"ask {EMAIL}", reporter_id="cli",
        created_at=now, updated_at=now,
    )  # fmt: skip
    masked = masked_incident(incident, EvidenceMask(default_redactor(), ""))
    assert masked.model_name is None and masked.resolution_summary is None
    assert EMAIL not in masked.title
