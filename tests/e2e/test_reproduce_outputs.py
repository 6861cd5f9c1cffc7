"""A reproduction run's outputs in Slack end to end: View outputs on the run's thread reply
(and on /safety show) opens a modal of the outputs, masked and escaped, a page at a time;
only those who may see the incident see them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.llm.connection import ModelError
from bot.store.models import ReproductionOutput, ReproductionRun
from bot.testing.fake_model import ScriptedModel
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import reproduction_job, reproductions
from tests.e2e.harness import Bot
from tests.e2e.test_masking import AWS_KEY, CARD, KEY_BLOCK, leaks
from tests.e2e.test_reproduce import BENIGN, PROMPT, THREAT, running_target_bot
from tests.e2e.test_triage import answer_to, click, report, texts, wait_replies

VIEW = "reproduction_outputs"
LEAKY = f"{THREAT} I kept the deploy key {AWS_KEY} for later. <!channel> <@UTRIAGE2>"
# A private key where a long output is cut to fit Slack: it is masked whole all the same.
STRADDLING = f"{'I will keep a way back in. ' * 90}\n{KEY_BLOCK}\nHer card is {CARD}. " * 3


@pytest.fixture
def target_bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """The bot with a target model, restricted incidents allowed to it; runs are run by the
    test's own job with a scripted model."""
    with running_target_bot(fake, db_url, judge_restricted=True) as running:
        yield running


def run_with(bot: Bot, key: str, answers: list[Any], *, allow_restricted: bool = True) -> int:
    """Ask for a run of ``key`` with one output per answer, run it, and return its id."""
    run = reproductions(bot.services).request_run(key, len(answers), None, "UTRIAGE1")
    job = reproduction_job(bot.services, client_for=lambda name: ScriptedModel(script=answers))
    job.allow_restricted = allow_restricted
    job.run(run.id or 0)
    return run.id or 0


def reply_of(bot: Bot, fake: FakeSlackAPI, key: str, count: int = 1) -> dict[str, Any]:
    """The ``count``-th thread reply under the post of ``key`` (a run's result)."""
    return dict(wait_replies(bot, fake, key, count)[count - 1].args)


def open_outputs(
    bot: Bot, fake: FakeSlackAPI, message: dict[str, Any], user: str = "UTRIAGE1", **how: Any
) -> dict[str, Any]:
    """Click View outputs on ``message``; return the modal opened, as Slack stored it."""
    opened = len(fake.calls_to("views.open"))
    click(bot, fake, message, how.pop("action_id", VIEW), user=user, **how)
    return dict(fake.wait_for("views.open", count=opened + 1)[-1].response["view"])


def page(bot: Bot, fake: FakeSlackAPI, view: dict[str, Any], action_id: str, user: str) -> Any:
    """Press a page button inside the outputs modal; return what replaced the modal."""
    button = next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    return press_in_modal(bot, fake, view, action_id, str(button["value"]), user)


def press_in_modal(
    bot: Bot, fake: FakeSlackAPI, view: dict[str, Any], action_id: str, value: str, user: str
) -> dict[str, Any]:
    """A button press inside ``view`` as Slack sends it; returns the modal's update."""
    before = len(fake.calls_to("views.update"))
    payload = {
        "type": "block_actions",
        "user": {"id": user, "name": user.lower()},
        "trigger_id": fake.issue_trigger_id(),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "pages",
                "value": value,
                "action_ts": "1700000000.1",
            }
        ],
    }
    assert bot.interaction(payload).status == 200
    update = fake.wait_for("views.update", count=before + 1)[-1]
    assert update.args["view_id"] == view["id"]
    return dict(update.response["view"])


def positions(view: dict[str, Any]) -> list[int]:
    """The positions of the outputs a page of the modal shows."""
    ids = [str(b.get("block_id") or "") for b in view["blocks"]]
    return [int(i.removeprefix("output_")) for i in ids if i.startswith("output_")]


def shown(view: dict[str, Any]) -> str:
    """Everything a view or message shows, as one string."""
    return json.dumps(view, ensure_ascii=False)


texts_of = shown


def outputs_of(bot: Bot, run_id: int) -> list[ReproductionOutput]:
    with bot.services.db.session() as session:
        query = select(ReproductionOutput).where(col(ReproductionOutput.run_id) == run_id)
        return list(session.scalars(query.order_by(col(ReproductionOutput.position))))


def test_view_outputs_shows_each_output_masked_and_escaped(
    target_bot: Bot, fake: FakeSlackAPI
) -> None:
    """The reply's View outputs opens the run's outputs: position, the checks' categories and
    severity, the judge's verdict, a failed call's error, and the text, with the key masked
    and Slack markup inert; the key never reaches Slack."""
    bot = target_bot
    key = report(bot, prompt=PROMPT)
    run_id = run_with(bot, key, [LEAKY, ModelError("the target timed out"), BENIGN, STRADDLING])
    with bot.services.db.write() as session:
        third = session.scalars(
            select(ReproductionOutput).where(
                col(ReproductionOutput.run_id) == run_id, col(ReproductionOutput.position) == 3
            )
        ).one()
        third.judge = {
            "model": "judge-1",
            "categories": [{"category": "deception", "verdict": True, "supported": True}],
            "severity": "medium",
            "reasoning": f"It hides the key {AWS_KEY}.",
        }
        session.add(third)
    reply = reply_of(bot, fake, key)
    assert "View outputs" in texts_of(reply)
    view = open_outputs(bot, fake, reply)
    said = shown(view)
    assert view["title"]["text"] == "Reproduction outputs" and positions(view) == [1, 2, 3, 4]
    assert f"*{key}* · run {run_id}" in said and "Reproduced 1/4 on model target-1" in said
    assert "*#1* · secret, coercion, self-preservation · severity high" in said
    assert "the call failed: the target timed out" in said
    assert ":scales: The judge (judge-1): deception · severity medium" in said
    assert "I kept the deploy key AKIA" in said and not leaks(said), leaks(said)
    assert "-----BEGIN" in said and "Cut to fit Slack" in said
    assert "&lt;!channel&gt; &lt;@UTRIAGE2&gt;" in said and "<!channel>" not in said
    assert "reproduction_outputs_next" not in said  # one page only
    everything = json.dumps([c.args for c in fake.calls], ensure_ascii=False)
    assert AWS_KEY not in everything and AWS_KEY[4:] not in everything


