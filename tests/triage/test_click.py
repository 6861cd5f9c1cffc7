"""Reading a click: which incident, and what the viewer saw when they clicked."""

from __future__ import annotations

from typing import Any

import pytest

from bot.incidents.errors import InvalidInput
from bot.slack.actions import MENU, VERBS, parse_click


def body(action: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "UT"},
        "trigger_id": "1.2.x",
        "actions": [action],
        **extra,
    }


def test_a_post_button_names_the_incident_and_what_was_seen() -> None:
    """Key from the value; status and assignee from the block id; ephemeral from the container."""
    click = parse_click(
        body(
            {"action_id": "incident_ack", "block_id": "triage:AIS-7:new:-", "value": "ais-7"},
            response_url="https://hooks/x",
            container={"is_ephemeral": True},
        )
    )
    assert (click.user, click.verb, click.key) == ("UT", "incident_ack", "AIS-7")
    assert (click.seen_status, click.seen_assignee) == ("new", "-")
    assert click.ephemeral and click.response_url == "https://hooks/x"


def test_an_older_block_id_without_assignee_still_works() -> None:
    """``triage:KEY:status`` (posts drawn before assignees were recorded) gives no seen assignee."""
    click = parse_click(
        body(
            {"action_id": "incident_ack", "block_id": "triage:AIS-7:acknowledged", "value": "AIS-7"}
        )
    )
    assert (click.seen_status, click.seen_assignee) == ("acknowledged", None)


def test_the_home_menu_names_the_verb_in_its_option() -> None:
    """On the App Home the overflow option is the verb and the block id holds the incident."""
    action = {
        "action_id": MENU,
        "block_id": "home:queue:AIS-9:investigating:U1",
        "selected_option": {"value": "incident_status"},
    }
    click = parse_click(body(action))
    assert (click.verb, click.key, click.seen_status, click.seen_assignee) == (
        "incident_status",
        "AIS-9",
        "investigating",
        "U1",
    )
    assert click.verb in VERBS


def test_a_click_naming_no_incident_is_an_error() -> None:
    """No value and an unrelated block id: a clear error, not a crash."""
    with pytest.raises(InvalidInput, match="which incident"):
        parse_click(body({"action_id": "incident_ack", "block_id": "x1y2"}))
    with pytest.raises(InvalidInput):
        parse_click({"type": "block_actions", "user": {"id": "UT"}})


def test_an_overlong_key_is_cut_short() -> None:
    """A forged value cannot carry an unbounded string into messages."""
    click = parse_click(body({"action_id": "incident_ack", "value": "A" * 5000}))
    assert len(click.key) == 40
