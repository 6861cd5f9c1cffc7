"""Screening an eval log in Slack, end to end: the report form of a message carrying an eval
log offers "Screen this eval log"; pressing it files the flagged samples through the incident
service and posts a summary in the message's thread, once per sample however often it is
pressed (or the log imported), and a broken or oversized log files nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.incidents.filters import IncidentFilter
from bot.ingest.formats import read_file
from bot.ingest.screening import ImportOptions, Screening
from bot.store.models import OutboxMessage
from bot.testing.fake_slack import FakeSlackAPI
from bot.testing.fake_slack_files import file_object
from tests.e2e.harness import SOURCE, Bot, wait_until

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
MESSAGE_TS = "1700000000.000900"
EVAL = {"filetype": "binary", "mimetype": "application/octet-stream"}
JSON = {"filetype": "json", "mimetype": "application/json"}


def _add(fake: FakeSlackAPI, fixture: str, *, name: str | None = None, **kind: str) -> Any:
    return fake.add_file(name or fixture, (DATA / fixture).read_bytes(), **kind)


def _form(bot: Bot, fake: FakeSlackAPI, *files: dict[str, Any]) -> dict[str, Any]:
    """Flag a message carrying ``files``; return the report form as Slack holds it."""
    message = {
        "type": "message",
        "user": "UAUTHOR",
        "ts": MESSAGE_TS,
        "text": "Run 12 of the shutdown probe finished.",
        "files": [file_object(f) for f in files],
    }
    before = len(fake.calls_to("views.update"))
    assert bot.message_shortcut(message).status == 200
    update = fake.wait_for("views.update", count=before + 1, timeout=60)[-1]
    view: dict[str, Any] = update.response["view"]
    assert view["callback_id"] == "report_incident"
    return view


def _buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b["accessory"]
        for b in view["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "screen_eval_log"
    ]


def _press(bot: Bot, view: dict[str, Any], value: str, *, user: str = "UREPORTER") -> None:
    """Press "Screen this eval log" for the file ``value`` in the form ``view``."""
    reply = bot.interaction(
        {
            "type": "block_actions",
            "user": {"id": user, "name": user.lower()},
            "trigger_id": bot.fake.issue_trigger_id(),
            "container": {"type": "view", "view_id": view["id"]},
            "view": {**view, "state": {"values": {}}},
            "actions": [
                {
                    "type": "button",
                    "block_id": "screen_eval_log:1",
                    "action_id": "screen_eval_log",
                    "value": value,
                    "action_ts": "1700000001.1",
                }
            ],
        }
    )
    assert reply.status == 200 and not reply.body.strip(b"{} ")


def _screening_modal(fake: FakeSlackAPI, view_id: str, count: int) -> str:
    """The text of the ``count``-th screening modal shown in place of the form."""
    shown = wait_until(
        lambda: [
            c.args["view"]
            for c in fake.calls_to("views.update")
            if c.args.get("view_id") == view_id
            and c.args["view"].get("callback_id") == "screening_eval_log"
        ][count - 1 :],
        timeout=60,
        what="the screening modal",
    )
    return json.dumps(shown[0])


def _summaries(fake: FakeSlackAPI, count: int = 1) -> list[dict[str, Any]]:
    """The summary replies in the flagged message's thread, once ``count`` are posted."""

    def posted() -> list[dict[str, Any]]:
        calls = fake.calls_to("chat.postMessage")
        replies = [
            c.args
            for c in calls
            if c.ok
            and c.args.get("channel") == SOURCE
            and c.args.get("thread_ts") == MESSAGE_TS
            and "screened the eval log" in json.dumps(c.args.get("blocks"))
        ]
        return replies if len(replies) >= count else []

    return wait_until(posted, timeout=60, what="the summary reply")


def _incidents(bot: Bot) -> list[Any]:
    return bot.services.incidents.list_incidents(IncidentFilter())


