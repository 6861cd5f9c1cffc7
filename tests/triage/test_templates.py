"""Every triage template renders valid Block Kit with hostile data, and stays inert."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.slack import present
from bot.slack.app import TEMPLATES
from bot.slack.blocks import TemplateRenderer
from bot.store.models import Incident
from tests.inert import text_objects

HOSTILE = {
    "markup": "<!channel> <@U1> <#C1> <!subteam^S1> <https://evil|click> & *bold* `x`",
    "template": "{{ 7*7 }} {% raw %}{% endraw %} {# c #}",
    "json": '"}], "blocks": [{"type": "divider"}], "x": "\\" \n\t \u2028',
    "controls": "a\x00b\x1b[31m\u202egnp.exe\u2066 \r\n",
    "long": "A<&>" * 2000,
}
MODALS = ("severity", "assign", "status", "resolve", "merge", "note")


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    """The repository's templates."""
    return TemplateRenderer(TEMPLATES)


def incident_fields(title: str, **extra: Any) -> dict[str, Any]:
    item = Incident(
        key="AIS-42",
        prefix="AIS",
        number=42,
        title=title[:300],
        severity="critical",
        status="new",
        reporter_id="UREPORTER",
        assignee_id="UTRIAGE1",
        created_at=datetime(2026, 11, 18, tzinfo=UTC),
        updated_at=datetime(2026, 11, 18, tzinfo=UTC),
        **extra,
    )
    return present.incident(item, ["coercion"])


def modal_context(value: str) -> dict[str, Any]:
    option = {"value": "high", "label": "High"}
    return {
        "private_metadata": json.dumps({"key": "AIS-42", "status": "new", "origin": ""}),
        "key": "AIS-42",
        "title": value,
        "severity_label": ":red_circle: Critical",
        "status_label": "New",
        "assignee": "UTRIAGE1",
        "severity_options": [option],
        "current": option,
        "suggested_label": "High",
        "status_options": [{"value": "acknowledged", "label": "Acknowledged"}],
        "resolution_options": [{"value": "fixed", "label": "Fixed"}],
        "suggestions": [{"key": "AIS-7", "how": "91% similar", "title": value}],
        "prefix": "AIS",
        "text": value or "x",
    }


def mrkdwn_texts(node: Any) -> list[str]:
    """Every mrkdwn text in a rendered message or view (where Slack parses markup)."""
    return [text for kind, text in text_objects(node) if kind == "mrkdwn"]


def assert_inert(rendered: Any, value: str) -> None:
    """No live mention or link from the data, and template syntax stays literal."""
    for text in mrkdwn_texts(rendered):
        assert "<!channel>" not in text and "<https://evil" not in text and "<@U1>" not in text
    if "{{ 7*7 }}" in value:
        assert "{{ 7*7 }}" in json.dumps(rendered, ensure_ascii=False)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("name", MODALS)
def test_modals_survive_hostile_data(renderer: TemplateRenderer, name: str, kind: str) -> None:
    """Each triage modal renders and validates whatever the incident's title holds."""
    view = renderer.render_view(f"modals/{name}", **modal_context(HOSTILE[kind]))
    assert view["type"] == "modal" and len(view["title"]["text"]) <= 24
    if kind == "markup":
        assert "&lt;!channel&gt;" in json.dumps(view) or name == "assign"


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_messages_survive_hostile_data(renderer: TemplateRenderer, kind: str) -> None:
    """Reminder, nudge, answer and the incident post render and stay inert with hostile titles."""
    value = HOSTILE[kind]
    fields = incident_fields(value)
    messages = [
        renderer.render_message(
            "messages/reminder", incident=fields, waited="31 minutes", number=1, limit=3, ping=""
        ),
        renderer.render_message("messages/nudge", incident=fields, idle_days=8, show_title=True),
        renderer.render_message(
            "messages/triage_answer", text=present.slack_text.escape(value) or "x", warning=True
        ),
    ]
    for buttons in (True, "note", False):
        messages.append(
            renderer.render_message(
                "messages/incident", incident=fields, findings=[], duplicates=[], buttons=buttons
            )
        )
    for message in messages:
        assert_inert(message, value)


REPORTER_KINDS = ("acknowledged", "severity", "status", "closed", "merged", "reopened")


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_direct_messages_survive_hostile_data(renderer: TemplateRenderer, kind: str) -> None:
    """The assignee's and the reporter's DMs render and stay inert with hostile titles, summaries
    and reasons."""
    value = HOSTILE[kind]
    messages = [
        renderer.render_message(
            "messages/assigned", incident=incident_fields(value), actor="<@U2>", show_title=True
        )
    ]
    for update in REPORTER_KINDS:
        messages.append(
            renderer.render_message(
                "messages/reporter_update",
                kind=update,
                key="AIS-42",
                title=value,
                actor="<@U2>",
                before="Medium",
                after="Critical",
                resolution="Fixed" if update == "closed" else "",
                summary=value if update == "closed" else "",
                reason=value if update == "severity" else "",
                duplicate_of="AIS-7",
            )
        )
    for message in messages:
        assert_inert(message, value)
        assert "<!channel>" not in message["text"]


def test_incident_buttons_carry_what_the_viewer_saw(renderer: TemplateRenderer) -> None:
    """The post's actions block id names key, status and assignee; the note-only variant one button."""
    fields = incident_fields("t")
    full = renderer.render_message(
        "messages/incident", incident=fields, findings=[], duplicates=[], buttons=True
    )
    actions = next(b for b in full["blocks"] if b["type"] == "actions")
    assert actions["block_id"] == "triage:AIS-42:new:UTRIAGE1"
    note = renderer.render_message(
        "messages/incident", incident=fields, findings=[], duplicates=[], buttons="note"
    )
    only = next(b for b in note["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in only["elements"]] == ["incident_note"]


def test_nudge_hides_a_restricted_title(renderer: TemplateRenderer) -> None:
    """A nudge without ``show_title`` says "restricted" instead of the title."""
    message = renderer.render_message(
        "messages/nudge", incident=incident_fields("Secret plan"), idle_days=9, show_title=False
    )
    assert "Secret plan" not in json.dumps(message) and "restricted" in json.dumps(message)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_home_survives_hostile_data_and_a_full_queue(renderer: TemplateRenderer, kind: str) -> None:
    """The home renders 30 hostile rows within Slack's 100-block limit."""
    value = HOSTILE[kind]
    row = {
        **incident_fields(value),
        "title": value,
        "menu": [{"value": "incident_ack", "label": "Acknowledge"}],
        "note": True,
    }
    sections = [
        {
            "title": title,
            "rows": [{**row, "block_id": f"home:{title}:AIS-{n}:new:-"} for n in range(count)],
            "total": count + 40,
            "empty": "Nothing.",
            "more": f"/safety list {value}",
        }
        for title, count in (("assigned", 10), ("mine", 5), ("queue", 15))
    ]
    view = renderer.render_view(
        "home/home",
        command="/safety",
        counts={"open_total": 70, "unacknowledged": 9, "by_severity": ":red_circle: 3 critical"},
        digest_text="No weekly digest has been posted yet.",
        sections=sections,
    )
    assert len(view["blocks"]) <= 100
    assert_inert(view, value)
