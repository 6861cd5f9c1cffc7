"""Progress bars: on standard error, and only when it is a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import progress
from bot.cli.main import app


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return self._tty


def test_progress_only_on_a_terminal() -> None:
    """A terminal gets progress; a pipe, a file or a closed stream does not."""
    assert progress.wanted(_Stream(tty=True))
    assert not progress.wanted(_Stream(tty=False))
    closed = _Stream(tty=True)
    closed.close()
    assert not progress.wanted(closed)


def test_bar_off_a_terminal_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Off a terminal the bar is a no-op: nothing reaches stdout or stderr."""
    with progress.bar("working", 3) as update:
        for _ in progress.advancing(range(3), update):
            pass
        update(description="renamed", completed=3, total=3)
    assert capsys.readouterr() == ("", "")


def test_piped_export_has_no_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With stderr not a terminal, `export` writes only its one summary line there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = CliRunner().invoke(app, ["export", "-o", "out.jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "exported 0 incident(s)\n"


def test_export_on_a_terminal_draws_a_bar_on_stderr(tmp_path: Path) -> None:
    """Run under a pseudo-terminal, `export` draws its bar on stderr, not in the file."""
    main, terminal = pty.openpty()
    env = {**os.environ, "SAFETYBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    command = [sys.executable, "-m", "bot", "export", "-o", "out.jsonl"]
    with subprocess.Popen(command, cwd=tmp_path, env=env, stderr=terminal) as process:
        os.close(terminal)
        shown = _read_all(main)
    assert process.returncode == 0
    assert b"exporting" in shown and b"exported" in shown
    assert (tmp_path / "out.jsonl").read_bytes() == b""


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    return b"".join(chunks)
