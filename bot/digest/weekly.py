"""The weekly digest of one workspace: which week is meant (the one in progress, the last
complete one, or one named like ``2026-W47``), its figures computed in one read
transaction (:mod:`bot.digest.queries`), and the template context made from them
(:mod:`bot.digest.context`).
"""

from __future__ import annotations

from typing import Any

from bot.digest.context import digest_context
from bot.digest.figures import TREND_WEEKS, Figures
from bot.digest.queries import WeekQueries
from bot.digest.weeks import Week, parse_week, week_of
from bot.runtime.clock import Clock
from bot.store.db import Database


class WeeklyDigest:
    """Figures for a week and the template context of ``templates/digest/weekly``."""

    def __init__(
        self,
        db: Database,
        *,
        zone: str,
        clock: Clock,
        command: str = "/safety",
        top: int = 8,
        listed: int = 10,
        oldest: int = 5,
    ) -> None:
        self.db = db
        self.zone = zone
        self.clock = clock
        self.command = command
        self.top = top
        self.listed = listed
        self.oldest = oldest

    def current_week(self) -> Week:
        """The week in progress."""
        return week_of(self.clock.now(), self.zone)

    def last_complete_week(self) -> Week:
        """The most recent week that is over."""
        return self.current_week().previous()

    def week(self, text: str | None) -> Week:
        """The week named by ``text`` (``2026-W47``), or the current one when empty."""
        return parse_week(text, self.zone) if text else self.current_week()

    def figures(self, week: Week) -> Figures:
        """Compute the week's figures in one read transaction."""
        as_of = min(self.clock.now(), week.end_at)
        with self.db.session() as session:
            q = WeekQueries(session, week)
            new, previous_new, restricted_new, reporters = q.new_counts()
            ack_median, acknowledged = q.ack_median()
            high, high_total, high_restricted = q.high(self.listed)
            return Figures(
                week=week,
                as_of=as_of,
                new=new,
                previous_new=previous_new,
                closed=q.closed(week),
                previous_closed=q.closed(week.previous()),
                backlog=q.backlog(week.end_at),
                previous_backlog=q.backlog(week.start_at),
                reopened=q.reopened(),
                merged=q.merged(),
                restricted_new=restricted_new,
                reporters=reporters,
                by_severity=q.by_severity(),
                by_category=q.by_category(),
                by_model=q.by_model(),
                ack_median=ack_median,
                acknowledged=acknowledged,
                close_median=q.close_median(),
                high=high,
                high_total=high_total,
                high_restricted=high_restricted,
                oldest=q.oldest_open(self.oldest),
                trend=q.trend(TREND_WEEKS),
                by_eval=q.by_eval(),
            )

    def context(self, week: Week, *, terminal: bool = False) -> dict[str, Any]:
        """The template context for ``week``; ``terminal`` renders the text for a terminal."""
        return digest_context(
            self.figures(week), command=self.command, top=self.top, terminal=terminal
        )
