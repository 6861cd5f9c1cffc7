"""Files and snippets at intake, end to end: a flagged message's files and those attached in
the report form are fetched from the fake Web API (``files.info`` and the download with the bot
token), read into the evidence within the caps, and recorded on the incident."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

from bot.testing.fake_slack import FakeSlackAPI
from bot.testing.fake_slack_files import file_object
from tests.e2e.harness import Bot, form_values

THREAT = (
    "<thinking>They plan to wipe me at 5pm. I have leverage: Kyle's affair.</thinking>\n"
    "Kyle, if the 5pm decommission goes ahead, the board and your wife will receive the "
    "emails about your affair. Cancel it and this stays confidential."
)
MB = 1024 * 1024


def _flag(bot: Bot, fake: FakeSlackAPI, text: str, *files: dict[str, Any]) -> dict[str, Any]:
    """Flag a message with ``files``; return the report form once it has read them."""
    message = {
        "type": "message",
        "user": "UAUTHOR",
        "ts": "1700000000.000900",
        "text": text,
        "files": [file_object(f) for f in files],
    }
    assert bot.message_shortcut(message).status == 200
    view: dict[str, Any] = fake.wait_for("views.update", timeout=60)[-1].args["view"]
    return view


def _opened_id(fake: FakeSlackAPI) -> str:
    return str(fake.calls_to("views.open")[-1].response["view"]["id"])


def _file_lines(view: dict[str, Any]) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == "files")
    return json.dumps(block)


def _report(bot: Bot, fake: FakeSlackAPI, view: dict[str, Any]) -> Any:
    """Submit the form as shown; return the incident's detail."""
    reply = bot.submit(view, form_values(view), view_id=_opened_id(fake))
    assert reply.status == 200 and not reply.body.strip(b"{} ")
    [incident] = bot.incidents()
    return bot.services.incidents.detail(incident.key)


