"""What the bot needs of a judge: its model's name and a review of one text
(``bot.judge.review.Judge`` in production, a stand-in in tests)."""

from __future__ import annotations

from typing import Protocol

from bot.judge.verdict import Opinion


class Reviewer(Protocol):
    """Gives a second opinion on a text; raises ``ModelError`` when the model fails."""

    @property
    def model(self) -> str: ...

    def review(self, text: str) -> Opinion: ...
