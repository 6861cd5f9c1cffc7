"""Listener functions called directly with stand-ins: each answers in its ack on the calling
thread and hands what follows to ``after_ack`` unrun."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from bot.incidents.errors import InvalidInput, NotFound
from bot.slack.actions import clicked
from bot.slack.commands import safety
from bot.slack.home import opened, report
from bot.slack.report_refresh import evidence_entered
from bot.slack.shortcuts import new_incident, report_message
from bot.slack.triage_modals import submit as submit_triage
from bot.slack.views import submit as submit_report
from tests.slack.standins import AckRecorder, deps


def _renderer() -> Any:
    return SimpleNamespace(render_message=lambda template, **data: {"template": template, **data})


def test_the_shortcuts_ack_then_hand_the_form_over_unopened() -> None:
    """Both shortcut listeners ack with nothing and leave opening the form to after the ack."""
    shortcut: dict[str, Any] = {"trigger_id": "T1", "user": {"id": "U1"}, "message": {}}
    for listener in (report_message, new_incident):
        ack, standin = AckRecorder(), deps()
        listener(standin, ack, shortcut, client=None)
        assert ack.calls == [{}]
        assert [body for _, body in standin.after_ack.work] == [shortcut]


def test_the_slash_command_answers_help_in_its_ack_and_hands_a_report_over() -> None:
    """``/safety help`` is answered in the ack; ``/safety report`` acks and opens the form later."""
    standin = deps(settings=SimpleNamespace(command="/safety"), renderer=_renderer())
    ack = AckRecorder()
    safety(standin, ack, {"text": "help", "user_id": "U1"}, client=None)
    assert ack.calls == [
        {"template": "messages/help", "command": "/safety", "unknown": "", "judge": False}
    ]
    assert standin.after_ack.work == []

    command = {"text": "report", "user_id": "U1", "trigger_id": "T1"}
    ack = AckRecorder()
    safety(standin, ack, command, client=None)
    assert ack.calls == [{}]
    assert [body for _, body in standin.after_ack.work] == [command]


def test_a_report_whose_draft_is_gone_is_refused_in_the_ack() -> None:
    """A report form without its draft acks with the error on the evidence input, unaccepted."""

    def missing(draft_id: str, *, user_id: str, **_: object) -> None:
        raise NotFound("This form has expired; open it again.")

    standin = deps(
        intake=SimpleNamespace(accept_draft=missing),
        incidents=SimpleNamespace(reported=lambda key: None),
    )
    view = {"id": "V1", "blocks": [{"type": "input", "block_id": "evidence"}], "state": {}}
    ack = AckRecorder()
    submit_report(standin, ack, {"user": {"id": "U1"}}, view)
    assert ack.calls == [
        {
            "response_action": "errors",
            "errors": {"evidence": "This form has expired; open it again."},
        }
    ]


def test_a_form_submitted_again_after_its_report_was_stored_just_acks() -> None:
    """A repeat whose draft went with its stored report is acked plainly, not refused."""

    def missing(draft_id: str, *, user_id: str, **_: object) -> None:
        raise NotFound("This form has expired; open it again.")

    asked: list[str] = []
    standin = deps(
        intake=SimpleNamespace(accept_draft=missing),
        incidents=SimpleNamespace(reported=lambda key: asked.append(key) or "AIS-1"),
    )
    view = {"id": "V1", "blocks": [{"type": "input", "block_id": "evidence"}], "state": {}}
    ack = AckRecorder()
    submit_report(standin, ack, {"user": {"id": "U1"}}, view)
    assert ack.calls == [{}] and asked == ["view:V1"]


def test_the_home_publishes_after_the_ack_and_only_for_its_home_tab() -> None:
    """Opening the home tab hands its publication over; the messages tab is left alone."""
    standin = deps()
    opened(standin, {"tab": "messages", "user": "U1"}, {}, client=None)
    assert standin.after_ack.work == []
    body = {"event": {"tab": "home", "user": "U1"}}
    opened(standin, body["event"], body, client=None)
    assert [b for _, b in standin.after_ack.work] == [body]

    ack, standin = AckRecorder(), deps()
    button = {"trigger_id": "T1", "user": {"id": "U1"}}
    report(standin, ack, button, client=None)
    assert ack.calls == [{}]
    assert [b for _, b in standin.after_ack.work] == [button]


@pytest.mark.parametrize("listener", [evidence_entered, clicked])
def test_evidence_entered_and_clicks_ack_then_hand_the_work_over(listener: Any) -> None:
    """The evidence refresh and the incident buttons ack with nothing and work after the ack."""
    ack, standin = AckRecorder(), deps()
    body: dict[str, Any] = {"user": {"id": "U1"}, "actions": [{}]}
    listener(standin, ack, body, client=None)
    assert ack.calls == [{}]
    assert [b for _, b in standin.after_ack.work] == [body]


def test_a_triage_modal_shows_its_error_or_redraws_its_origin_after_the_ack() -> None:
    """A refused submission acks with the error on the first input; an accepted one acks and
    redraws the ephemeral message it was opened from after the ack."""

    def refuse(*_: object) -> None:
        raise InvalidInput("Give a short reason.")

    metadata = json.dumps({"key": "AIS-1", "status": "new", "origin": "https://hooks/x"})
    view = {"private_metadata": metadata, "blocks": [], "state": {"values": {}}}
    body = {"user": {"id": "U1"}}
    ack, standin = AckRecorder(), deps()
    submit_triage(standin, refuse, "reason", ack, body, view)
    assert ack.calls == [
        {"response_action": "errors", "errors": {"reason": "Give a short reason."}}
    ]
    assert standin.after_ack.work == []

    applied: list[str] = []
    ack = AckRecorder()
    submit_triage(
        standin, lambda d, user, meta, v: applied.append(meta.key), "reason", ack, body, view
    )
    assert ack.calls == [{}] and applied == ["AIS-1"]
    assert [b for _, b in standin.after_ack.work] == [body]