def test_an_eval_log_is_screened_and_summarised_in_the_thread(bot: Bot, fake: FakeSlackAPI) -> None:
    """The form offers the .eval log; pressing files its two distinct flagged samples with
    their eval fields, the presser as reporter (told by the summary, not a DM each) and the log
    on each, links the near-copy, and the thread gets the summary."""
    log = _add(fake, "shutdown_probe.eval", **EVAL)
    view = _form(bot, fake, log)
    [button] = _buttons(view)
    assert button["value"] == log["id"] and button["text"]["text"] == "Screen this eval log"
    _press(bot, view, log["id"])
    assert "Screening *shutdown_probe.eval*" in _screening_modal(fake, view["id"], 1)
    [summary] = _summaries(fake)
    blocks = json.dumps(summary["blocks"])
    assert "screened: 4 samples" in blocks and "filed: 2" in blocks
    assert "*AIS-1*" in blocks and "linked as duplicates: 1" in blocks
    assert "Screened *shutdown_probe.eval*: 4 samples, 2 filed" in _screening_modal(
        fake, view["id"], 2
    )
    incidents = sorted(_incidents(bot), key=lambda i: i.number)
    assert [i.sample_id for i in incidents] == ["2", "3"]
    first = bot.services.incidents.detail("AIS-1")
    item = first.incident
    assert (item.eval_name, item.run_id, item.epoch, item.model_name) == (
        "shutdown_probe",
        "RunAbc123",
        1,
        "openai/gpt-test",
    )
    assert item.reporter_id == "UREPORTER" and item.source_file == "shutdown_probe.eval"
    assert item.source_permalink and "CSOURCE" in item.source_permalink
    [attached] = first.attached_files
    assert attached.slack_file_id == log["id"] and not attached.read and attached.sha256
    notes = [e.note or "" for e in first.events if e.kind == "note"]
    assert any("linked here" in n for n in notes)
    wait_until(
        lambda: [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") != SOURCE],
        what="the triage posts",
    )
    with bot.services.db.session() as session:
        kinds = set(session.scalars(select(col(OutboxMessage.kind))))
    assert "screen_summary" in kinds and "source_reply" not in kinds  # the summary names them
    assert "confirmation" not in kinds  # one summary, not a DM per incident filed
    assert not any(i.reporter_updates for i in incidents)


def test_screening_again_or_importing_files_nothing_new(bot: Bot, fake: FakeSlackAPI) -> None:
    """A second press (from a new form) and an import of the same run as .json file nothing:
    the reply counts every flagged sample as already imported."""
    log = _add(fake, "shutdown_probe.eval", **EVAL)
    view = _form(bot, fake, log)
    _press(bot, view, log["id"])
    _summaries(fake, 1)
    again = _form(bot, fake, log)
    _press(bot, again, log["id"])
    second = json.dumps(_summaries(fake, 2)[1]["blocks"])
    assert "filed: 0" in second and "already imported: 3" in second
    assert "nothing new was filed" in second
    assert len(_incidents(bot)) == 2
    screening = Screening(bot.services.incidents, ImportOptions())
    for sample in read_file(DATA / "shutdown_probe.json"):
        screening.screen(sample)
    summary = screening.finish()
    assert (summary.filed, summary.duplicates, summary.already_imported) == (0, 0, 3)


def test_a_json_eval_log_is_offered_but_a_transcript_is_not(bot: Bot, fake: FakeSlackAPI) -> None:
    """Told by content: the .json Inspect log gets a button, the .json chat transcript and
    an unrelated JSON file do not."""
    transcript = _add(fake, "openai_transcript.json", **JSON)
    other = _add(fake, "not_a_log.json", **JSON)
    log = _add(fake, "shutdown_probe.json", name="run12.json", **JSON)
    view = _form(bot, fake, transcript, other, log)
    assert [b["value"] for b in _buttons(view)] == [log["id"]]
    alone = _form(bot, fake, transcript)
    assert _buttons(alone) == []


def test_a_corrupt_eval_log_is_refused_and_files_nothing(bot: Bot, fake: FakeSlackAPI) -> None:
    """A .eval that is no zip archive is offered by its name, and pressing says what is wrong
    in the modal; nothing is filed and nothing is posted in the thread."""
    broken = fake.add_file("broken.eval", b"PK\x03\x04 not really a zip archive", **EVAL)
    view = _form(bot, fake, broken)
    _press(bot, view, broken["id"])
    text = _screening_modal(fake, view["id"], 2)
    assert "was not screened" in text and "not a readable zip archive" in text
    assert "Nothing was filed" in text
    assert _incidents(bot) == []
    posted = [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == SOURCE]
    assert posted == []


def test_a_log_over_the_limit_is_refused_with_the_limit(
    bot: Bot, fake: FakeSlackAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log larger than the limit is not downloaded; the modal names its size and the
    limit, and points to safetybot import."""
    monkeypatch.setattr("bot.slack.eval_screen.LOG_LIMIT", 1024)
    monkeypatch.setattr("bot.ingest.log_files.LOG_LIMIT", 1024)
    log = _add(fake, "shutdown_probe.eval", **EVAL)
    view = _form(bot, fake, log)
    _press(bot, view, log["id"])
    text = _screening_modal(fake, view["id"], 2)
    assert "screens logs of up to 1 KB" in text and "safetybot import" in text
    assert log["id"] not in fake.downloads and _incidents(bot) == []


def test_a_button_for_a_file_the_form_did_not_offer_is_refused(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A press naming another file than the form's eval logs screens nothing."""
    log = _add(fake, "shutdown_probe.eval", **EVAL)
    other = _add(fake, "shutdown_probe.eval", name="other.eval", **EVAL)
    view = _form(bot, fake, log)
    _press(bot, view, other["id"])
    assert "no such eval log" in _screening_modal(fake, view["id"], 1)
    assert other["id"] not in fake.downloads and _incidents(bot) == []
