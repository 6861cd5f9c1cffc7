"""Inbound deliveries (Slack event ids) are handled once across threads and replicas."""

from __future__ import annotations

import threading

from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.idempotency import Deduplicator


def test_only_the_first_delivery_of_a_key_is_new(db: Database, clock: FixedClock) -> None:
    """The first claim of an event id wins; a retry of it is recognised."""
    dedupe = Deduplicator(db, clock)
    assert dedupe.first_time("event:Ev1")
    assert not dedupe.first_time("event:Ev1")
    assert dedupe.first_time("event:Ev2")


def test_racing_replicas_handle_an_event_once(db: Database, clock: FixedClock) -> None:
    """Ten threads claiming the same event id at once: exactly one wins."""
    dedupe = Deduplicator(db, clock)
    wins: list[bool] = []
    barrier = threading.Barrier(10)

    def claim() -> None:
        barrier.wait()
        wins.append(dedupe.first_time("event:EvRace"))

    threads = [threading.Thread(target=claim) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 9 + [True]


def test_old_keys_are_forgotten_after_a_day(db: Database, clock: FixedClock) -> None:
    """Keys older than a day are purged, so the table does not grow forever."""
    dedupe = Deduplicator(db, clock)
    dedupe.first_time("event:EvOld")
    clock.advance(days=1, seconds=1)
    dedupe.first_time("event:EvNew")
    clock.advance(seconds=1)
    assert dedupe.first_time("event:EvOld")
    assert not dedupe.first_time("event:EvNew")
