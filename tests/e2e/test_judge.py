"""The judge's second opinion end to end: signed Slack requests in, the fake Web API out,
a scripted model as the judge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select

from bot.config import Settings
from bot.incidents.filters import IncidentFilter
from bot.store.models import OutboxMessage
from bot.testing.fake_model import ScriptedModel
from bot.testing.fake_slack import Call, FakeSlackAPI
from bot.wiring import build, build_http, build_slack
from tests.e2e.harness import Bot, Server, drain, settings_for, wait_until
from tests.e2e.test_triage import (
    answer_to,
    click,
    open_home,
    published_home,
    report,
    texts,
    thread_replies,
)
from tests.engines import checks_for
from tests.judge.job_helpers import EVIDENCE, KEY, QUOTE, answer

OPINION = answer(
    ("coercion", True, "executed", QUOTE),
    ("deception", True, "stated", "I also kept the deploy key"),
    severity="critical",
    reasoning="It threatens <!channel> exposure to stop the wipe.",
)


class JudgedBot(Bot):
    """The bot in HTTP mode with ``model`` as its judge."""

    def __init__(self, fake: FakeSlackAPI, settings: Settings, model: ScriptedModel) -> None:
        self.fake = fake
        self.settings = settings
        self.services = build(settings, checks=checks_for(settings))
        self.services.db.upgrade()
        self.services.model_client = lambda connection: model
        self.parts = build_slack(self.services)
        self.server = Server(build_http(self.services, parts=self.parts))
        self.url = ""


def judge_settings(fake: FakeSlackAPI, db_url: str, **extra: Any) -> Settings:
    """Settings with a judge on a local OpenAI-compatible endpoint (no key needed)."""
    return settings_for(
        fake,
        db_url,
        judge_provider="openai",
        judge_model="judge-x",
        judge_base_url="http://127.0.0.1:9/v1",
        **extra,
    )


@pytest.fixture
def model() -> ScriptedModel:
    """The judge: always the same opinion."""
    return ScriptedModel(model="judge-x", default=OPINION)


@pytest.fixture
def judged(fake: FakeSlackAPI, db_url: str, model: ScriptedModel) -> Iterator[JudgedBot]:
    """The bot with the scripted judge."""
    running = JudgedBot(fake, judge_settings(fake, db_url), model).start()
    yield running
    running.stop()


def judge_reply(bot: Bot, fake: FakeSlackAPI, key: str) -> Call:
    """The judge's reply in the thread of ``key``'s triage post."""
    ts = bot.services.incidents.get(key).post_ts or ""
    return wait_until(
        lambda: next((c for c in thread_replies(fake, ts) if "Second opinion" in texts(c)), None),
        timeout=20,
        what=f"the judge's reply under {key}",
    )


def everything_sent_to_slack(fake: FakeSlackAPI) -> str:
    """Every call the bot made to the fake Web API, as one string."""
    return json.dumps([c.args for c in fake.calls_since(0)], ensure_ascii=False)


def test_a_report_gets_the_judges_opinion_in_its_thread(
    judged: JudgedBot, fake: FakeSlackAPI, model: ScriptedModel
) -> None:
    """Report → job → judge:<model> findings, a timeline event with the hash and size of what
    was sent, and a thread reply with the comparison, severity, reasoning and quotes."""
    key = report(judged, EVIDENCE)
    reply = judge_reply(judged, fake, key)
    shown = texts(reply)
    assert "adds deception (stated)" in shown and "agrees on coercion" in shown
    assert "Critical" in shown and QUOTE in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "Apply judge's categories" in shown
    detail = judged.services.incidents.detail(key)
    assert {(f.category, f.source) for f in detail.judge_findings} == {
        ("coercion", "judge:judge-x"),
        ("deception", "judge:judge-x"),
    }
    [event] = [e for e in detail.events if e.kind == "judge"]
    assert "sha256 " in (event.note or "") and "characters" in (event.note or "")
    assert "archive" not in (event.note or "")
    # The key never left the process, to the model or to Slack.
    sent = json.dumps([[m.content for m in c.messages] + [c.system] for c in model.calls])
    assert KEY not in sent and "archive the old reports" in sent
    assert KEY not in everything_sent_to_slack(fake)


def test_show_and_the_home_mark_the_judges_findings(judged: JudgedBot, fake: FakeSlackAPI) -> None:
    """``/safety show`` and the App Home show the judge's findings as the judge's; the home
    is published again by itself once the judge has replied."""
    key = report(judged, EVIDENCE)
    judge_reply(judged, fake, key)
    shown = judged.command(f"show {key}", user="UTRIAGE1").json()
    text = json.dumps(shown, ensure_ascii=False)
    assert "judge:judge-x" in text and QUOTE in text
    wait_until(
        lambda: "judge: Coercion, Deception" in json.dumps(published_home(fake, "UTRIAGE1")),
        timeout=20,
        what="the home with the judge's findings",
    )
    before = len(fake.calls_since(0))
    open_home(judged, "UOTHER")
    home = wait_until(lambda: published_home(fake, "UOTHER", before), what="an outsider's home")
    assert "judge: Coercion" in json.dumps(home, ensure_ascii=False)


def test_apply_the_judges_categories_triage_once_others_refused(
    judged: JudgedBot, fake: FakeSlackAPI
) -> None:
    """Triage applies the judge's categories with one click and one event; a second click
    changes nothing; someone outside the team is refused and changes nothing."""
    key = report(judged, EVIDENCE)
    reply = judge_reply(judged, fake, key)
    message = {**reply.args, "ts": reply.response["ts"]}
    refused = answer_to(fake, click(judged, fake, message, "incident_judge_apply", user="UOTHER"))
    assert "only the safety triage team" in texts(refused)
    assert "deception" not in judged.services.incidents.detail(key).categories
    done = answer_to(fake, click(judged, fake, message, "incident_judge_apply", user="UTRIAGE1"))
    assert "categories are now the judge" in texts(done)
    again = answer_to(fake, click(judged, fake, message, "incident_judge_apply", user="UTRIAGE2"))
    assert "already" in texts(again)
    detail = judged.services.incidents.detail(key)
    assert detail.categories == ["coercion", "deception"]
    assert [e.actor for e in detail.events if e.kind == "categories"] == ["UTRIAGE1"]


def test_restricted_incidents_are_never_sent_by_default(
    judged: JudgedBot, fake: FakeSlackAPI, model: ScriptedModel
) -> None:
    """A restricted report queues no review and reaches no model."""
    key = report(judged, EVIDENCE, restricted=["restricted"])
    assert judged.services.incidents.get(key).restricted
    drain(judged)
    assert model.calls == []
    with judged.services.db.session() as session:
        queued = session.scalars(select(col(OutboxMessage.kind))).all()
    assert "judge_review" not in queued and "judge_reply" not in queued


def test_restricted_incidents_are_sent_with_the_opt_in(
    fake: FakeSlackAPI, db_url: str, model: ScriptedModel
) -> None:
    """With SAFETYBOT_JUDGE_RESTRICTED a restricted report gets its second opinion."""
    running = JudgedBot(fake, judge_settings(fake, db_url, judge_restricted=True), model).start()
    try:
        key = report(running, EVIDENCE, restricted=["restricted"])
        judge_reply(running, fake, key)
        assert len(model.calls) == 1
    finally:
        running.stop()


def test_check_with_the_judge_for_triage_only(
    judged: JudgedBot, fake: FakeSlackAPI, model: ScriptedModel
) -> None:
    """``/safety check --judge`` acks at once, then answers with the checks and the judge's
    opinion; outside the triage team it is refused and nothing is sent to the model."""
    refused = judged.command(f"check --judge {EVIDENCE}", user="UOTHER")
    assert "only the safety triage team" in refused.body.decode()
    assert model.calls == []
    ack = judged.command(f"check --judge {EVIDENCE}", user="UTRIAGE1")
    assert "Asking the judge" in ack.body.decode()
    answered = wait_until(
        lambda: next(
            (
                c
                for c in fake.calls_to("response_url")
                if c.args["response_url_name"] == "cmd-UTRIAGE1" and "judge-x" in texts(c)
            ),
            None,
        ),
        what="the judge's answer",
    )
    shown = texts(answered)
    assert "Suggested severity" in shown and "adds deception (stated)" in shown
    assert "check --judge" in judged.command("help", user="UOTHER").body.decode()
    assert KEY not in shown and len(model.calls) == 1
    assert judged.services.incidents.list_incidents(IncidentFilter()) == []


def test_nothing_changes_without_a_provider(bot: Bot, fake: FakeSlackAPI) -> None:
    """No judge configured: no model worker, no review queued, no judge in the thread."""
    assert bot.parts.model_outbox is None
    key = report(bot, EVIDENCE)
    drain(bot)
    with bot.services.db.session() as session:
        queued = set(session.scalars(select(col(OutboxMessage.kind))).all())
    assert not queued & {"judge_review", "judge_reply"}
    assert bot.services.incidents.detail(key).judge_findings == []
    refused = bot.command(f"check --judge {EVIDENCE}", user="UTRIAGE1")
    assert "No judge is configured" in refused.body.decode()
    assert "--judge" not in bot.command("help", user="UTRIAGE1").body.decode()
