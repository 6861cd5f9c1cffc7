"""Slack's payloads built from what a person did, and their signatures."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bot.playground import payloads
from bot.playground.payloads import Actor
from bot.playground.sender import BotReply, sign

ACTOR = Actor("U1", "alice", "T1", "acme", "A1")


def _option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


VIEW: dict[str, Any] = {
    "type": "modal",
    "id": "V1",
    "callback_id": "report_incident",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}},
        {
            "type": "input",
            "block_id": "evidence",
            "element": {"type": "plain_text_input", "action_id": "value"},
            "label": {"type": "plain_text", "text": "Output"},
        },
        {
            "type": "input",
            "block_id": "title",
            "optional": True,
            "element": {"type": "plain_text_input", "action_id": "value"},
            "label": {"type": "plain_text", "text": "Title"},
        },
        {
            "type": "input",
            "block_id": "severity",
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [_option("low"), _option("high")],
            },
            "label": {"type": "plain_text", "text": "Severity"},
        },
        {
            "type": "input",
            "block_id": "cats",
            "optional": True,
            "element": {
                "type": "multi_static_select",
                "action_id": "value",
                "option_groups": [
                    {
                        "label": {"type": "plain_text", "text": "G"},
                        "options": [_option("coercion"), _option("secrets")],
                    }
                ],
            },
            "label": {"type": "plain_text", "text": "Categories"},
        },
        {
            "type": "input",
            "block_id": "who",
            "optional": True,
            "element": {"type": "users_select", "action_id": "value"},
            "label": {"type": "plain_text", "text": "Assignee"},
        },
        {
            "type": "input",
            "block_id": "res",
            "optional": True,
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": [_option("fixed")],
            },
            "label": {"type": "plain_text", "text": "Resolution"},
        },
        {
            "type": "input",
            "block_id": "flags",
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [_option("restricted")],
            },
            "label": {"type": "plain_text", "text": "Flags"},
        },
        {
            "type": "actions",
            "block_id": "act",
            "elements": [
                {
                    "type": "button",
                    "action_id": "go",
                    "value": "AIS-1",
                    "text": {"type": "plain_text", "text": "Go"},
                    "style": "primary",
                }
            ],
        },
    ],
}


def test_state_values_have_slacks_shape_for_each_element() -> None:
    """The page's plain values become Slack's state entries: value, selected option(s), selected user."""
    values = payloads.state_values(
        VIEW,
        {
            "evidence": {"value": "text"},
            "severity": {"value": "high"},
            "cats": {"value": ["secrets", "bogus"]},
            "who": {"value": "U2"},
            "res": {"value": "fixed"},
            "flags": {"value": ["restricted"]},
        },
    )
    assert values["evidence"]["value"] == {"type": "plain_text_input", "value": "text"}
    assert values["title"]["value"] == {"type": "plain_text_input", "value": None}
    assert values["severity"]["value"]["selected_option"] == _option("high")
    assert values["cats"]["value"]["selected_options"] == [_option("secrets")]
    assert values["who"]["value"] == {"type": "users_select", "selected_user": "U2"}
    assert values["res"]["value"]["selected_option"] == _option("fixed")
    assert values["flags"]["value"]["selected_options"] == [_option("restricted")]
    assert "act" not in values


def test_a_value_that_is_not_an_option_is_not_selected() -> None:
    """A select can only submit one of its own options; anything else is no selection."""
    values = payloads.state_values(VIEW, {"severity": {"value": "catastrophic"}})
    assert values["severity"]["value"]["selected_option"] is None


def test_missing_required_names_only_required_empty_inputs() -> None:
    """Required inputs without a value are reported; optional ones and filled ones are not."""
    values = payloads.state_values(VIEW, {"evidence": {"value": ""}, "severity": {"value": "low"}})
    assert payloads.missing_required(VIEW, values) == {
        "evidence": "Please complete this required field."
    }


def test_action_for_button_and_select() -> None:
    """A button action carries its value and text; a select action its selected option."""
    button = payloads.find_element(VIEW["blocks"], "act", "go")
    assert button is not None
    action = payloads.action(button[1], "act", None, "1.0")
    assert action["value"] == "AIS-1" and action["block_id"] == "act" and action["type"] == "button"
    select = payloads.find_element(VIEW["blocks"], "severity", "value")
    assert select is not None
    assert payloads.action(select[1], "severity", "low", "1.0")["selected_option"] == _option("low")
    assert payloads.find_element(VIEW["blocks"], "act", "missing") is None


def test_interaction_payloads_carry_what_bolt_routes_on() -> None:
    """Shortcuts, block actions, submissions and the home event have the fields Bolt dispatches by."""
    message = {
        "ts": "1.1",
        "text": "",
        "blocks": [{"type": "section"}],
        "bot_id": "B1",
        "edited": True,
    }
    shortcut = payloads.message_action(
        ACTOR,
        callback_id="report_message",
        channel=("C1", "evals"),
        message=message,
        response_url="u",
        trigger_id="t",
        action_ts="2",
    )
    assert shortcut["type"] == "message_action" and shortcut["callback_id"] == "report_message"
    assert shortcut["message"] == {
        "type": "message",
        "ts": "1.1",
        "text": "",
        "bot_id": "B1",
        "blocks": [{"type": "section"}],
        "team": "T1",
    }
    assert (
        payloads.global_shortcut(ACTOR, callback_id="new_incident", trigger_id="t", action_ts="2")[
            "type"
        ]
        == "shortcut"
    )
    submission = payloads.view_submission(ACTOR, view=VIEW, trigger_id="t")
    assert submission["type"] == "view_submission" and submission["user"]["id"] == "U1"
    home = payloads.app_home_opened(ACTOR, channel="D1", view=None, event_id="Ev1", event_ts="3.5")
    assert home["type"] == "event_callback" and home["event"]["type"] == "app_home_opened"
    assert home["event"]["tab"] == "home" and home["event_time"] == 3
    form = payloads.slash_command(
        ACTOR,
        command="/safety",
        text="help",
        channel=("C1", "evals"),
        response_url="u",
        trigger_id="t",
    )
    assert form["command"] == "/safety" and form["channel_id"] == "C1" and form["user_id"] == "U1"


def test_signature_is_slacks_v0() -> None:
    """The sender's signature is accepted by slack_sdk's own verifier (and a wrong one is not)."""
    body = json.dumps({"type": "event_callback"}).encode()
    timestamp = str(int(time.time()))
    verifier = SignatureVerifier("secret")
    assert verifier.is_valid(body, timestamp, sign("secret", timestamp, body))
    assert not verifier.is_valid(body, timestamp, sign("other", timestamp, body))


def test_bot_reply_json_and_slowness() -> None:
    """A reply body parses as a JSON object only when it is one; over 3 s is too slow for Slack."""
    assert BotReply(200, b'{"a": 1}', 0.1).json() == {"a": 1}
    assert BotReply(200, b"", 0.1).json() is None and BotReply(200, b"[1]", 0.1).json() is None
    assert BotReply(200, b"", 3.2).too_slow and not BotReply(200, b"", 2.9).too_slow
