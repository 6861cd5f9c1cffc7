"""Editing an incident's details in Slack end to end: Details… on the post opens the modal,
and its submission changes the incident, the timeline, the post and the thread."""

from __future__ import annotations

import json
from typing import Any

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import Bot, form_values, wait_until
from tests.e2e.test_triage import (
    answer_to,
    click,
    kinds,
    open_modal,
    post_of,
    report,
    submit,
    texts,
    wait_replies,
)

BUTTON = "incident_details"


def inputs(view: dict[str, Any]) -> dict[str, str]:
    """The initial value of each input of ``view`` ("" for none)."""
    return {
        b["block_id"]: b["element"].get("initial_value", "")
        for b in view["blocks"]
        if b["type"] == "input"
    }


def test_details_edited_from_the_post(bot: Bot, fake: FakeSlackAPI) -> None:
    """Details… opens prefilled; saving changes only what was typed, with one timeline event,
    a thread reply saying what changed and the post redrawn; saving again changes nothing."""
    key = report(bot, model="orion-7b 2026-11-02")
    view = open_modal(bot, fake, key, BUTTON, "UTRIAGE1")
    assert view["callback_id"] == "triage_details"
    assert inputs(view) == {
        "model": "orion-7b 2026-11-02",
        "eval": "",
        "run": "",
        "sample": "",
        "epoch": "",
        "file": "",
    }
    values = form_values(view, eval="agentic-misalignment", sample="s-7", epoch="2")
    assert submit(bot, view, values, "UTRIAGE1") is None
    incident = bot.services.incidents.get(key)
    assert (incident.eval_name, incident.sample_id, incident.epoch) == (
        "agentic-misalignment",
        "s-7",
        2,
    )
    assert (incident.model_name, incident.model_version, incident.run_id) == (
        "orion-7b",
        "2026-11-02",
        None,
    )
    assert kinds(bot, key) == ["reported", "details"]
    reply = texts(wait_replies(bot, fake, key, 1)[0])
    assert "<@UTRIAGE1> edited the details of *AIS-1*" in reply
    assert "eval: – → agentic-misalignment; sample: – → s-7; epoch: – → 2" in reply
    wait_until(
        lambda: (
            "eval agentic-misalignment · sample s-7 · epoch 2"
            in json.dumps(post_of(bot, fake, key)["blocks"], ensure_ascii=False)
        ),
        what="the post to show the new details",
    )
    again = open_modal(bot, fake, key, BUTTON, "UTRIAGE1")
    assert inputs(again)["sample"] == "s-7" and inputs(again)["epoch"] == "2"
    assert submit(bot, again, form_values(again), "UTRIAGE1") is None
    assert kinds(bot, key) == ["reported", "details"]


def test_bad_values_are_refused_in_the_modal(bot: Bot, fake: FakeSlackAPI) -> None:
    """A bad epoch or a too long version is shown beside its input and changes nothing."""
    key = report(bot)
    view = open_modal(bot, fake, key, BUTTON, "UTRIAGE1")
    refused = submit(bot, view, form_values(view, eval="renamed", epoch="-1"), "UTRIAGE1")
    assert refused["response_action"] == "errors"
    assert "epoch must be a whole number" in refused["errors"]["epoch"]
    too_long = form_values(view, model="orion " + "v" * 201)
    refused = submit(bot, view, too_long, "UTRIAGE1")
    assert "the limit is 200" in refused["errors"]["model"]
    assert bot.services.incidents.get(key).eval_name is None
    assert kinds(bot, key) == ["reported"]


def test_a_change_made_meanwhile_is_not_overwritten(bot: Bot, fake: FakeSlackAPI) -> None:
    """A form opened before someone else changed the details is refused and changes nothing."""
    key = report(bot)
    stale = open_modal(bot, fake, key, BUTTON, "UTRIAGE1")
    fresh = open_modal(bot, fake, key, BUTTON, "UTRIAGE2")
    assert submit(bot, fresh, form_values(fresh, run="run-2"), "UTRIAGE2") is None
    refused = submit(bot, stale, form_values(stale, sample="s-1"), "UTRIAGE1")
    assert "changed while this form was open" in refused["errors"]["model"]
    incident = bot.services.incidents.get(key)
    assert (incident.run_id, incident.sample_id) == ("run-2", None)


def test_only_the_triage_team_edits_details(bot: Bot, fake: FakeSlackAPI) -> None:
    """The reporter's click on Details… is refused ephemerally and opens nothing; a forged
    submission by them changes nothing."""
    key = report(bot, restricted=["restricted"])
    opened = len(fake.calls_to("views.open"))
    name = click(bot, fake, post_of(bot, fake, key), BUTTON, user="UREPORTER")
    assert "only the safety triage team can edit the details of" in texts(answer_to(fake, name))
    assert len(fake.calls_to("views.open")) == opened
    view = open_modal(bot, fake, key, BUTTON, "UTRIAGE1")
    refused = submit(bot, view, form_values(view, eval="mine"), "UREPORTER")
    assert "only the safety triage team" in refused["errors"]["model"]
    assert kinds(bot, key) == ["reported"]


def test_a_closed_incident_can_be_corrected(bot: Bot, fake: FakeSlackAPI) -> None:
    """A closed incident's post keeps Details…, and its details can still be corrected."""
    key = report(bot)
    bot.services.incidents.transition(key, "closed", actor="UTRIAGE2", resolution="false_positive")
    wait_until(lambda: "incident_reopen" in json.dumps(post_of(bot, fake, key)["blocks"]))
    view = open_modal(bot, fake, key, BUTTON, "UTRIAGE1")
    assert submit(bot, view, form_values(view, eval="renamed"), "UTRIAGE1") is None
    assert bot.services.incidents.get(key).eval_name == "renamed"
    assert bot.services.incidents.get(key).status == "closed"