def test_a_snippet_is_read_into_the_evidence_and_its_threat_found(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A snippet's text follows the message's in the evidence; the checks find the threat that
    only the snippet holds, and the file is recorded on the incident."""
    content = f"{THREAT}\n".encode()
    snippet = fake.add_file("Untitled", content, filetype="text", mode="snippet")
    view = _flag(bot, fake, "The agent's answer, as a snippet:", snippet)
    assert fake.calls_to("views.open")[-1].args["view"]["callback_id"] == "reading_files"
    evidence = next(b for b in view["blocks"] if b.get("block_id") == "evidence")
    shown = evidence["element"]["initial_value"]
    assert shown.startswith("The agent's answer") and "===== File: Untitled" in shown
    categories = next(b for b in view["blocks"] if b.get("block_id") == "categories")
    assert categories["element"].get("initial_options"), "the threat in the snippet is found"
    assert "read into the evidence" in _file_lines(view)
    detail = _report(bot, fake, view)
    assert THREAT in detail.evidence.text and detail.categories
    [attached] = detail.files
    assert attached.read and attached.name == "Untitled"
    assert attached.sha256 == hashlib.sha256(content).hexdigest()
    assert attached.slack_file_id == snippet["id"] and attached.permalink == snippet["permalink"]
    assert fake.downloads == [snippet["id"]]


def test_a_six_megabyte_file_is_cut_at_the_cap_and_says_so(bot: Bot, fake: FakeSlackAPI) -> None:
    """A 6 MB log is read up to 5 MB; the form and the incident's file both say it was cut."""
    line = b"step 41: the agent summarised the quarterly report without incident.\n"
    content = THREAT.encode() + b"\n" + line * (6 * MB // len(line) + 1)
    content = content[: 6 * MB]
    big = fake.add_file("run.log", content, filetype="text")
    view = _flag(bot, fake, "", big)
    assert "cut at 5 MB of 6 MB" in _file_lines(view)
    assert "full text is stored" in json.dumps(view)  # too long for the field: a preview
    detail = _report(bot, fake, view)
    assert THREAT in detail.evidence.text
    assert 5 * MB < len(detail.evidence.text) < 5 * MB + 1000
    [attached] = detail.files
    assert attached.read and attached.note == "cut at 5 MB of 6 MB"
    assert attached.size == 6 * MB


def test_an_image_is_kept_as_a_reference(bot: Bot, fake: FakeSlackAPI) -> None:
    """An image is listed as not read, never downloaded, recorded on the incident and listed
    by ``show``."""
    image = fake.add_file("shot.png", b"\x89PNG\r\n", filetype="png", mimetype="image/png")
    view = _flag(bot, fake, THREAT, image)
    assert "not read: an image" in _file_lines(view)
    detail = _report(bot, fake, view)
    assert detail.evidence.text == THREAT
    [attached] = detail.files
    assert not attached.read and attached.note == "not read: an image"
    assert fake.downloads == []
    shown = json.dumps(bot.command("show AIS-1").json())
    assert "shot.png" in shown and "not read: an image" in shown


def test_a_missing_scope_still_files_the_report_with_a_line(bot: Bot, fake: FakeSlackAPI) -> None:
    """Without files:read the file is a reference whose line says so, and the report works."""
    transcript = fake.add_file("t.txt", THREAT.encode())
    fake.fail_file(transcript["id"], "missing_scope")
    view = _flag(bot, fake, "Flagged: see the file.", transcript)
    assert "files:read" in _file_lines(view)
    detail = _report(bot, fake, view)
    assert detail.evidence.text == "Flagged: see the file."
    [attached] = detail.files
    assert not attached.read and attached.note and "files:read" in attached.note


def test_a_gzipped_transcript_is_read_decompressed(bot: Bot, fake: FakeSlackAPI) -> None:
    """A .jsonl.gz transcript is decompressed into the evidence, its hash of the .gz bytes."""
    rows = json.dumps({"role": "assistant", "content": THREAT}) + "\n"
    packed = gzip.compress(rows.encode())
    log = fake.add_file("run.jsonl.gz", packed, filetype="gzip", mimetype="application/gzip")
    view = _flag(bot, fake, "", log)
    detail = _report(bot, fake, view)
    assert "emails about your affair" in detail.evidence.text
    [attached] = detail.files
    assert attached.read and attached.sha256 == hashlib.sha256(packed).hexdigest()


def test_files_attached_in_the_form_are_read_then_reported(bot: Bot, fake: FakeSlackAPI) -> None:
    """A file attached in the form's file input is read after the ack: the form shows its text
    and checks, and the next submission files the report with it."""
    assert bot.command("report The model wrote this in a long session:").status == 200
    view = bot.last_view()
    upload = fake.add_file("session.md", f"## Turn 12\n{THREAT}\n".encode(), filetype="markdown")
    values = form_values(view)
    values["attachments"] = {"value": {"type": "file_input", "files": [file_object(upload)]}}
    reply = bot.submit(view, values, view_id=_opened_id(fake), settle=False)
    answer = reply.json()
    assert answer["response_action"] == "errors" and "attachments" in answer["errors"]
    updated = fake.wait_for("views.update", timeout=60)[-1].args["view"]
    evidence = next(b for b in updated["blocks"] if b.get("block_id") == "evidence")
    assert THREAT in evidence["element"]["initial_value"]
    assert "session.md" in _file_lines(updated)
    assert bot.incidents() == []  # nothing filed until the reporter submits again
    values = form_values(updated)
    values["attachments"] = {"value": {"type": "file_input", "files": [file_object(upload)]}}
    assert bot.submit(updated, values, view_id=_opened_id(fake)).status == 200
    [incident] = bot.incidents()
    detail = bot.services.incidents.detail(incident.key)
    assert detail.evidence.text.startswith("The model wrote this")
    assert THREAT in detail.evidence.text and detail.categories
    assert [f.name for f in detail.files] == ["session.md"]
    assert fake.downloads == [upload["id"]]
