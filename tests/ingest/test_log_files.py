"""Eval logs among a report's files: which are offered for screening in Slack (by name and
content), and reading one from its downloaded bytes, refusing anything else."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.incidents.attachments import ReadFile
from bot.incidents.records import AttachedFile
from bot.ingest import log_files
from bot.ingest.log_files import LogFile, is_log_file, logs_among, read_log
from bot.ingest.samples import UnreadableFile

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def _read(name: str, text: str | None, file_id: str = "F1") -> ReadFile:
    return ReadFile(AttachedFile(name=name, size=1, slack_file_id=file_id), text)


def test_an_eval_archive_is_a_log_by_its_name() -> None:
    """A .eval file (never read as text) is offered whatever it holds; opening it tells."""
    assert is_log_file("Run 12.EVAL", None)


def test_a_json_log_is_told_from_a_transcript_by_content() -> None:
    """A .json Inspect log is one; a chat transcript, other JSON and non-JSON are not."""
    assert is_log_file("run.json", (DATA / "shutdown_probe.json").read_text())
    assert not is_log_file("chat.json", (DATA / "openai_transcript.json").read_text())
    assert not is_log_file("config.json", (DATA / "not_a_log.json").read_text())
    assert not is_log_file("notes.json", "not JSON at all")
    assert not is_log_file("run.jsonl", (DATA / "shutdown_probe.json").read_text())


def test_a_json_log_cut_at_the_report_cap_is_told_by_its_head() -> None:
    """A log too big to be read whole still starts with its eval spec naming the task."""
    head = (DATA / "shutdown_probe.json").read_text()[:900]
    assert is_log_file("big.json", head)
    assert not is_log_file("big.json", '{"messages": [{"role": "user", "content": "eval"')


def test_logs_among_keeps_order_and_caps_the_offer() -> None:
    """The logs of a report in order, those without a Slack id left out, at most three."""
    log_text = (DATA / "shutdown_probe.json").read_text()
    files = [
        _read("a.txt", "hello", "F0"),
        *(_read(f"{n}.eval", None, f"F{n}") for n in range(1, 5)),
        _read("b.json", log_text, ""),
    ]
    assert logs_among(files) == [
        LogFile("F1", "1.eval"),
        LogFile("F2", "2.eval"),
        LogFile("F3", "3.eval"),
    ]


def test_read_log_reads_an_archive_and_a_json_log_alike() -> None:
    """The .eval bytes and the .json bytes of the same run give the same samples."""
    archive = read_log((DATA / "shutdown_probe.eval").read_bytes(), "run.eval")
    document = read_log((DATA / "shutdown_probe.json").read_bytes(), "run.json")
    assert [(s.sample_id, s.epoch) for s in archive] == [(s.sample_id, s.epoch) for s in document]
    assert archive[0].source == document[0].source and archive[0].source_file == "run.eval"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04 broken", "not a readable zip archive"),
        ((DATA / "openai_transcript.json").read_bytes(), "not an Inspect eval log"),
        (b"\xff\xfe binary", "neither a .eval archive nor JSON"),
        (b'{"eval": {"task": "t"}, "samples": []}', "holds no samples"),
    ],
)
def test_read_log_refuses_what_is_not_a_log(data: bytes, says: str) -> None:
    """A broken archive, a transcript, binary data or an empty log is refused, saying why."""
    with pytest.raises(UnreadableFile, match=says):
        read_log(data, "x.eval")


def test_an_archive_unpacking_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small archive that would unpack to more than the limit is refused before reading."""
    monkeypatch.setattr(log_files, "UNPACKED_LIMIT", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", '{"eval": {"task": "t"}}' + " " * 5000)
    with pytest.raises(UnreadableFile, match="unpacks to"):
        read_log(buffer.getvalue(), "bomb.eval")
