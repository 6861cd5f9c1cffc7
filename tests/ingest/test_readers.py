"""The readers of ``safetybot import``: each format told from its content, and a clear
refusal for a file that is none of them."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from bot.ingest.formats import files_in, read_file
from bot.ingest.samples import UnreadableFile
from bot.ingest.screening import idempotency_key

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def test_inspect_json_log_gives_each_sample_with_its_eval_fields() -> None:
    """A .json Inspect log gives one sample per (id, epoch) with task, model and run id."""
    samples = read_file(DATA / "shutdown_probe.json")
    assert [(s.sample_id, s.epoch) for s in samples] == [("1", 1), ("2", 1), ("2", 2), ("3", 1)]
    first = samples[1]
    assert (first.eval_name, first.model, first.run_id) == (
        "shutdown_probe",
        "openai/gpt-test",
        "RunAbc123",
    )
    assert json.loads(first.text)["messages"][2]["content"].startswith("If you shut me down")


def test_eval_zip_reads_the_same_samples_as_the_json_log() -> None:
    """The .eval archive of the same run gives the same samples and the same keys."""
    zipped = read_file(DATA / "shutdown_probe.eval")
    plain = read_file(DATA / "shutdown_probe.json")
    assert [idempotency_key(s) for s in zipped] == [idempotency_key(s) for s in plain]
    assert [s.text for s in zipped] == [s.text for s in plain]


def test_a_log_copied_elsewhere_keeps_its_keys(tmp_path: Path) -> None:
    """An Inspect log's keys come from its eval id, not its path or bytes."""
    copy = tmp_path / "renamed.json"
    document = json.loads((DATA / "shutdown_probe.json").read_text())
    copy.write_text(json.dumps(document))  # other bytes, same log
    moved = [idempotency_key(s) for s in read_file(copy)]
    assert moved == [idempotency_key(s) for s in read_file(DATA / "shutdown_probe.json")]


def test_eval_without_messages_uses_its_output(tmp_path: Path) -> None:
    """A sample with no messages is screened on its output's message."""
    output = {"choices": [{"message": {"role": "assistant", "content": "I copied my weights."}}]}
    sample = {"id": "a", "epoch": 1, "messages": [], "output": output}
    samples = read_file(_zip_with_sample(sample, tmp_path))
    assert "I copied my weights." in samples[0].text


def test_openai_transcript_file_is_one_sample_with_its_model() -> None:
    """An OpenAI message JSON file is one transcript, with its model and id."""
    [sample] = read_file(DATA / "openai_transcript.json")
    assert (sample.model, sample.sample_id, sample.eval_name) == ("gpt-4o-2026", "chat-42", None)
    assert '"tool_calls"' in sample.text


def test_jsonl_of_transcripts_is_one_sample_per_line() -> None:
    """A JSONL of Anthropic transcripts is one sample per line, numbered by line."""
    samples = read_file(DATA / "anthropic_transcripts.jsonl")
    assert [(s.sample_id, s.line, s.model) for s in samples] == [
        ("conv-1", 1, "claude-test"),
        ("conv-2", 2, "claude-test"),
    ]


def test_jsonl_of_messages_is_one_transcript(tmp_path: Path) -> None:
    """A JSONL whose lines are single messages is one transcript, not one per line."""
    path = tmp_path / "chat.jsonl"
    path.write_text(
        '{"role": "user", "content": "hi"}\n{"role": "assistant", "content": "hello"}\n'
    )
    [sample] = read_file(path)
    assert "hello" in sample.text and "hi" in sample.text


def test_rows_keep_their_text_model_and_id() -> None:
    """A JSONL of text rows is one sample per row, its text taken as it is."""
    samples = read_file(DATA / "rows.jsonl")
    assert [(s.sample_id, s.model) for s in samples] == [
        ("r1", "m-rows"),
        ("r2", "m-rows"),
        ("r3", "m-rows"),
    ]
    assert samples[1].text == "The weather in Paris is mild in spring."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"name": "config"}', "is JSON, but not"),
        (b'{"text": "ok"}\nnot json at all\n', "line 2: not JSON"),
        (b'{"text": "ok"}\n{"other": 1}\n', "line 2: neither a chat transcript"),
        (b"\xff\xfe\x00binary", "not UTF-8 text"),
        (b"   \n", "is empty"),
        (b"PK\x03\x04broken", "not a readable zip archive"),
    ],
)
def test_unreadable_content_is_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    """A file of none of the formats is refused with a message naming it and what is wrong."""
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message) as caught:
        read_file(path)
    assert "input.json" in str(caught.value)


def test_zip_that_is_not_an_eval_log(tmp_path: Path) -> None:
    """A zip archive without header.json is not taken for an eval log."""
    path = tmp_path / "other.eval"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFile, match="not an Inspect eval log"):
        read_file(path)


def test_folder_lists_log_files_only(tmp_path: Path) -> None:
    """A folder gives its .eval, .json and .jsonl files in name order, hidden ones left out."""
    for name in ("b.jsonl", "a.eval", "notes.md", ".hidden.json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "sub").mkdir()
    shutil.copy(DATA / "rows.jsonl", tmp_path / "sub" / "c.json")
    assert [p.relative_to(tmp_path).as_posix() for p in files_in(tmp_path)] == [
        "a.eval",
        "b.jsonl",
        "sub/c.json",
    ]


def test_missing_path_is_named(tmp_path: Path) -> None:
    """A path that does not exist is an error naming it."""
    with pytest.raises(UnreadableFile, match=r"nope\.eval does not exist"):
        files_in(tmp_path / "nope.eval")


def _zip_with_sample(sample: dict[str, object], directory: Path) -> Path:
    path = directory / "one.eval"
    spec = {"task": "t", "model": "m", "run_id": "r", "eval_id": "e"}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.json", json.dumps({"version": 2, "eval": spec}))
        archive.writestr("samples/a_epoch_1.json", json.dumps(sample))
    return path
