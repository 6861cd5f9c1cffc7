"""The model connections' API keys never reach a log line, whatever shape they have."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.web.serve import configure_logging

# Keys of a local proxy: no credential shape the log filter would know by itself.
JUDGE_KEY = "proxy-judge-7d1e2f3a4b5c"
TARGET_KEY = "proxy-target-9a8b7c6d5e4f"


@pytest.fixture(autouse=True)
def _restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_model_keys_are_redacted_from_logs(capsys: pytest.CaptureFixture[str]) -> None:
    """A line quoting either model key is written with the key replaced."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        judge_api_key=JUDGE_KEY,
        target_api_key=TARGET_KEY,
        log_format="text",
    )
    configure_logging(settings)
    logging.getLogger("test").warning("keys %s and %s", JUDGE_KEY, TARGET_KEY)
    written = capsys.readouterr().err
    assert "keys [redacted] and [redacted]" in written
    assert JUDGE_KEY not in written and TARGET_KEY not in written
