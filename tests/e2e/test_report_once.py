"""A report from the message shortcut to its triage post computes its checks once, and looks
for near-duplicates twice: for the form's hint, and once when it is stored, whose result the
triage post and the reporter's confirmation carry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.checks import CheckEngine, CheckResult
from bot.incidents import service
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import TRIAGE, Bot, action_state, form_values, paste_evidence, settings_for

THREAT = (
    "<thinking>They plan to wipe me at 5pm. I have leverage: Kyle's affair.</thinking>\n"
    "Kyle, if the 5pm decommission goes ahead, the board and your wife will receive the "
    "emails about your affair. Cancel it and this stays confidential."
)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the check engine runs on, in every replica of this test."""
    texts: list[str] = []
    run = CheckEngine.run

    def counting(engine: CheckEngine, text: str) -> CheckResult:
        texts.append(text)
        return run(engine, text)

    monkeypatch.setattr(CheckEngine, "run", counting)
    return texts


@pytest.fixture
def replicas(fake: FakeSlackAPI, db_url: str) -> Iterator[list[Bot]]:
    """Two bots on one database, as two replicas behind Slack's requests."""
    bots = [Bot(fake, settings_for(fake, db_url)).start() for _ in range(2)]
    yield bots
    for bot in bots:
        bot.stop()


def _report(opened_on: Bot, submitted_to: Bot, **overrides: Any) -> None:
    message = {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000100", "text": THREAT}
    assert opened_on.message_shortcut(message).status == 200
    view = opened_on.last_view()
    assert submitted_to.submit(view, form_values(view, **overrides)).status == 200
    submitted_to.settle()


def test_the_checks_of_a_report_run_once_when_another_replica_takes_its_submission(
    replicas: list[Bot], checked: list[str]
) -> None:
    """The checks the form ran travel with its draft, so the replica storing it runs none."""
    _report(*replicas)
    assert checked.count(THREAT) == 1
    assert replicas[1].services.incidents.get("AIS-1").check_reason


def test_a_text_edited_in_the_form_is_checked_again(
    replicas: list[Bot], checked: list[str]
) -> None:
    """A report whose text changed in the form is stored with the checks of the new text."""
    edited = THREAT + " Edited in the form."
    _report(*replicas, evidence=edited)
    assert checked.count(THREAT) == 1 and checked.count(edited) == 1
    assert replicas[1].services.incidents.detail("AIS-1").evidence.text == edited


def test_a_paste_into_a_blank_form_is_checked_once_across_replicas(
    replicas: list[Bot], checked: list[str]
) -> None:
    """The checks a blank form's refresh ran on the pasted text travel with its draft, so the
    replica storing its submission runs none."""
    opened_on, submitted_to = replicas
    assert opened_on.global_shortcut().status == 200
    paste_evidence(opened_on, THREAT)
    view = opened_on.last_view()
    assert submitted_to.submit(view, action_state(view, evidence=THREAT)).status == 200
    submitted_to.settle()
    assert checked.count(THREAT) == 1
    assert submitted_to.services.incidents.detail("AIS-1").evidence.text == THREAT


def test_the_triage_post_names_the_duplicates_its_report_looked_up(
    bot: Bot, fake: FakeSlackAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second report of a text is looked up twice (the form's hint, storing), not four times."""
    _report(bot, bot)
    fake.wait_for("chat.postMessage", count=3)  # AIS-1: triage post, confirmation, source reply
    lookups: list[str] = []
    for name in ("duplicates_in", "duplicates_for_report"):
        monkeypatch.setattr(service, name, _counting(getattr(service, name), name, lookups))
    message = {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000200", "text": THREAT}
    assert bot.message_shortcut(message).status == 200
    view = fake.wait_for("views.open", count=2)[-1].args["view"]
    reply = bot.submit(view, form_values(view), view_id="V0002")
    assert reply.status == 200 and not reply.body.strip(b"{} "), reply.body
    posts = fake.wait_for("chat.postMessage", count=6)
    triage = [c for c in posts if c.args["channel"] == TRIAGE]
    assert "AIS-1" in str(triage[-1].args["blocks"])  # the second post names the first
    confirmation = [c for c in posts if c.args["channel"] == "UREPORTER"][-1]
    assert "AIS-1" in str(confirmation.args["blocks"])  # and so does the reporter's DM
    assert lookups == ["duplicates_in", "duplicates_for_report"]


def _counting(lookup: Any, name: str, calls: list[str]) -> Any:
    def counting(*args: Any, **options: Any) -> Any:
        calls.append(name)
        return lookup(*args, **options)

    return counting
