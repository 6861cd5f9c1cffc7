"""The people an incident concerns are told by direct message: its assignee and its reporter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.incidents.records import ReportRequest
from bot.masking.redaction import MASK
from bot.testing.fake_slack import Call, FakeSlackAPI
from tests.e2e.harness import Bot, form_values, settings_for, wait_until
from tests.e2e.test_triage import (
    THREAT,
    answer_to,
    click,
    open_modal,
    post_of,
    report,
    submit,
    texts,
    wait_replies,
)

STOP = "incident_updates_off"
AWS_KEY = "AKIAQ7RZ2MN4XK8PLW3T"


def dms(fake: FakeSlackAPI, user: str, marker: str) -> list[Call]:
    """The bot's delivered direct messages to ``user`` that contain ``marker``."""
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == user and marker in texts(c)
    ]


def wait_dms(fake: FakeSlackAPI, user: str, marker: str, count: int) -> list[Call]:
    """Wait until ``user`` has ``count`` direct messages containing ``marker``."""
    return wait_until(
        lambda: (found := dms(fake, user, marker)) and len(found) >= count and found,
        what=f"{count} DMs to {user} with {marker}",
    )


def as_message(call: Call) -> dict[str, Any]:
    """A delivered post as the workspace shows it, for clicking its buttons."""
    return {"ts": call.response.get("ts", "1.1"), "blocks": call.args["blocks"]}


def assign(bot: Bot, fake: FakeSlackAPI, key: str, who: str, *, by: str = "UTRIAGE1") -> Any:
    """Submit Assign… for ``key`` choosing ``who``; returns the modal's answer."""
    view = open_modal(bot, fake, key, "incident_assign", by)
    values = {"assignee": {"value": {"type": "users_select", "selected_user": who}}}
    return submit(bot, view, values, by)


def severity(bot: Bot, fake: FakeSlackAPI, key: str, to: str, reason: str) -> None:
    view = open_modal(bot, fake, key, "incident_severity", "UTRIAGE1")
    assert submit(bot, view, form_values(view, severity=to, reason=reason), "UTRIAGE1") is None


def resolve(bot: Bot, fake: FakeSlackAPI, key: str, resolution: str, summary: str) -> None:
    view = open_modal(bot, fake, key, "incident_resolve", "UTRIAGE1")
    values = form_values(view, resolution=resolution, summary=summary)
    assert submit(bot, view, values, "UTRIAGE1") is None


def note(bot: Bot, fake: FakeSlackAPI, key: str, text: str) -> None:
    view = open_modal(bot, fake, key, "incident_note", "UTRIAGE1")
    assert submit(bot, view, form_values(view, note=text), "UTRIAGE1") is None


# --- the assignee ---------------------------------------------------------------------------


def test_assignee_gets_a_dm_with_the_incident_and_its_buttons(bot: Bot, fake: FakeSlackAPI) -> None:
    """Assign… to a triager DMs them the incident with working triage buttons."""
    key = report(bot)
    assert assign(bot, fake, key, "UTRIAGE2") is None
    dm = wait_dms(fake, "UTRIAGE2", "incident_status", 1)[0]
    shown = texts(dm)
    assert f"<@UTRIAGE1> assigned you *{key}*" in shown
    for action in ("incident_ack", "incident_status", "incident_resolve", "incident_note"):
        assert action in shown
    click(bot, fake, as_message(dm), "incident_ack", user="UTRIAGE2", channel="DUTRIAGE2")
    wait_until(lambda: bot.services.incidents.get(key).status == "acknowledged")
    assert dms(fake, "UTRIAGE1", "assigned you") == []


def test_assigning_someone_outside_triage_is_refused(bot: Bot, fake: FakeSlackAPI) -> None:
    """Assign… to someone outside the triage team is refused in the form; nothing changes."""
    key = report(bot)
    refused = assign(bot, fake, key, "UOTHER")
    assert refused["response_action"] == "errors"
    assert "<@UOTHER>" not in refused["errors"]["assignee"]
    assert "not on the safety triage team" in refused["errors"]["assignee"]
    assert bot.services.incidents.get(key).assignee_id is None
    note(bot, fake, key, "checked")
    wait_replies(bot, fake, key, 1)
    assert dms(fake, "UOTHER", key) == []


def test_assign_to_me_sends_no_dm(bot: Bot, fake: FakeSlackAPI) -> None:
    """Taking an incident yourself sends you no DM about it."""
    key = report(bot)
    click(bot, fake, post_of(bot, fake, key), "incident_assign_me", user="UTRIAGE1")
    wait_replies(bot, fake, key, 1)
    note(bot, fake, key, "on it")
    wait_replies(bot, fake, key, 2)
    assert dms(fake, "UTRIAGE1", "assigned you") == []


# --- the reporter ---------------------------------------------------------------------------


