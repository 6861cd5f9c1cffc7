"""Inbound deliveries handled once: the first claim of a key wins, retries are no-ops."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.models import ProcessedRequest

KEEP_FOR = timedelta(days=1)  # Slack stops retrying an event within the hour


class Deduplicator:
    """Remembers handled keys (event ids) in the database, shared by every replica."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen by any replica; False for every repeat."""
        now = self.clock.now()
        try:
            with self.db.write() as session:
                session.execute(
                    delete(ProcessedRequest).where(col(ProcessedRequest.at) < now - KEEP_FOR)
                )
                session.add(ProcessedRequest(key=key[:200], at=now))
        except IntegrityError:
            return False
        return True
