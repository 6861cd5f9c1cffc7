"""How long to wait before trying again after a failure, and when to stop: one policy for the
outbox, the weekly digest and the intake, each configured with its own numbers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: ``base_delay``, twice that, four times … seconds after the 1st,
    2nd, 3rd … failed attempt, never more than ``max_delay``.

    ``jitter`` is the share of each wait drawn at random (0.5: between 50% and 100% of the
    step), so many senders failing together do not all come back at once. ``max_attempts``
    None never gives up.
    """

    base_delay: float
    max_delay: float
    max_attempts: int | None = None
    jitter: float = 0.0

    def step(self, attempts: int) -> float:
        """The wait after ``attempts`` failed attempts, before jitter."""
        return min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))

    def delay(self, attempts: int, draw: float = 1.0) -> float:
        """The wait after ``attempts`` failed attempts; ``draw`` in [0, 1] picks the jitter."""
        return self.step(attempts) * (1.0 - self.jitter + self.jitter * draw)

    def gives_up(self, attempts: int) -> bool:
        """Whether ``attempts`` attempts are all there will be."""
        return self.max_attempts is not None and attempts >= self.max_attempts