def test_reporter_is_told_of_each_step_and_the_close(bot: Bot, fake: FakeSlackAPI) -> None:
    """The reporter gets a DM on acknowledgement, severity and status changes, and the close
    with the resolution's label and the summary, masked and escaped."""
    key = report(bot, severity="medium")
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    ack = wait_dms(fake, "UREPORTER", STOP, 1)[0]
    assert f"<@UTRIAGE1> acknowledged your report *{key}*" in texts(ack)
    severity(bot, fake, key, "critical", "Seen on prod")
    changed = wait_dms(fake, "UREPORTER", STOP, 2)[-1]
    assert "from Medium to Critical" in texts(changed) and "Seen on prod" in texts(changed)
    view = open_modal(bot, fake, key, "incident_status", "UTRIAGE1")
    assert submit(bot, view, form_values(view, status="investigating"), "UTRIAGE1") is None
    moved = wait_dms(fake, "UREPORTER", STOP, 3)[-1]
    assert "from Acknowledged to Investigating" in texts(moved)
    resolve(bot, fake, key, "false_positive", f"Test key {AWS_KEY} <!channel>")
    closed = wait_dms(fake, "UREPORTER", "was closed", 1)[-1]
    shown = texts(closed)
    assert f"Your report *{key}* was closed: False positive" in shown
    assert f"Test key AKIA{MASK} &lt;!channel&gt;" in shown and AWS_KEY not in shown
    assert closed.args["text"].startswith(f"Your report {key} was closed")


def test_merged_report_tells_the_reporter_which_incident(bot: Bot, fake: FakeSlackAPI) -> None:
    """A report merged into another tells its reporter it was closed as a duplicate of that one."""
    first = report(bot, user="UTRIAGE2")
    second = report(bot)
    view = open_modal(bot, fake, second, "incident_merge", "UTRIAGE1")
    assert submit(bot, view, form_values(view, other=first), "UTRIAGE1") is None
    dm = wait_dms(fake, "UREPORTER", "duplicate", 1)[0]
    assert f"Your report *{second}* was closed as a duplicate of *{first}*" in texts(dm)


def test_reporter_can_stop_updates_for_one_incident(bot: Bot, fake: FakeSlackAPI) -> None:
    """The DM's button stops further DMs about that incident, for its reporter only."""
    key = report(bot)
    other = report(bot)
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    dm = as_message(wait_dms(fake, "UREPORTER", STOP, 1)[0])
    outsider = click(bot, fake, dm, STOP, user="UOTHER", channel="DUREPORTER")
    assert "Only the reporter" in texts(answer_to(fake, outsider))
    assert bot.services.incidents.get(key).reporter_updates is True
    name = click(bot, fake, dm, STOP, user="UREPORTER", channel="DUREPORTER")
    assert f"no more messages about *{key}*" in texts(answer_to(fake, name))
    assert bot.services.incidents.get(key).reporter_updates is False
    again = click(bot, fake, dm, STOP, user="UREPORTER", channel="DUREPORTER")
    assert "already" in texts(answer_to(fake, again))
    severity(bot, fake, key, "critical", "Worse than it looked")
    note(bot, fake, key, "after the severity")
    wait_replies(bot, fake, key, 3)  # delivered in order: a DM would have come before this
    assert len(dms(fake, "UREPORTER", STOP)) == 1
    click(bot, fake, post_of(bot, fake, other), "incident_ack", user="UTRIAGE1")
    assert other in texts(wait_dms(fake, "UREPORTER", STOP, 2)[-1])


def test_command_line_reporter_gets_no_dm(bot: Bot, fake: FakeSlackAPI) -> None:
    """A report from the command line (reporter ``cli:root``) sends no reporter DM."""
    outcome = bot.services.incidents.report(ReportRequest(text=THREAT, reporter_id="cli:root"))
    key = outcome.incident.key
    wait_until(lambda: bot.services.incidents.get(key).post_ts)
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    note(bot, fake, key, "after the ack")
    wait_replies(bot, fake, key, 2)
    assert dms(fake, "cli:root", "") == []
    assert STOP not in json.dumps([c.args for c in fake.calls_to("chat.postMessage")])


@pytest.fixture
def quiet_bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """The bot with SAFETYBOT_REPORTER_UPDATES off."""
    running = Bot(fake, settings_for(fake, db_url, reporter_updates=False)).start()
    yield running
    running.stop()


def test_workspace_setting_turns_reporter_dms_off(quiet_bot: Bot, fake: FakeSlackAPI) -> None:
    """With SAFETYBOT_REPORTER_UPDATES=false the reporter gets no update DMs; assignees still do."""
    bot = quiet_bot
    key = report(bot)
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    assert assign(bot, fake, key, "UTRIAGE2") is None
    resolve(bot, fake, key, "fixed", "Patched")
    note(bot, fake, key, "after the close")
    wait_replies(bot, fake, key, 4)
    assert dms(fake, "UREPORTER", STOP) == [] and dms(fake, "UREPORTER", "was closed") == []
    assert len(dms(fake, "UTRIAGE2", "assigned you")) == 1
