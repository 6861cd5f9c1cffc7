"""Listener functions called directly with stand-ins: each acks on its own thread and hands
what follows to ``after_ack``."""

from __future__ import annotations

from typing import Any

from bot.slack.shortcuts import new_incident, report_message
from tests.slack.standins import AckRecorder, deps


def test_the_shortcuts_ack_then_hand_the_form_over_unopened() -> None:
    """Both shortcut listeners ack with nothing and leave opening the form to after the ack."""
    shortcut: dict[str, Any] = {"trigger_id": "T1", "user": {"id": "U1"}, "message": {}}
    for listener in (report_message, new_incident):
        ack, standin = AckRecorder(), deps()
        listener(standin, ack, shortcut, client=None)
        assert ack.calls == [{}]
        assert [body for _, body in standin.after_ack.work] == [shortcut]
