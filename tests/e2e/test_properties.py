"""Property-based: arbitrary Unicode, Slack markup and template syntax never break the bot."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.incidents.records import ReportRequest
from bot.slack.block_limits import validate_blocks
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import SOURCE, Bot, settings_for

SNIPPETS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0ABC123>",
    "<#C0ABC123|general>",
    "<https://evil.example|click here>",
    "<mailto:a@b.example|mail>",
    "{{ 7*7 }}",
    "{% raw %}",
    "{# x #}",
    "&lt;&amp;",
    "\u202e",
    "\u200b",
    "\x00",
    "```",
    "*bold* _it_ ~s~",
    "sk-ant-api03-" + "Zq7Xw2Lm9RtV4pN8" * 5,
    "\n",
]
TEXTS = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(SNIPPETS)), min_size=1, max_size=12
).map("".join)
# What user or model text must never become in a message: a ping, a link, a channel jump.
ACTIVE = re.compile(r"<(?:!(?!date\^)|@|#|https?:|mailto:)")
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def sqlite_bot(fake: FakeSlackAPI, tmp_path: Any) -> Iterator[Bot]:
    """One bot for all examples of a property (nothing the properties do is stored)."""
    running = Bot(
        fake, settings_for(fake, f"sqlite:///{tmp_path / 'p.db'}", user_rate_per_minute=100_000)
    ).start()
    yield running
    running.stop()


def texts_of(node: Any) -> list[str]:
    """Every ``text`` string Slack parses for markup (all but plain_text) in a structure."""
    if isinstance(node, dict):
        parsed = isinstance(node.get("text"), str) and node.get("type") != "plain_text"
        own = [node["text"]] if parsed else []
        return own + [t for v in node.values() for t in texts_of(v)]
    if isinstance(node, list):
        return [t for item in node for t in texts_of(item)]
    return []


def inert(node: Any, allowed: tuple[str, ...] = ()) -> bool:
    """No text in ``node`` holds an active mention or link, except the ``allowed`` ones."""
    for text in texts_of(node):
        for token in allowed:
            text = text.replace(token, "")
        if ACTIVE.search(text):
            return False
    return True


@SETTINGS
@given(text=TEXTS)
def test_check_answers_any_text_with_valid_inert_blocks(sqlite_bot: Bot, text: str) -> None:
    """/safety check on any text answers 200 with valid blocks and no active markup."""
    if not text.strip():
        text += "x"
    reply = sqlite_bot.command(f"check {text}")
    assert reply.status == 200
    answer = reply.json()
    validate_blocks(answer["blocks"], surface="message")
    assert inert(answer["blocks"]), json.dumps(answer)[:500]


@SETTINGS
@given(text=TEXTS, attachment=TEXTS)
def test_shortcut_on_any_message_opens_a_valid_inert_modal(
    sqlite_bot: Bot, fake: FakeSlackAPI, text: str, attachment: str
) -> None:
    """The message shortcut on a bot message with arbitrary blocks opens a valid, inert modal."""
    before = len(fake.calls_to("views.open"))
    message = {
        "type": "message",
        "ts": "1700000000.000200",
        "user": "UAUTHOR",
        "text": "",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "attachments": [{"fallback": attachment, "text": attachment}],
    }
    reply = sqlite_bot.message_shortcut(message, channel=SOURCE)
    assert reply.status == 200
    calls = fake.wait_for("views.open", count=before + 1)
    assert calls[-1].ok, calls[-1].answer
    assert inert(calls[-1].args["view"]["blocks"])


@SETTINGS
@given(text=TEXTS, title=TEXTS)
def test_incident_posts_of_any_report_are_valid_and_inert(
    sqlite_bot: Bot, text: str, title: str
) -> None:
    """Any stored evidence and title render to a valid triage post with no active markup."""
    if not text.strip():
        text += "x"
    service = sqlite_bot.services.incidents
    outcome = service.report(
        ReportRequest(text=text, reporter_id="UREPORTER", title=title[:300] or None)
    )
    stored = service.detail(outcome.incident.key)
    assert stored.evidence.text == text.replace("\x00", "\u2400")
    from bot.slack.app import TEMPLATES
    from bot.slack.blocks import TemplateRenderer
    from bot.slack.delivery import incident_context

    renderer = TemplateRenderer(TEMPLATES)
    message = renderer.render_message("messages/incident", **incident_context(stored, buttons=True))
    validate_blocks(message["blocks"], surface="message")
    assert inert(message["blocks"], allowed=("<@UREPORTER>",))
