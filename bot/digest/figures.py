"""What the digest says about one week: its figures, and the incidents it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.digest.weeks import Week

HIGH = ("critical", "high")
TREND_WEEKS = 8


@dataclass(frozen=True)
class Named:
    """An incident the digest names (never a restricted one)."""

    key: str
    title: str
    severity: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Figures:
    """Everything the digest says about one week."""

    week: Week
    as_of: datetime
    new: int
    previous_new: int
    closed: int
    previous_closed: int
    backlog: int
    previous_backlog: int
    reopened: int
    merged: int
    restricted_new: int
    reporters: int
    by_severity: dict[str, int]
    by_category: list[tuple[str, int]]
    by_model: list[tuple[str | None, int]]
    ack_median: float | None
    acknowledged: int
    close_median: float | None
    high: list[Named]
    high_total: int
    high_restricted: int
    oldest: list[Named]
    trend: dict[str, list[int]]
    # New incidents per eval (imported samples only; the rest have no eval), most first.
    by_eval: list[tuple[str, int]] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """The week is not over yet."""
        return self.as_of < self.week.end_at

    @property
    def quiet(self) -> bool:
        """Nothing was reported, closed or reopened in the week."""
        return self.new == 0 and self.closed == 0 and self.reopened == 0
