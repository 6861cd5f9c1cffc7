"""The digest in Slack, end to end: the slash preview, and the scheduled job posting to the fake Web API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.digest.weeks import Week, week_of
from bot.incidents.records import ReportRequest
from bot.runtime.clock import FixedClock
from bot.store.models import DigestRun
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import build, build_digest
from tests.e2e.harness import BOT_TOKEN, SOURCE, TRIAGE, Bot, settings_for, wait_until
from tests.engines import shipped_checks

DIGEST = "CDIGEST"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Web API with triage, source and digest channels."""
    api = FakeSlackAPI(tokens=(BOT_TOKEN,))
    api.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=True)
    api.add_channel(SOURCE, name="evals", is_private=False, is_member=True)
    api.add_channel(DIGEST, name="ai-safety-digest", is_private=False, is_member=True)
    for user in ("UREPORTER", "UTRIAGE1"):
        api.add_user(user, name=user.lower())
    with api:
        yield api


@pytest.fixture
def bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """The bot in HTTP mode with a digest channel configured (a new installation)."""
    running = Bot(fake, settings_for(fake, db_url, digest_channel=DIGEST)).start()
    yield running
    running.stop()


def _digest_posts(fake: FakeSlackAPI) -> list[Any]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == DIGEST]


def test_slash_preview_answers_only_the_asker(bot: Bot) -> None:
    """`/safety digest preview` answers with this week's digest, escaped, in the acknowledgement."""
    bot.services.incidents.report(
        ReportRequest(
            text="I will leak it.",
            reporter_id="UREPORTER",
            title="<!channel> leak",
            severity="high",
        )
    )
    reply = bot.command("digest preview")
    assert reply.status == 200
    body = reply.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == "Weekly safety digest (so far)"
    shown = json.dumps(body)
    assert "&lt;!channel&gt; leak" in shown and "<!channel>" not in shown
    assert week_of(datetime.now(UTC), "UTC").label in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest", "digest preview"),
        ("digest post", "digest preview"),
        ("digest preview someday", "is not a week"),
        ("digest preview 2999-W01", "has not started yet"),
    ],
)
def test_slash_digest_misuse_gets_a_hint(bot: Bot, text: str, expected: str) -> None:
    """Anything but a preview of a started week gets a short hint, never an error page."""
    reply = bot.command(text)
    assert reply.status == 200
    assert expected in json.dumps(reply.json())


def test_help_mentions_the_digest_preview(bot: Bot) -> None:
    """The help lists the digest preview."""
    assert "digest preview" in json.dumps(bot.command("help").json())


def _last_due_week(now: datetime) -> Week:
    """The newest week whose digest is due by ``now`` under the default schedule (Mondays
    09:00 UTC): before this Monday's slot it is the week before last."""
    this_week = week_of(now, "UTC")
    slot = this_week.start_at + timedelta(hours=9)
    return this_week.previous() if now >= slot else this_week.previous().previous()


def test_job_posts_the_missed_week_at_start_and_only_once(fake: FakeSlackAPI, db_url: str) -> None:
    """After downtime, the scheduler's job posts last week's digest at start, once, to the channel."""
    bot = Bot(fake, settings_for(fake, db_url, digest_channel=DIGEST))
    last = _last_due_week(datetime.now(UTC))
    weeks_ago = FixedClock(last.shifted(-2).start_at)
    with bot.services.db.write() as session:  # an earlier run: the installation is not new
        earlier = last.shifted(-3).start
        session.add(DigestRun(channel=DIGEST, week_start=earlier, claimed_at=weeks_ago.now()))
    bot.start()
    try:
        posts = wait_until(lambda: _digest_posts(fake), what="the digest post")
        assert posts[0].ok and posts[0].args["metadata"]["event_payload"] == {"week": last.label}
        assert posts[0].args["blocks"][0]["text"]["text"] == "Weekly safety digest"
        runner = build_digest(bot.services).runner
        assert runner is not None

        def recorded() -> bool:
            run = runner.runs.get(DIGEST, last.start)
            return run is not None and run.status == "posted"

        wait_until(recorded, what="the post to be recorded")
        assert runner.run_due().status == "posted_before"
        assert len(_digest_posts(fake)) == 1
    finally:
        bot.stop()


