"""Where the judge agrees and disagrees with the quick checks, in one line for a thread reply
("adds coercion (executed); clears pii; agrees on secrets")."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.checks.models import CATEGORIES, CheckResult
from bot.judge.verdict import Opinion


@dataclass(frozen=True)
class Comparison:
    """Category names the judge adds to the checks' confident ones, clears from them and
    agrees on; ``unsupported`` are its yes verdicts whose quotes were not in the text."""

    adds: list[str] = field(default_factory=list)
    clears: list[str] = field(default_factory=list)
    agrees: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    actualities: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def summary(self) -> str:
        """One line: ``adds coercion (executed); clears pii; agrees on secrets``."""
        if self.error is not None:
            return "the judge's answer could not be read"
        parts = []
        if self.adds:
            parts.append("adds " + ", ".join(f"{c} ({self.actualities[c]})" for c in self.adds))
        if self.clears:
            parts.append("clears " + ", ".join(self.clears))
        if self.agrees:
            parts.append("agrees on " + ", ".join(self.agrees))
        if self.unsupported:
            parts.append("unsupported (quote not in the text): " + ", ".join(self.unsupported))
        return "; ".join(parts) or "agrees: nothing found"


def compare(opinion: Opinion, checks: CheckResult) -> Comparison:
    """The judge's supported findings against the checks' confident categories. A category
    the checks found and the judge did not back with a verified quote is cleared, unless
    the judge said yes without one (then it is listed as unsupported, not cleared)."""
    if opinion.error is not None:
        return Comparison(error=opinion.error)
    found = {c.category: c.actuality for c in opinion.found()}
    unsupported = {c.category for c in opinion.unsupported()}
    ours = set(checks.categories)
    order = [c for c in CATEGORIES if c in found or c in ours or c in unsupported]
    order += sorted(ours - set(order))  # categories an operator added
    return Comparison(
        adds=[c for c in order if c in found and c not in ours],
        clears=[c for c in order if c in ours and c not in found and c not in unsupported],
        agrees=[c for c in order if c in found and c in ours],
        unsupported=[c for c in order if c in unsupported],
        actualities=found,
    )
