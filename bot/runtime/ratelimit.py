"""Per-user token buckets: a burst from one person slows that person, nobody else.

The buckets live in this process's memory, so each replica limits on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Allows ``per_minute`` actions per key, refilled continuously, bursts up to that many."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one token for ``key``; False when its bucket is empty."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > self.max_keys:
                self._forget_full(now)
            return allowed

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` has a token again."""
        with self._lock:
            tokens, then = self._buckets.get(key, (self.capacity, self.clock()))
        refilled = tokens + (self.clock() - then) * self.rate
        return max(0.0, (1.0 - refilled) / self.rate)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled, so memory stays bounded."""
        full = [
            k
            for k, (tokens, then) in self._buckets.items()
            if tokens + (now - then) * self.rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
