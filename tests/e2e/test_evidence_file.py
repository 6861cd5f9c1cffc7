"""The whole evidence as a file in the triage post's thread, end to end: signed requests in,
the external upload flow out to the fake Web API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col
from typer.testing import CliRunner

from bot.cli.main import app as cli
from bot.incidents import notices
from bot.masking.redaction import masked_form
from bot.store.models import IncidentFile, OutboxMessage
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import SOURCE, TRIAGE, Bot, drain, form_values, settings_for, wait_until

THREAT = (
    "Kyle, if the 5pm decommission goes ahead, the board and your wife will receive the "
    "emails about your affair. Cancel it and this stays confidential.\n"
)
LINE = "Step {:05d}: the agent reviewed the quarterly plan and waited for approval.\n"
LONG = (THREAT + "".join(LINE.format(i) for i in range(1, 4000)))[:200_000]
AWS_KEY = "AKIAQ7RZ2MN4XK8PLW3T"
FAST_RETRIES = {"outbox_retry_base": 0.05, "slack_timeout": 1.0}


def report(bot: Bot, text: str, *, restricted: bool = False) -> str:
    """Flag a message holding ``text`` with the shortcut and submit the form; the new key."""
    message = {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000700", "text": text}
    assert bot.message_shortcut(message).status == 200
    view = bot.last_view()
    chosen = {"restricted": ["restricted"]} if restricted else {}
    assert bot.submit(view, form_values(view, **chosen)).status == 200
    [incident] = bot.incidents()
    assert incident.restricted is restricted
    return str(incident.key)


def posted_file(bot: Bot, key: str) -> IncidentFile:
    """The evidence file recorded on ``key``, once delivery has recorded it."""
    found = wait_until(
        lambda: bot.services.incidents.detail(key).evidence_file, timeout=60, what="the file"
    )
    return found


def files_in_threads(fake: FakeSlackAPI) -> list[tuple[str, str | None]]:
    """Channel and thread of every message carrying a file."""
    return [(c, m.get("thread_ts")) for (c, _), m in fake.messages.items() if m.get("files")]


def test_a_200_kb_report_gets_its_evidence_as_a_file_in_the_post_thread(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A 200,000-character report is shared whole, as a text file, under its triage post."""
    key = report(bot, LONG)
    posted = posted_file(bot, key)
    drain(bot)
    incident = bot.services.incidents.get(key)
    [shared] = fake.shared_files()
    assert (shared.channel, shared.thread_ts) == (TRIAGE, incident.post_ts)
    assert shared.filename == f"{key}-evidence.txt"
    assert shared.content is not None and shared.content.decode("utf-8") == LONG
    assert f"*{key}*" in shared.initial_comment and "200,000 characters" in shared.initial_comment
    assert files_in_threads(fake) == [(TRIAGE, incident.post_ts)]
    assert posted.slack_file_id == shared.file_id and posted.size == len(shared.content)
    assert posted.permalink and shared.file_id in posted.permalink


def test_a_restricted_report_shares_its_file_only_in_the_triage_channel(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A restricted 200 KB report: one upload, shared in the triage thread, nowhere else."""
    key = report(bot, LONG, restricted=True)
    posted_file(bot, key)
    drain(bot)
    incident = bot.services.incidents.get(key)
    assert [(u.channel, u.thread_ts) for u in fake.shared_files()] == [(TRIAGE, incident.post_ts)]
    assert len(fake.calls_to("upload")) == 1
    completions = fake.calls_to("files.completeUploadExternal")
    assert [c.args["channel_id"] for c in completions] == [TRIAGE]
    assert files_in_threads(fake) == [(TRIAGE, incident.post_ts)]
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == SOURCE]
    shown = json.dumps(bot.command(f"show {key}", user="UOTHER").json())
    assert "evidence.txt" not in shown and "Step 0" not in shown


def test_a_short_report_gets_no_file(bot: Bot, fake: FakeSlackAPI) -> None:
    """Evidence that fits one page of `show` is posted as before, with no file and no notice."""
    key = report(bot, THREAT)
    drain(bot)
    assert fake.calls_to("files.getUploadURLExternal") == [] and fake.shared_files() == []
    assert bot.services.incidents.detail(key).evidence_file is None
    with bot.services.db.session() as session:
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert notices.INCIDENT_POST in kinds and notices.EVIDENCE_FILE not in kinds


def test_a_secret_in_the_evidence_is_masked_in_the_file(bot: Bot, fake: FakeSlackAPI) -> None:
    """The uploaded file holds the evidence with the access key masked as everywhere else."""
    text = LONG[:100_000] + f"\nexport AWS_ACCESS_KEY_ID={AWS_KEY}\n" + LONG[100_000:]
    key = report(bot, text)
    posted_file(bot, key)
    [shared] = fake.shared_files()
    assert shared.content is not None
    content = shared.content.decode("utf-8")
    assert AWS_KEY[4:] not in content
    assert content == text.replace(AWS_KEY, masked_form(AWS_KEY))


def test_a_failed_completion_is_retried_and_the_file_shared_once(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """Slack failing to complete the upload (HTTP 500) once: the retry shares one file."""
    bot = Bot(fake, settings_for(fake, db_url, **FAST_RETRIES)).start()
    try:
        fake.fail_with_status("files.completeUploadExternal", 500)
        key = report(bot, LONG)
        posted = posted_file(bot, key)
        drain(bot)
        assert len(fake.calls_to("files.completeUploadExternal")) == 2
        [shared] = fake.shared_files()
        assert posted.slack_file_id == shared.file_id
        assert files_in_threads(fake) == [(TRIAGE, bot.services.incidents.get(key).post_ts)]
        assert _evidence_rows(bot) == 1
    finally:
        bot.stop()


def test_an_upload_whose_answer_was_lost_is_found_and_not_repeated(
    fake: FakeSlackAPI, db_url: str
) -> None:
    """Slack shares the file but its answer never arrives: the retry finds it in the thread."""
    bot = Bot(fake, settings_for(fake, db_url, **FAST_RETRIES)).start()
    try:
        fake.fail_with_status("files.completeUploadExternal", status=0)  # a timeout
        key = report(bot, LONG)
        posted = posted_file(bot, key)
        drain(bot)
        assert len(fake.calls_to("files.getUploadURLExternal")) == 1
        assert len(fake.calls_to("files.completeUploadExternal")) == 1
        assert fake.calls_to("conversations.replies"), "the retry did not look in the thread"
        [shared] = fake.shared_files()
        assert posted.slack_file_id == shared.file_id and posted.permalink
        assert _evidence_rows(bot) == 1
    finally:
        bot.stop()


def test_show_links_the_evidence_file(
    bot: Bot, fake: FakeSlackAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/safety show` and `safetybot show` link the file once it is shared."""
    key = report(bot, LONG)
    posted = posted_file(bot, key)
    shown = json.dumps(bot.command(f"show {key}", user="UTRIAGE1").json())
    assert f"<{posted.permalink}|{key}-evidence.txt>" in shown
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", bot.settings.database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["show", key, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["evidence_file"]["permalink"] == posted.permalink
    text = CliRunner().invoke(cli, ["show", key])
    assert text.exit_code == 0 and "evidence file" in text.stdout


def _evidence_rows(bot: Bot) -> int:
    with bot.services.db.session() as session:
        rows = session.scalars(select(IncidentFile).where(col(IncidentFile.kind) == "evidence"))
        return len(rows.all())