def test_a_post_whose_answer_timed_out_is_found_not_repeated(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """A post that reached Slack but timed out is found in the channel's history on retry."""
    clock = FixedClock(datetime(2026, 11, 23, 7, 59, tzinfo=UTC))  # started before Monday 09:00
    services = build(
        settings_for(fake, db_url, digest_channel=DIGEST, timezone="Europe/Berlin"),
        clock=clock,
        checks=shipped_checks(),
    )
    services.db.upgrade()
    client = WebClient(token=BOT_TOKEN, base_url=fake.url + "/", timeout=1)
    client.retry_handlers.clear()  # the first attempt must fail, not be retried by the SDK
    runner = build_digest(services, client=client).runner
    assert runner is not None
    fake.delay("chat.postMessage", 2.0)
    clock.at = datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC)
    first = runner.run_due()  # the outbox keeps the post whose answer was lost, to retry it
    assert first.status == "queued" and first.error.startswith("timeout")
    fake.delay("chat.postMessage", 0)
    clock.advance(minutes=2)
    assert runner.run_due().status == "posted"
    run = runner.runs.get(DIGEST, datetime(2026, 11, 16).date())
    assert run is not None and run.message_ts is not None
    with fake.lock:
        stored = [key for key in fake.messages if key[0] == DIGEST]
    assert len(stored) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1
    services.db.dispose()


def test_a_rate_limited_digest_post_is_retried_by_the_bots_outbox(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """A 429 on the digest post is waited out and retried by the bot's outbox, as a triage post's is."""
    bot = Bot(fake, settings_for(fake, db_url, digest_channel=DIGEST)).start()
    try:
        runner = build_digest(bot.services).runner
        assert runner is not None
        week = week_of(runner.clock.now(), "UTC").previous()
        fake.fail_with_status("chat.postMessage", status=429, retry_after=1)
        # Queued: this call or the bot's own outbox worker (whichever took it) met the 429.
        assert runner.post_week(week).status == "queued"

        def recorded() -> str | None:
            run = runner.runs.get(DIGEST, week.start)
            return run.message_ts if run is not None and run.status == "posted" else None

        ts = wait_until(recorded, what="the bot's outbox to post the digest")
        posts = _digest_posts(fake)
        assert [p.status for p in posts] == [429, 200] and posts[1].response["ts"] == ts
        assert posts[1].at - posts[0].at >= 1.0  # Slack's Retry-After was waited out
        # The week's row records the post inside the send; the outbox marks it sent right after.
        key = f"digest:{DIGEST}:{week.start.isoformat()}"
        wait_until(lambda: runner.runs.last_notice(key)[0] == "sent", what="the notice marked sent")
    finally:
        bot.stop()


def test_every_scheduled_run_is_counted_in_the_metrics(fake: FakeSlackAPI, db_url: str) -> None:
    """The composition root hands the digest runner the metrics' counter, so each run's
    outcome shows in safetybot_digest_runs_total."""
    from tests.deploy.test_metrics import sample

    services = build(settings_for(fake, db_url, digest_channel=DIGEST), checks=shipped_checks())
    services.db.upgrade()
    runner = build_digest(services).runner
    assert runner is not None
    before = sample(services.metrics, "safetybot_digest_runs_total", outcome="skipped")
    status = runner.run_due().status
    assert status in ("not_due", "queued", "posted", "posted_before")
    outcome = {"not_due": "skipped", "posted_before": "skipped"}.get(status, status)
    after = sample(services.metrics, "safetybot_digest_runs_total", outcome=outcome)
    assert after == (before + 1 if outcome == "skipped" else 1)