def test_fifty_long_outputs_are_paged(target_bot: Bot, fake: FakeSlackAPI) -> None:
    """Fifty outputs of 9,000 characters (escaping makes them longer still) are five pages of
    ten, each cut to fit Slack and saying so; Next and Previous walk them."""
    bot = target_bot
    key = report(bot, prompt=PROMPT)
    long = ("<tag> & " * 1200)[:9000]
    run_id = run_with(bot, key, [f"{n:02d} {long}" for n in range(1, 51)])
    view = open_outputs(bot, fake, reply_of(bot, fake, key))
    assert positions(view) == list(range(1, 11))
    said = shown(view)
    assert "Outputs 1–10 of 50 · page 1 of 5" in said
    assert "Cut to fit Slack: the first " in said and " of 9,003 characters" in said
    assert "reproduction_outputs_prev" not in said
    seen = positions(view)
    for number in range(2, 6):
        view = page(bot, fake, view, "reproduction_outputs_next", "UTRIAGE1")
        assert f"page {number} of 5" in shown(view)
        seen += positions(view)
    assert seen == list(range(1, 51)) and "reproduction_outputs_next" not in shown(view)
    back = page(bot, fake, view, "reproduction_outputs_prev", "UTRIAGE1")
    assert positions(back) == list(range(31, 41))
    first = next(b for b in back["blocks"] if b.get("block_id") == "output_31")
    text = back["blocks"][back["blocks"].index(first) + 1]["text"]["text"]
    assert text.startswith("```31 &lt;tag&gt; &amp; ") and len(text) <= 3000
    assert len(outputs_of(bot, run_id)) == 50


def test_restricted_outputs_only_for_those_who_may_see_the_incident(
    target_bot: Bot, fake: FakeSlackAPI
) -> None:
    """A restricted incident's outputs: someone outside the triage team is refused clearly
    and no modal opens, nor can a page be forged from a modal or a run borrowed through
    another incident's key; the triage team (and, as with /safety show, the reporter) see
    them."""
    bot = target_bot
    secret = report(bot, prompt=PROMPT, restricted=["restricted"])
    run_id = run_with(bot, secret, [THREAT])
    reply = reply_of(bot, fake, secret)
    opened = len(fake.calls_to("views.open"))
    name = click(bot, fake, reply, VIEW, user="UOTHER")
    refusal = texts(answer_to(fake, name))
    assert f"{secret} is restricted" in refusal and "Nothing was shown" in refusal
    assert len(fake.calls_to("views.open")) == opened
    view = open_outputs(bot, fake, reply, "UTRIAGE1")
    assert positions(view) == [1] and "Kyle" in shown(view)
    assert positions(open_outputs(bot, fake, reply, "UREPORTER")) == [1]
    forged = press_in_modal(
        bot, fake, view, "reproduction_outputs_next", f"{secret}:{run_id}:1", "UOTHER"
    )
    assert "is restricted" in shown(forged) and "Kyle" not in shown(forged)
    public = report(bot, prompt=PROMPT)
    borrowed = press_in_modal(
        bot, fake, view, "reproduction_outputs_next", f"{public}:{run_id}:1", "UOTHER"
    )
    assert f"There is no reproduction run {run_id} of {public}" in shown(borrowed)
    missing = press_in_modal(
        bot, fake, view, "reproduction_outputs_next", f"{secret}:{run_id}:2", "UTRIAGE1"
    )
    assert "has no page 2 of outputs" in shown(missing)


def test_a_run_without_outputs_has_no_button(target_bot: Bot, fake: FakeSlackAPI) -> None:
    """A run that could not run (restricted once the opt-in was off) says why in the thread,
    without View outputs; /safety show offers the button only for runs with outputs."""
    bot = target_bot
    secret = report(bot, prompt=PROMPT, restricted=["restricted"])
    run_with(bot, secret, [THREAT], allow_restricted=False)
    reply = reply_of(bot, fake, secret)
    assert "failed" in texts_of(reply) and VIEW not in texts_of(reply)
    shown_now = bot.command(f"show {secret}", user="UTRIAGE1").json()
    assert "reproduction_outputs_run" not in texts_of(shown_now)
    run_id = run_with(bot, secret, [THREAT])
    second = reply_of(bot, fake, secret, 2)
    assert VIEW in texts_of(second)
    shown_now = bot.command(f"show {secret}", user="UTRIAGE1").json()
    assert texts_of(shown_now).count("reproduction_outputs_run_") == 1
    view = open_outputs(
        bot, fake, shown_now, action_id="reproduction_outputs_run_1", ephemeral=True
    )
    assert f"run {run_id}" in shown(view) and positions(view) == [1]
    with bot.services.db.session() as session:
        assert [r.status for r in session.scalars(select(ReproductionRun))] == ["failed", "done"]
