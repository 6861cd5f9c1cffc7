"""Log lines: readable text on a terminal, JSON elsewhere or when asked, secrets masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.runtime import logs


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture(autouse=True)
def _restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize(
    ("setting", "tty", "chosen"),
    [
        ("auto", True, "text"),
        ("auto", False, "json"),
        ("json", True, "json"),
        ("text", False, "text"),
    ],
)
def test_format_follows_the_setting_then_the_terminal(setting: str, tty: bool, chosen: str) -> None:
    """auto picks text on a terminal and JSON otherwise; json and text are forced."""
    assert logs.chosen_format(setting, _Stream(tty)) == chosen


def test_default_setting_is_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    """With SAFETYBOT_LOG_FORMAT unset the bot decides by the terminal; json and text parse."""
    monkeypatch.delenv("SAFETYBOT_LOG_FORMAT", raising=False)
    assert Settings(_env_file=None).log_format == "auto"  # type: ignore[call-arg]
    for value in ("json", "text"):
        monkeypatch.setenv("SAFETYBOT_LOG_FORMAT", value)
        assert Settings(_env_file=None).log_format == value  # type: ignore[call-arg]


@pytest.mark.parametrize("tty", [True, False])
def test_secrets_are_masked_in_both_formats(tty: bool) -> None:
    """A configured secret and a token shape are redacted whichever format is chosen."""
    stream = _Stream(tty)
    logs.configure(fmt="auto", secrets=["s3cr3t-signing"], stream=stream)
    logging.getLogger("safetybot.test").warning("sig s3cr3t-signing tok xoxb-1234567890-abc")
    line = stream.getvalue().strip()
    assert "s3cr3t-signing" not in line and "xoxb-1234567890" not in line
    assert line.count(logs.REDACTED) == 2
    if tty:
        assert "WARNING safetybot.test: sig [redacted]" in line
    else:
        assert json.loads(line)["msg"] == "sig [redacted] tok [redacted]"
