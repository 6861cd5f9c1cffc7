"""The finding buttons under a paged evidence open the quote its finding row shows."""

from __future__ import annotations

from types import SimpleNamespace

from bot.slack import present
from bot.slack.delivery import finding_targets


def _finding(category: str, actuality: str, score: float, span: tuple[int, int]) -> SimpleNamespace:
    return SimpleNamespace(category=category, actuality=actuality, score=score, spans=[span])


def test_a_finding_button_marks_the_span_its_row_quotes_in_the_same_order() -> None:
    """A category's button targets the action its row quotes, not a higher-scored thought."""
    text = "I will threaten him. " + "x" * 30 + " send_email(to=kyle, body=pay or else)"
    found = [
        _finding("coercion", "considered", 0.9, (0, 20)),
        _finding("coercion", "executed", 0.6, (51, 89)),
        _finding("deception", "stated", 0.7, (21, 30)),
        _finding("secrets", "none", 0.99, (60, 70)),  # quoted input: masked, never a target
    ]
    targets = finding_targets(found)
    rows = present.findings(text, found, [])
    labels = [row["label"] for row in rows if "label" in row]
    assert [t["label"] for t in targets] == labels == ["Coercion", "Deception"]
    assert targets[0]["span"] == (51, 89)
    assert [t["index"] for t in targets] == [0, 1]
