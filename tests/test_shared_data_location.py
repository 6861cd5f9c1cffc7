"""Where the Makefile and the tests look for the shared data: the variable, else beside the checkout."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests import shared_data as located

ROOT = Path(__file__).resolve().parents[1]


def test_tests_use_the_variable_when_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """SAFETYBOT_SHARED_DATA wins over everything."""
    monkeypatch.setenv("SAFETYBOT_SHARED_DATA", str(tmp_path))
    assert located.shared_data() == tmp_path


def test_tests_look_beside_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without the variable the data is ../shared/data of the checkout, wherever that is."""
    monkeypatch.delenv("SAFETYBOT_SHARED_DATA", raising=False)
    monkeypatch.setattr(located, "_REPO", tmp_path / "checkout")
    assert located.shared_data() == tmp_path / "shared" / "data"


def test_make_eval_reads_the_data_beside_the_checkout() -> None:
    """`make -n eval` without the variable points at ../shared/data."""
    env = {k: v for k, v in os.environ.items() if k != "SAFETYBOT_SHARED_DATA"}
    printed = subprocess.run(
        ["make", "-n", "eval"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "--holdout ../shared/data/checks/train" in printed
