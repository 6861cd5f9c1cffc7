"""Per-user rate limits: bursts are capped per person and refill over time."""

from __future__ import annotations

from bot.runtime.ratelimit import RateLimiter


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_beyond_the_allowance_is_refused() -> None:
    """Three actions a minute allows a burst of three, and refuses the fourth."""
    limiter = RateLimiter(3, clock=Ticks())
    assert [limiter.allow("U1") for _ in range(4)] == [True, True, True, False]


def test_one_user_cannot_starve_another() -> None:
    """An exhausted user leaves everyone else's allowance untouched."""
    limiter = RateLimiter(2, clock=Ticks())
    for _ in range(10):
        limiter.allow("UNOISY")
    assert limiter.allow("UQUIET") and limiter.allow("UQUIET")


def test_tokens_refill_with_time_and_retry_after_says_when() -> None:
    """After a refusal, retry_after is the wait until the next token, and it is then allowed."""
    ticks = Ticks()
    limiter = RateLimiter(6, clock=ticks)  # one token every 10 s
    for _ in range(6):
        limiter.allow("U1")
    assert not limiter.allow("U1")
    assert abs(limiter.retry_after("U1") - 10.0) < 1e-6
    ticks.now = 9.9
    assert not limiter.allow("U1")
    ticks.now = 20.0
    assert limiter.allow("U1")


def test_memory_stays_bounded_by_forgetting_refilled_buckets() -> None:
    """Buckets that have refilled are dropped once more users than max_keys are tracked."""
    ticks = Ticks()
    limiter = RateLimiter(60, clock=ticks, max_keys=100)
    for i in range(100):
        limiter.allow(f"U{i}")
    ticks.now = 120.0
    limiter.allow("UNEW")
    assert len(limiter._buckets) <= 2
