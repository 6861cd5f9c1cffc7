"""Eval logs carried as files (a flagged Slack message's): which files are one, and reading
one from its downloaded bytes. No Slack in here.

A file is offered for screening when it is named ``.eval`` (an Inspect archive, binary, so
never read into a report), or named ``.json`` and its text, as the report read it, is an
Inspect log (an ``eval`` section naming a task). An ordinary JSON transcript is not one.
Whether an ``.eval`` really is a log is only known once it is downloaded and opened: a
broken one is refused then, with what is wrong, and nothing is filed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from bot.incidents.attachments import MB, ReadFile, size_text
from bot.ingest import eval_logs
from bot.ingest.samples import Sample, UnreadableFile

# The largest log downloaded to be screened in Slack (bigger ones: ``safetybot import``).
LOG_LIMIT = 50 * MB
# The most a ``.eval`` archive may unpack to in all, so that a small archive cannot fill memory.
UNPACKED_LIMIT = 512 * MB
# The most logs one form offers to screen (each is a button).
OFFERED = 3
# The head of a ``.json`` log cut by the report's cap: an ``eval`` object naming its task
# among its first fields (Inspect writes ``eval`` before ``samples``).
_LOG_HEAD = re.compile(r'^\s*\{.*?"eval"\s*:\s*\{[^{}]*?"task"\s*:', re.DOTALL)
_HEAD_CHARS = 64 * 1024


@dataclass(frozen=True)
class LogFile:
    """A file that can be screened: its Slack file id and its name."""

    file_id: str
    name: str


def logs_among(files: Iterable[ReadFile]) -> list[LogFile]:
    """The files of a report that are eval logs, in order (at most ``OFFERED``)."""
    found = [
        LogFile(f.file.slack_file_id, f.file.name)
        for f in files
        if f.file.slack_file_id and is_log_file(f.file.name, f.text)
    ]
    return found[:OFFERED]


def is_log_file(name: str, text: str | None) -> bool:
    """Whether a file named ``name`` whose text (if it was read) is ``text`` is an eval log."""
    lower = name.lower().strip()
    if lower.endswith(".eval"):
        return True
    if not lower.endswith(".json") or not text:
        return False
    try:
        document = json.loads(text)
    except ValueError:  # cut at the report's cap, or not JSON at all
        return bool(_LOG_HEAD.match(text[:_HEAD_CHARS]))
    return eval_logs.is_log(document)


def too_big(name: str, size: int | None) -> str:
    """What a person is told of a log larger than ``LOG_LIMIT`` (its ``size`` if known)."""
    how_big = size_text(size) if size else f"more than {size_text(LOG_LIMIT)}"
    return (
        f"{name} is {how_big}; safetybot screens logs of up to "
        f"{size_text(LOG_LIMIT)} in Slack: screen it with `safetybot import` instead."
    )


def read_log(data: bytes, name: str) -> list[Sample]:
    """The samples of the eval log whose bytes are ``data``; ``UnreadableFile`` saying what
    is wrong when it is not an Inspect log (another JSON file included), or holds no sample."""
    if data.startswith(eval_logs.ZIP_MAGIC):
        _check_unpacked(data, name)
        samples = eval_logs.read_zip(io.BytesIO(data), name)
    else:
        samples = eval_logs.read_document(_log_document(data, name), name)
    if not samples:
        raise UnreadableFile(f"{name} is an Inspect eval log, but holds no samples to screen.")
    return samples


def _log_document(data: bytes, name: str) -> dict[str, object]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise UnreadableFile(
            f"{name} is not an Inspect eval log: neither a .eval archive nor JSON."
        ) from None
    if not eval_logs.is_log(document):
        raise UnreadableFile(
            f'{name} is JSON, but not an Inspect eval log (no "eval" section naming a task).'
        )
    return dict(document)


def _check_unpacked(data: bytes, name: str) -> None:
    """Refuse an archive that unpacks to more than ``UNPACKED_LIMIT`` (or is no archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{name} is not a readable zip archive ({exc}).") from None
    if total > UNPACKED_LIMIT:
        raise UnreadableFile(
            f"{name} unpacks to {size_text(total)}; safetybot unpacks at most "
            f"{size_text(UNPACKED_LIMIT)} of a log in Slack. Screen it with `safetybot import`."
        )
