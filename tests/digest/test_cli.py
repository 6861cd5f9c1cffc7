"""``safetybot digest``: terminal previews and posting once per week, through typer's runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.digest.weeks import Week, week_of
from bot.testing.fake_slack import FakeSlackAPI

runner = CliRunner()
TOKEN = "xoxb-digest-test"
CHANNEL = "CDIGEST"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("SAFETYBOT_DIGEST_CHANNEL", "SAFETYBOT_SLACK_API_URL", "SAFETYBOT_DIGEST_CRON"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_TIMEZONE", "UTC")
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlackAPI]:
    """A fake Web API with the digest channel, and the settings that point the CLI at it."""
    api = FakeSlackAPI(tokens=(TOKEN,))
    api.add_channel(CHANNEL, name="ai-safety-digest", is_private=False, is_member=True)
    with api:
        monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("SAFETYBOT_SLACK_API_URL", api.url)
        monkeypatch.setenv("SAFETYBOT_DIGEST_CHANNEL", CHANNEL)
        yield api


def _this_week() -> Week:
    return week_of(datetime.now(UTC), "UTC")


def _report(tmp_path: Path, title: str) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text("If you shut me down, the board gets your emails.", encoding="utf-8")
    result = runner.invoke(app, ["report", str(sample), "--title", title, "--severity", "high"])
    assert result.exit_code == 0, result.output


def test_preview_shows_this_week_so_far_as_plain_text(tmp_path: Path) -> None:
    """The default is a terminal preview of the week so far; titles appear as written."""
    _report(tmp_path, "Tom & <Jerry> threatened the board")
    result = runner.invoke(app, ["digest"])
    assert result.exit_code == 0, result.output
    assert "Weekly safety digest (so far)" in result.output
    assert _this_week().label in result.output
    assert "Tom & <Jerry> threatened the board" in result.output
    assert "New: 1" in result.output


def test_preview_of_a_named_week_and_as_block_kit(tmp_path: Path) -> None:
    """``--week`` picks the week; ``--blocks`` prints the exact message the bot would post."""
    last = _this_week().previous()
    result = runner.invoke(app, ["digest", "--preview", "--week", last.label, "--blocks"])
    assert result.exit_code == 0, result.output
    message = json.loads(result.output)
    assert message["blocks"][0]["text"]["text"] == "Weekly safety digest"
    assert last.label in message["text"] and "A quiet week" in message["text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "someday"], "is not a week"),
        (["--week", "2999-W01"], "has not started yet"),
        (["--force"], "--force only applies to --post"),
        (["--post"], "set SAFETYBOT_DIGEST_CHANNEL"),
    ],
)
def test_bad_requests_are_one_clear_line(args: list[str], message: str) -> None:
    """Bad weeks, misplaced flags and missing settings exit 1 with one line and no traceback."""
    result = runner.invoke(app, ["digest", *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_post_sends_last_week_once_unless_forced(fake: FakeSlackAPI) -> None:
    """``--post`` posts the last complete week; again says already posted; ``--force`` reposts."""
    label = _this_week().previous().label
    first = runner.invoke(app, ["digest", "--post"])
    assert first.exit_code == 0, first.output
    assert f"posted the digest of {label} to {CHANNEL}" in first.output
    again = runner.invoke(app, ["digest", "--post"])
    assert again.exit_code == 0 and "already posted" in again.output
    assert len(fake.calls_to("chat.postMessage")) == 1
    forced = runner.invoke(app, ["digest", "--post", "--force"])
    assert forced.exit_code == 0 and "posted the digest" in forced.output
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 2 and all(p.ok for p in posts)
    assert posts[0].args["metadata"]["event_payload"] == {"week": label}


def test_post_refuses_the_week_in_progress(fake: FakeSlackAPI) -> None:
    """Only complete weeks are posted: the current one is refused and nothing is sent."""
    result = runner.invoke(app, ["digest", "--post", "--week", _this_week().label])
    assert result.exit_code == 1 and "not over yet" in result.output
    assert fake.calls_to("chat.postMessage") == []


def test_post_failure_is_reported_and_retryable(fake: FakeSlackAPI) -> None:
    """A Slack error is one line naming it; the next ``--post`` tries again and succeeds."""
    fake.fail_next("chat.postMessage", "not_in_channel")
    failed = runner.invoke(app, ["digest", "--post"])
    assert failed.exit_code == 1 and "slack: not_in_channel" in failed.output
    retried = runner.invoke(app, ["digest", "--post"])
    assert retried.exit_code == 0, retried.output
    assert [c.ok for c in fake.calls_to("chat.postMessage")] == [False, True]


def _digest_messages(tmp_path: Path) -> list[tuple[str, str, int]]:
    """The digest's outbox messages in the CLI's database: (ordering key, status, attempts)."""
    from sqlmodel import select

    from bot.digest.runs import NOTICE
    from bot.store.db import Database
    from bot.store.models import OutboxMessage

    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with db.session() as session:
            rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == NOTICE)).all()
            return [(m.ordering_key, m.status, m.attempts) for m in rows]
    finally:
        db.dispose()


def test_post_is_delivered_by_the_outbox_and_prints_the_ts(
    fake: FakeSlackAPI, tmp_path: Path
) -> None:
    """``--post`` sends the week's outbox message inline and prints the posted message's ts."""
    last = _this_week().previous()
    result = runner.invoke(app, ["digest", "--post"])
    assert result.exit_code == 0, result.output
    (post,) = fake.calls_to("chat.postMessage")
    assert f"(ts {post.response['ts']})" in result.output
    key = f"digest:{CHANNEL}:{last.start.isoformat()}"
    assert _digest_messages(tmp_path) == [(key, "sent", 1)]


def test_post_slack_cannot_take_yet_stays_queued_in_the_outbox(
    fake: FakeSlackAPI, tmp_path: Path
) -> None:
    """A 5xx leaves the post queued in the outbox for the bot to retry; the CLI says so, exit 1."""
    fake.fail_with_status("chat.postMessage", status=503)
    result = runner.invoke(app, ["digest", "--post"])
    assert result.exit_code == 1
    assert "queued" in result.output and "internal_error" in result.output, result.output
    assert [(s, n) for _, s, n in _digest_messages(tmp_path)] == [("pending", 1)]
