"""Files a report comes with, read into its evidence: which are text, how they are decoded,
the caps, the separator line, and the record kept of each (``AttachedFile``).

Text-like files (Slack snippets, ``.txt``, ``.md``, ``.log``, ``.json``, ``.jsonl``, ``.csv``,
``.yaml``, and ``.gz`` of those) are read: at most 5 MB of each, 10 MB for the whole report,
the caps counted on the decompressed text of a ``.gz`` (so a small gzip bomb stops at the cap).
A file cut by a cap says so in its note. Images and other binary files, and files that cannot
be fetched, are kept as references whose note says why they were not read. Nothing here talks
to Slack (``bot.slack.files`` fetches the bytes).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.incidents.records import AttachedFile
from bot.store.models import IncidentFile

MB = 1024 * 1024
FILE_CAP = 5 * MB
REPORT_CAP = 10 * MB
# Bytes downloaded of one file at most (the hash is of these); the text kept is capped lower.
DOWNLOAD_LIMIT = 64 * MB
# A cut gzip's whole size is counted up to this much decompressed (never kept).
COUNT_LIMIT = 64 * MB
# Characters a file's separator line may add to the evidence, beyond the text it reads.
SEPARATOR_ROOM = 400

TEXT_EXTENSIONS = frozenset(
    {"txt", "text", "md", "markdown", "log", "json", "jsonl", "ndjson", "csv", "tsv", "yaml", "yml"}
)
# Slack's ``filetype`` of a text-like file (a snippet may have any language's type).
TEXT_FILETYPES = frozenset({"text", "markdown", "json", "csv", "tsv", "yaml", "log", "post"})
TEXT_MIMETYPES = frozenset(
    {
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
        "application/yaml",
        "application/x-yaml",
    }
)
GZIP_MIMETYPES = frozenset({"application/gzip", "application/x-gzip"})

NOT_AN_IMAGE_NOTE = "not read: an image"
BINARY_NOTE = "not read: not a text file"
BAD_GZIP_NOTE = "not read: not a readable gzip file"
REPORT_FULL_NOTE = f"not read: the report already holds {REPORT_CAP // MB} MB of files"
# Slack's error codes of ``files.info`` and what the reporter is told.
FAILURES = {
    "missing_scope": "not read: the bot may not read files (its files:read scope is missing; "
    "an admin reinstalls the app)",
    "file_not_found": "not read: the file was deleted or cannot be found",
    "file_deleted": "not read: the file was deleted",
    "access_denied": "not read: the bot cannot see this file",
    "not_in_channel": "not read: the bot cannot see this file",
}

Kind = Literal["text", "gzip", "image", "binary"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass(frozen=True)
class SlackFile:
    """What Slack says of a file (``files.info``), reduced to the values used here."""

    id: str
    name: str
    filetype: str = ""
    mimetype: str = ""
    mode: str = ""
    size: int = 0
    permalink: str | None = None
    url: str | None = None  # url_private_download, else url_private

    @classmethod
    def of(cls, info: dict[str, Any], file_id: str = "") -> SlackFile:
        """The file a ``files.info`` answer (or a message's file object) describes."""
        size = info.get("size")
        return cls(
            id=str(info.get("id") or file_id),
            name=str(info.get("name") or info.get("title") or info.get("id") or file_id),
            filetype=str(info.get("filetype") or ""),
            mimetype=str(info.get("mimetype") or ""),
            mode=str(info.get("mode") or ""),
            size=size if isinstance(size, int) and size >= 0 else 0,
            permalink=info.get("permalink") or None,
            url=info.get("url_private_download") or info.get("url_private") or None,
        )


@dataclass(frozen=True)
class ReadFile:
    """One file of a report: its record, and the text it adds to the evidence (``None`` when
    not read). ``used`` is how many bytes of the report's cap its text took."""

    file: AttachedFile
    text: str | None = None
    used: int = 0


def kind_of(file: SlackFile) -> Kind:
    """Whether ``file`` is read as text, decompressed then read, or kept as a reference."""
    name = file.name.lower()
    extension = _extension(name)
    mimetype = file.mimetype.lower().split(";")[0].strip()
    if extension in ("gz", "gzip") or file.filetype == "gzip" or mimetype in GZIP_MIMETYPES:
        inner = _extension(name.rsplit(".", 1)[0]) if extension in ("gz", "gzip") else ""
        return "gzip" if not inner or inner in TEXT_EXTENSIONS else "binary"
    if mimetype.startswith("image/") or file.filetype in ("png", "jpg", "jpeg", "gif", "webp"):
        return "image"
    if file.mode == "snippet" or extension in TEXT_EXTENSIONS:
        return "text"
    if file.filetype in TEXT_FILETYPES or mimetype.startswith("text/"):
        return "text"
    return "text" if mimetype in TEXT_MIMETYPES else "binary"


def reference(file: SlackFile, note: str) -> ReadFile:
    """``file`` kept as a reference, not read, with the ``note`` saying why."""
    return ReadFile(_record(file, read=False, note=note))


def failure(file: SlackFile, error: str) -> ReadFile:
    """``file`` that Slack would not give (its error code ``error``), kept as a reference."""
    return reference(file, FAILURES.get(error, f"not read: Slack answered {error}"))


def download_failure(file: SlackFile, reason: str) -> ReadFile:
    """``file`` whose download failed for ``reason``, kept as a reference."""
    return reference(file, f"not read: the download failed ({reason})")


def read(file: SlackFile, data: bytes, *, budget: int, complete: bool = True) -> ReadFile:
    """``file``'s downloaded ``data`` read as text: at most ``budget`` bytes of it (of its
    decompressed text for a gzip), with a note when a cap cut it. ``complete`` is False when
    the download stopped at ``DOWNLOAD_LIMIT`` (then no hash is kept: it would not be the
    file's)."""
    digest = hashlib.sha256(data).hexdigest() if complete else None
    size = file.size or len(data)
    if budget <= 0:
        return reference(file, REPORT_FULL_NOTE)
    whole: int | None = max(size, len(data))
    if kind_of(file) == "gzip":
        try:
            data, whole = gunzip(data, budget)
        except (zlib.error, ValueError):
            return ReadFile(_record(file, read=False, note=BAD_GZIP_NOTE, sha256=digest))
    kept = data[:budget]
    cut = whole is None or len(kept) < whole
    text = decode(kept, cut=cut)
    if text is None:
        return ReadFile(_record(file, read=False, note=BINARY_NOTE, sha256=digest))
    note = cut_note(len(kept), whole, gzip=kind_of(file) == "gzip", budget=budget) if cut else None
    record = _record(file, read=True, note=note, sha256=digest)
    return ReadFile(record, text, len(kept))


def gunzip(data: bytes, cap: int) -> tuple[bytes, int | None]:
    """The first ``cap`` bytes ``data`` decompresses to, and its whole decompressed size
    (``None`` when more than ``COUNT_LIMIT``); never holds more than ``cap`` bytes of it."""
    if not data:
        raise ValueError("an empty file")
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    kept = inflater.decompress(data, cap)
    total = len(kept)
    tail = inflater.unconsumed_tail
    while tail and total <= COUNT_LIMIT:
        total += len(inflater.decompress(tail, MB))
        tail = inflater.unconsumed_tail
    return kept, (None if total > COUNT_LIMIT else total)


def decode(data: bytes, *, cut: bool = False) -> str | None:
    """``data`` as text: UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252, else
    Latin-1; ``None`` for binary data (NUL bytes without a UTF-16 mark). A character that a
    ``cut`` split at the end is dropped."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if cut and error.start >= len(data) - 3 and "end of data" in error.reason:
            return data[: error.start].decode("utf-8", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def cut_note(kept: int, whole: int | None, *, gzip: bool = False, budget: int = FILE_CAP) -> str:
    """What the reporter and the record are told of a file cut at ``kept`` bytes of ``whole``."""
    of = f"more than {size_text(COUNT_LIMIT)}" if whole is None else size_text(whole)
    note = f"cut at {size_text(kept)} of {of}" + (" decompressed" if gzip else "")
    if budget < FILE_CAP:
        note += f": a report reads at most {REPORT_CAP // MB} MB of files"
    return note


def size_text(size: int) -> str:
    """A size as people read it: ``512 bytes``, ``12.3 KB``, ``6.2 MB``."""
    if size < 1024:
        return f"{size} bytes"
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"  # pragma: no cover


def separator(file: AttachedFile) -> str:
    """The line that starts a file's text in the evidence, naming the file."""
    cut = f", {file.note}" if file.note else ""
    return f"===== File: {file.name} ({size_text(file.size)}{cut}) ====="


def evidence_text(text: str, files: Iterable[ReadFile]) -> str:
    """``text`` followed, in order, by the text of each file read, each after its separator."""
    parts = [text] if text.strip() else []
    parts += [f"{separator(f.file)}\n{f.text}" for f in files if f.text is not None]
    return "\n\n".join(parts)


def evidence_limit(files: Iterable[AttachedFile], base: int) -> int:
    """The evidence limit of a report with ``files``: ``base`` (the limit of a paste) and,
    when any file was read, room for the report's cap of file text and their separators."""
    read = [f for f in files if f.read]
    return base + (REPORT_CAP + SEPARATOR_ROOM * len(read) if read else 0)


def budget_left(used: int) -> int:
    """The bytes the next file may read when the report's files already took ``used``."""
    return max(0, min(FILE_CAP, REPORT_CAP - used))


# --- the file list a report form carries in its private metadata ----------------------------

_FIELDS = ("name", "filetype", "size", "sha256", "slack_file_id", "permalink", "read", "note")


def pack(files: Sequence[AttachedFile], room: int) -> list[list[Any]]:
    """``files`` as compact rows that fit ``room`` characters of JSON: names and notes are
    shortened, then permalinks left out (the file id still names the file), then hashes, if
    they must. No file is ever left out."""
    shapes = (
        lambda f: f,
        _shortened,
        lambda f: replace(_shortened(f), permalink=None),
        lambda f: replace(_shortened(f, 30, 40), permalink=None, sha256=None),
    )
    rows: list[list[Any]] = []
    for shape in shapes:
        rows = [[getattr(shape(f), k) for k in _FIELDS] for f in files]
        if len(json.dumps(rows, separators=(",", ":"))) <= room:
            break
    return rows


def unpack(rows: Any) -> list[AttachedFile]:
    """The files ``pack`` made rows of; anything malformed is left out."""
    files: list[AttachedFile] = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, list) and len(row) == len(_FIELDS) and isinstance(row[0], str):
            values = dict(zip(_FIELDS, row, strict=True))
            try:
                files.append(_checked(values))
            except (TypeError, ValueError):
                continue
    return files


