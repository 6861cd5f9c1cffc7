"""Daily budgets of model requests and tokens, one per connection (``judge``, ``target``),
counted per UTC day in the ``model_usage`` table, which every process and replica shares.

A call takes one request from today's budget before it is sent, in one statement that
refuses once today's requests or tokens are spent, so concurrent callers never overshoot
the requests; its tokens are added when it answers (so in-flight calls may pass the token
budget by their own size). A failed call still counts as a request. The first refusal of a
day marks the day paused and queues one notice to the triage channel, in the same
transaction, whichever process refused first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from bot.incidents import notices
from bot.llm.clients import client_for
from bot.llm.connection import BudgetSpent, Message, ModelClient, ModelConnection, ModelReply
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.dialect import conflict_insert
from bot.store.models import ModelUsage

log = logging.getLogger(__name__)

# What each connection's pause stops, for messages.
PAUSES = {"judge": "second opinions", "target": "reproduction runs"}


@dataclass(frozen=True)
class Usage:
    """Requests and tokens spent on one connection in one UTC day."""

    requests: int = 0
    tokens: int = 0


class Budget:
    """Today's budget of one connection."""

    def __init__(self, db: Database, clock: Clock, connection: ModelConnection) -> None:
        self.db = db
        self.clock = clock
        self.connection = connection

    @property
    def purpose(self) -> str:
        return self.connection.purpose

    def today(self) -> date:
        """The current UTC day, which the budget is counted in."""
        return self.clock.now().astimezone(UTC).date()

    def usage(self, day: date | None = None) -> Usage:
        """What was spent on ``day`` (today by default)."""
        with self.db.session() as session:
            row = session.get(ModelUsage, (day or self.today(), self.purpose))
        return Usage(row.requests, row.tokens) if row else Usage()

    def take(self) -> date:
        """Count one request against today's budget and return the day it counted in;
        raises ``BudgetSpent`` (changing nothing) when today's requests or tokens are spent."""
        day = self.today()
        limits = self.connection
        if limits.daily_requests > 0 and limits.daily_tokens > 0:
            with self.db.write() as session:
                statement = (
                    conflict_insert(session, ModelUsage)
                    .values(day=day, purpose=self.purpose, requests=1, tokens=0)
                    .on_conflict_do_update(
                        index_elements=[col(ModelUsage.day), col(ModelUsage.purpose)],
                        set_={"requests": ModelUsage.requests + 1},
                        where=(col(ModelUsage.requests) < limits.daily_requests)
                        & (col(ModelUsage.tokens) < limits.daily_tokens),
                    )
                    .returning(col(ModelUsage.requests))
                )
                if session.execute(statement).scalar_one_or_none() is not None:
                    return day
        raise self.spent()

    def spend_tokens(self, day: date, tokens: int) -> None:
        """Add ``tokens`` to the usage of ``day`` (the day its request was counted in)."""
        if tokens <= 0:
            return
        with self.db.write() as session:
            session.execute(
                update(ModelUsage)
                .where(col(ModelUsage.day) == day, col(ModelUsage.purpose) == self.purpose)
                .values(tokens=ModelUsage.tokens + tokens)
            )

    def pause(self) -> bool:
        """Mark today paused and queue the notice to the triage channel, the first time
        today in any process; True when this call did."""
        day, now = self.today(), self.clock.now()
        with self.db.write() as session:
            statement = (
                conflict_insert(session, ModelUsage)
                .values(day=day, purpose=self.purpose, requests=0, tokens=0, paused_at=now)
                .on_conflict_do_update(
                    index_elements=[col(ModelUsage.day), col(ModelUsage.purpose)],
                    set_={"paused_at": now},
                    where=col(ModelUsage.paused_at).is_(None),
                )
                .returning(col(ModelUsage.requests), col(ModelUsage.tokens))
            )
            marked = session.execute(statement).one_or_none()
            if marked is None:
                return False  # already told today
            enqueue_paused(session, self.connection, day, now, Usage(*marked))
        log.warning("%s", self.spent())
        return True

    def spent(self) -> BudgetSpent:
        """The error of a call refused today: it may be tried again at the next UTC day."""
        now = self.clock.now().astimezone(UTC)
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
        limits = self.connection
        return BudgetSpent(
            f"the {limits.purpose} model's daily budget ({limits.daily_requests:,} requests / "
            f"{limits.daily_tokens:,} tokens) is spent; {PAUSES.get(limits.purpose, 'calls')} "
            "pause until 00:00 UTC",
            # As a rate limit: a job that waits for this is retried after retry_after.
            status=429,
            retry_after=(midnight - now).total_seconds(),
            retryable=True,
        )


def enqueue_paused(
    session: Session, connection: ModelConnection, day: date, now: datetime, used: Usage
) -> None:
    """Queue the one message telling the triage channel that ``connection``'s budget of
    ``day`` is spent (``bot.slack.model_posts`` sends it)."""
    notices.enqueue(
        session,
        notices.MODEL_PAUSED,
        now,
        ordering_key=f"model_paused:{connection.purpose}:{day.isoformat()}",
        purpose=connection.purpose,
        model=connection.model,
        day=day.isoformat(),
        daily_requests=connection.daily_requests,
        daily_tokens=connection.daily_tokens,
        requests=used.requests,
        tokens=used.tokens,
    )


def _nothing() -> None:
    return None


class BudgetedClient:
    """A ``ModelClient`` that spends from a ``Budget``: refuses with ``BudgetSpent`` before
    calling when today's budget is spent, and counts each call's request and tokens."""

    def __init__(
        self, client: ModelClient, budget: Budget, *, on_paused: Callable[[], None] = _nothing
    ) -> None:
        """``on_paused`` runs once per UTC day, after the pause notice is queued (the bot
        passes its outbox's wake, so the notice goes out at once)."""
        self.client = client
        self.budget = budget
        self.on_paused = on_paused

    @property
    def model(self) -> str:
        return self.client.model

    def complete(
        self,
        messages: list[Message],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float | None = None,
    ) -> ModelReply:
        """The wrapped client's answer, counted; ``BudgetSpent`` when the budget is spent."""
        try:
            day = self.budget.take()
        except BudgetSpent:
            if self.budget.pause():
                self.on_paused()
            raise
        reply = self.client.complete(
            messages, system=system, max_tokens=max_tokens, temperature=temperature
        )
        self.budget.spend_tokens(day, reply.tokens)
        return reply


def connected_client(
    db: Database,
    clock: Clock,
    connection: ModelConnection,
    *,
    on_paused: Callable[[], None] = _nothing,
) -> ModelClient:
    """The client of ``connection`` over its provider's SDK, within its daily budget."""
    budget = Budget(db, clock, connection)
    return BudgetedClient(client_for(connection), budget, on_paused=on_paused)
