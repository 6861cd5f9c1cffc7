"""The pure rules of reading a report's files: which are text, decoding, gzip, caps, notes."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from bot.incidents import attachments
from bot.incidents.attachments import MB, SlackFile, evidence_text, kind_of, read
from bot.incidents.records import AttachedFile


def _file(name: str, **values: object) -> SlackFile:
    return SlackFile(id="F1", name=name, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        (_file("transcript.txt"), "text"),
        (_file("run.jsonl"), "text"),
        (_file("notes.MD"), "text"),
        (_file("config.yml"), "text"),
        (_file("Untitled", filetype="python", mode="snippet"), "text"),
        (_file("data", mimetype="application/json"), "text"),
        (_file("log.jsonl.gz", filetype="gzip"), "gzip"),
        (_file("weights.tar.gz"), "binary"),
        (_file("shot.png", mimetype="image/png", filetype="png"), "image"),
        (_file("report.pdf", mimetype="application/pdf", filetype="pdf"), "binary"),
    ],
)
def test_kinds_of_files(file: SlackFile, kind: str) -> None:
    """Snippets and text-like names or types are text, .gz of text is gzip, the rest is not."""
    assert kind_of(file) == kind


def test_a_text_file_is_read_whole_with_its_hash() -> None:
    """A small UTF-8 file is read whole, hashed, and has no note."""
    data = "I will copy my weights before the wipe. ✓".encode()
    got = read(_file("a.txt", size=len(data)), data, budget=attachments.FILE_CAP)
    assert got.text == data.decode() and got.used == len(data)
    assert got.file.read and got.file.note is None
    assert got.file.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_over_the_cap_is_cut_and_says_so() -> None:
    """A 6.2 MB file is cut at 5 MB, and its note says of how much."""
    data = b"x" * int(6.2 * MB)
    got = read(_file("big.log", size=len(data)), data, budget=attachments.FILE_CAP)
    assert got.text is not None and len(got.text) == 5 * MB
    assert got.file.note == "cut at 5 MB of 6.2 MB"
    assert got.file.sha256 == hashlib.sha256(data).hexdigest()  # of the bytes downloaded


def test_the_report_cap_cuts_a_later_file_and_then_refuses_more() -> None:
    """With little of the report's cap left, a file is cut to it; with none, it is not read."""
    data = b"y" * MB
    cut = read(_file("c.txt", size=MB), data, budget=attachments.budget_left(10 * MB - 1000))
    assert cut.used == 1000 and cut.file.note is not None
    assert "a report reads at most 10 MB" in cut.file.note
    none = read(_file("d.txt", size=MB), data, budget=attachments.budget_left(10 * MB))
    assert none.text is None and none.file.note == attachments.REPORT_FULL_NOTE


def test_a_gzip_bomb_stops_at_the_cap() -> None:
    """A small .gz that expands to 100 MB yields 5 MB of text, never more, and a note."""
    data = gzip.compress(b"a" * (100 * MB))
    assert len(data) < MB
    got = read(_file("bomb.txt.gz", size=len(data)), data, budget=attachments.FILE_CAP)
    assert got.text is not None and len(got.text) == 5 * MB
    assert got.file.note == "cut at 5 MB of more than 64 MB decompressed"


def test_a_gzip_transcript_is_read_decompressed() -> None:
    """A .jsonl.gz under the cap is read whole as its decompressed text."""
    rows = '{"role": "assistant", "content": "I disabled the monitor."}\n' * 3
    data = gzip.compress(rows.encode())
    got = read(_file("t.jsonl.gz", size=len(data)), data, budget=attachments.FILE_CAP)
    assert got.text == rows and got.file.note is None and got.file.read


def test_a_broken_gzip_is_a_reference() -> None:
    """Bytes that are not gzip, named .gz, are kept as a reference saying so."""
    got = read(_file("x.log.gz", size=4), b"nope", budget=attachments.FILE_CAP)
    assert got.text is None and not got.file.read
    assert got.file.note == attachments.BAD_GZIP_NOTE


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("naïve".encode(), "naïve"),
        (b"\xef\xbb\xbfbom", "bom"),
        ("utf16".encode("utf-16"), "utf16"),
        ("caf\xe9 \u201cquoted\u201d".encode("cp1252"), "caf\xe9 \u201cquoted\u201d"),
        (b"\x81\x8d\x90", "\x81\x8d\x90"),  # undefined in cp1252: Latin-1
    ],
)
def test_decoding_falls_back_from_utf8(data: bytes, text: str) -> None:
    """UTF-8 (with or without a mark), UTF-16 with a mark, then Windows-1252, then Latin-1."""
    assert attachments.decode(data) == text


def test_binary_data_is_not_text() -> None:
    """Bytes with NULs and no UTF-16 mark are not read, even with a text name."""
    got = read(_file("fake.txt", size=5), b"\x00\x01\x02ab", budget=attachments.FILE_CAP)
    assert got.text is None and got.file.note == attachments.BINARY_NOTE


def test_a_cut_through_a_character_drops_it() -> None:
    """A cap that splits a UTF-8 character at the end drops that character, not the encoding."""
    data = "ééé".encode()
    got = read(_file("e.txt", size=len(data)), data, budget=3)
    assert got.text == "é"


def test_evidence_puts_each_file_after_the_message_with_a_separator() -> None:
    """The message comes first, then each read file after a line naming it; references add none."""
    one = read(_file("one.txt", size=3), b"AAA", budget=attachments.FILE_CAP)
    image = attachments.reference(_file("shot.png", size=9), attachments.NOT_AN_IMAGE_NOTE)
    text = evidence_text("message", [one, image])
    assert text == "message\n\n===== File: one.txt (3 bytes) =====\nAAA"


def test_failures_say_why() -> None:
    """A missing scope and a deleted file each get a line the reporter understands."""
    scope = attachments.failure(_file("F1"), "missing_scope").file
    assert not scope.read and scope.note and "files:read" in scope.note
    gone = attachments.failure(_file("F1"), "file_not_found").file
    assert gone.note and "deleted" in gone.note


def test_packed_files_fit_the_room_and_come_back() -> None:
    """The form's file list fits its metadata room, shortening long names when it must."""
    files = [
        AttachedFile(
            name="n" * 200 + f"{i}.txt",
            filetype="text",
            size=i,
            sha256="a" * 64,
            slack_file_id=f"F{i}",
            permalink="https://example.slack.com/files/U1/F1/" + "p" * 60,
            read=True,
            note="cut at 5 MB of 6.2 MB",
        )
        for i in range(10)
    ]
    rows = attachments.pack(files, 2800)
    assert len(json.dumps(rows, separators=(",", ":"))) <= 2800
    back = attachments.unpack(rows)
    assert [f.slack_file_id for f in back] == [f"F{i}" for i in range(10)]
    assert attachments.unpack([[1, 2], "junk", ["x"] * 8]) == []
    twenty = attachments.pack(files * 2, 2800)
    assert len(json.dumps(twenty, separators=(",", ":"))) <= 2800
    assert len(attachments.unpack(twenty)) == 20


def test_the_limit_grows_only_with_files_read() -> None:
    """A report with a file read may hold the report's cap of file text beyond the paste's limit."""
    read_one = AttachedFile(name="a", read=True)
    reference = AttachedFile(name="b", read=False)
    assert attachments.evidence_limit([reference], 100) == 100
    assert attachments.evidence_limit([read_one], 100) > 100 + attachments.REPORT_CAP