def _checked(values: dict[str, Any]) -> AttachedFile:
    texts = ("filetype", "sha256", "slack_file_id", "permalink", "note")
    if not isinstance(values["size"], int) or not isinstance(values["read"], bool):
        raise TypeError("size and read")
    if any(values[k] is not None and not isinstance(values[k], str) for k in texts):
        raise TypeError("text fields")
    return AttachedFile(**values)


def _shortened(file: AttachedFile, name: int = 60, note: int = 80) -> AttachedFile:
    return replace(file, name=file.name[:name], note=file.note[:note] if file.note else None)


def _record(
    file: SlackFile, *, read: bool, note: str | None, sha256: str | None = None
) -> AttachedFile:
    """The ``AttachedFile`` kept of ``file``, its values cut to what the store holds."""
    name = _CONTROL.sub(" ", file.name).strip()[:300] or file.id or "file"
    return AttachedFile(
        name=name,
        filetype=(file.filetype or _extension(file.name.lower()))[:40],
        size=file.size,
        sha256=sha256,
        slack_file_id=file.id[:32] or None,
        permalink=file.permalink if file.permalink and len(file.permalink) <= 500 else None,
        read=read,
        note=note[:300] if note else None,
    )


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1] if "." in name.strip(".") else ""


def listed(files: Iterable[AttachedFile | IncidentFile]) -> list[dict[str, Any]]:
    """Template data of a list of files: name, size as read, whether read, the note."""
    return [
        {"name": f.name, "size": size_text(f.size), "read": f.read, "note": f.note or ""}
        for f in files
    ]
