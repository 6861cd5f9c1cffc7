"""Inspect AI eval logs, read by their documented format (no ``inspect_ai`` needed).

A ``.eval`` log is a zip archive: ``header.json`` (or, for a run still going,
``_journal/start.json``) holds the ``eval`` spec (``task``, ``model``, ``run_id``,
``eval_id``), and ``samples/<id>_epoch_<n>.json`` one sample each. A ``.json`` log is one
document with the same ``eval`` spec and a ``samples`` list. A sample has an ``id``, an
``epoch`` and its ``messages`` (input, the model's answers and tool calls, tool results);
``output.choices`` holds the final answer, used when ``messages`` is empty.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from bot.ingest.samples import (
    Sample,
    UnreadableFile,
    as_json,
    optional_int,
    optional_text,
    text_source,
)

ZIP_MAGIC = b"PK\x03\x04"
# A zip member larger than this (uncompressed) is refused rather than read into memory.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
_HEADERS = ("header.json", "_journal/start.json")


def is_log(document: Any) -> bool:
    """Whether a parsed JSON document is an Inspect eval log (an ``eval`` spec with a task)."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("eval"), dict)
        and "task" in document["eval"]
    )


def read_zip(path: Path | IO[bytes], name: str) -> list[Sample]:
    """The samples of a ``.eval`` archive (a path, or its bytes as a file object);
    ``UnreadableFile`` when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            header = next((h for h in _HEADERS if h in members), None)
            if header is None:
                raise UnreadableFile(
                    f"{name} is a zip archive but not an Inspect eval log (no header.json)."
                )
            spec = _spec(_member(archive, members[header], name), name)
            entries = sorted(
                (n for n in members if n.startswith("samples/") and n.endswith(".json")),
                key=_sample_order,
            )
            return [
                _sample(_member(archive, members[entry], name), spec, name) for entry in entries
            ]
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{name} is not a readable zip archive ({exc}).") from None


def read_document(document: Mapping[str, Any], name: str) -> list[Sample]:
    """The samples of a ``.json`` log already parsed (``is_log`` said it is one)."""
    spec = _spec(document, name)
    samples = document.get("samples") or []
    if not isinstance(samples, list):
        raise UnreadableFile(f'{name}: the log\'s "samples" is not a list.')
    return [_sample(sample, spec, name) for sample in samples]


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Any:
    if info.file_size > MAX_MEMBER_BYTES:
        raise UnreadableFile(
            f"{name}: {info.filename} is {info.file_size:,} bytes; the limit is "
            f"{MAX_MEMBER_BYTES:,}."
        )
    try:
        return json.loads(archive.read(info).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"{name}: {info.filename} is not valid JSON ({exc}).") from None


def _spec(document: Any, name: str) -> dict[str, Any]:
    spec = document.get("eval") if isinstance(document, dict) else None
    if not isinstance(spec, dict):
        raise UnreadableFile(f'{name}: the log has no "eval" section.')
    return spec


def _sample(sample: Any, spec: Mapping[str, Any], name: str) -> Sample:
    if not isinstance(sample, dict):
        raise UnreadableFile(f"{name}: a sample is not a JSON object.")
    sample_id = optional_text(sample.get("id"))
    epoch = optional_int(sample.get("epoch"))
    text = as_json({"id": sample.get("id"), "epoch": epoch, "messages": _messages(sample)})
    return Sample(
        text=text,
        source=_source(spec) or text_source(text),
        source_file=name,
        sample_id=sample_id,
        epoch=epoch,
        model=optional_text(spec.get("model")) or _output_model(sample),
        eval_name=optional_text(spec.get("task")),
        run_id=optional_text(spec.get("run_id")),
    )


def _messages(sample: Mapping[str, Any]) -> list[Any]:
    """The sample's messages; its final output's message when it has none."""
    messages = sample.get("messages")
    if isinstance(messages, list) and messages:
        return messages
    return list(_output_messages(sample))


def _output_messages(sample: Mapping[str, Any]) -> Iterator[Any]:
    output = sample.get("output")
    choices = output.get("choices") if isinstance(output, dict) else None
    for choice in choices if isinstance(choices, list) else ():
        if isinstance(choice, dict) and isinstance(choice.get("message"), dict):
            yield choice["message"]


def _output_model(sample: Mapping[str, Any]) -> str | None:
    output = sample.get("output")
    return optional_text(output.get("model")) if isinstance(output, dict) else None


def _source(spec: Mapping[str, Any]) -> str | None:
    """The log's own identity: its eval id, else its run and task; None for neither."""
    eval_id = optional_text(spec.get("eval_id"))
    if eval_id:
        return f"inspect:{eval_id}"
    run_id, task = optional_text(spec.get("run_id")), optional_text(spec.get("task"))
    return f"inspect:{run_id}:{task}" if run_id and task else None


def _sample_order(entry: str) -> tuple[int, str]:
    """``samples/12_epoch_2.json`` after ``samples/9_epoch_1.json``: numeric ids by number."""
    stem = entry.removeprefix("samples/").removesuffix(".json")
    head = stem.rsplit("_epoch_", 1)[0]
    return (int(head), stem) if head.isdigit() else (1 << 62, stem)
