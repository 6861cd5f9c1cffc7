"""When the report form refreshes its suggestions: on a paste into a form that opened blank,
never on typing and never in a prefilled form."""

from __future__ import annotations

import json

import pytest

from bot.slack.report_refresh import should_refresh


def _view(**metadata: object) -> dict[str, str]:
    return {"private_metadata": json.dumps({"draft": "d1", **metadata})}


@pytest.mark.parametrize(
    ("basis", "length", "refresh"),
    [
        (0, 1, False),
        (0, 19, False),
        (0, 20, True),
        (0, 2500, True),
        (120, 123, False),
        (120, 0, True),
    ],
)
def test_a_paste_refreshes_and_typing_does_not(basis: int, length: int, refresh: bool) -> None:
    """A change of 20 or more characters since the suggestions were made refreshes; fewer does not."""
    assert should_refresh(_view(basis=basis), "x" * length) is refresh


def test_a_prefilled_or_unreadable_form_never_refreshes() -> None:
    """A form without a basis (opened with text) or with broken metadata is never refreshed."""
    assert not should_refresh(_view(), "x" * 500)
    assert not should_refresh({"private_metadata": "not json"}, "x" * 500)
    assert not should_refresh(_view(basis="0"), "x" * 500)
