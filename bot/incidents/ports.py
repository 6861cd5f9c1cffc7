"""What the incident domain needs from outside it, as protocols (so no module here imports
the concrete checks to name their type)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.checks import CheckResult


class Checker(Protocol):
    """The quick checks, as the service needs them."""

    def run(self, text: str) -> CheckResult: ...
