"""Which reader a file needs, told from its content (not its name), and the files of a
folder that ``import`` reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.ingest import eval_logs, messages, rows
from bot.ingest.samples import Sample, UnreadableFile

# In a folder, only these are read; a file named on the command line is read whatever its name.
SUFFIXES = (".eval", ".json", ".jsonl")
_KNOWN = (
    "an Inspect eval log (.eval or .json), OpenAI or Anthropic message JSON, or JSON Lines "
    'of transcripts or of {"text": …} rows'
)


def files_in(path: Path) -> list[Path]:
    """``path`` itself, or the log and transcript files under a folder (hidden ones left
    out), in name order."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    if not path.exists():
        raise UnreadableFile(f"{path} does not exist.")
    return [path]


def read_file(path: Path) -> list[Sample]:
    """Every sample in one file; ``UnreadableFile`` naming what is wrong when it is none of
    the formats, so that nothing of it is filed."""
    name = str(path)
    with path.open("rb") as stream:
        if stream.read(4) == eval_logs.ZIP_MAGIC:
            return eval_logs.read_zip(path, name)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{name} is not UTF-8 text, nor an Inspect .eval archive.") from None
    if not text.strip():
        raise UnreadableFile(f"{name} is empty.")
    try:
        document = json.loads(text)
    except ValueError:
        return _lines(text, name)
    return _document(document, name)


def _document(document: Any, name: str) -> list[Sample]:
    if eval_logs.is_log(document):
        return eval_logs.read_document(document, name)
    if messages.is_transcript(document):
        return [messages.transcript(document, name)]
    if rows.is_row(document):
        return [rows.row(document, name)]
    if isinstance(document, list) and document:
        return [_item(item, name, None) for item in document]
    raise UnreadableFile(f"{name} is JSON, but not {_KNOWN}.")


def _lines(text: str, name: str) -> list[Sample]:
    """A JSON Lines file: a transcript or a row per line, or one transcript of a message
    per line."""
    values: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append((number, json.loads(line)))
        except ValueError as exc:
            raise UnreadableFile(
                f"{name}, line {number}: not JSON ({exc}); the file should be {_KNOWN}."
            ) from None
    if all(messages.is_message(value) for _, value in values):
        return [messages.transcript([value for _, value in values], name)]
    return [_item(value, name, number) for number, value in values]


def _item(value: Any, name: str, line: int | None) -> Sample:
    if messages.is_transcript(value):
        return messages.transcript(value, name, line=line)
    if rows.is_row(value):
        return rows.row(value, name, line=line)
    where = f"{name}, line {line}" if line else name
    raise UnreadableFile(f'{where}: neither a chat transcript nor a {{"text": …}} row.')
