"""The one retry policy shared by the outbox, the weekly digest and the intake."""

from __future__ import annotations

import pytest

from bot.digest import runs
from bot.incidents import intake
from bot.runtime.retry import RetryPolicy
from bot.slack import outbox


def test_waits_double_from_the_base_up_to_the_cap() -> None:
    """Each failed attempt doubles the wait, starting at ``base_delay``, never past ``max_delay``."""
    policy = RetryPolicy(base_delay=2.0, max_delay=20.0)
    assert [policy.delay(n) for n in range(1, 7)] == [2.0, 4.0, 8.0, 16.0, 20.0, 20.0]


def test_no_attempt_yet_waits_the_base() -> None:
    """A count of zero attempts (or less) waits the base, like the first failure."""
    assert RetryPolicy(base_delay=3.0, max_delay=60.0).delay(0) == 3.0


@pytest.mark.parametrize(("draw", "wait"), [(0.0, 4.0), (0.5, 6.0), (1.0, 8.0)])
def test_jitter_takes_a_share_of_the_step_at_random(draw: float, wait: float) -> None:
    """With ``jitter`` 0.5 the wait lies between half and all of the step, as the draw says."""
    policy = RetryPolicy(base_delay=2.0, max_delay=600.0, jitter=0.5)
    assert policy.delay(3, draw) == wait


def test_without_jitter_the_draw_changes_nothing() -> None:
    """A policy with no jitter waits the whole step whatever is drawn."""
    policy = RetryPolicy(base_delay=2.0, max_delay=600.0)
    assert policy.delay(2, 0.0) == policy.delay(2, 1.0) == 4.0


def test_gives_up_at_max_attempts() -> None:
    """``gives_up`` is true from the ``max_attempts``-th attempt on, and never without a limit."""
    limited = RetryPolicy(base_delay=1.0, max_delay=1.0, max_attempts=3)
    assert [limited.gives_up(n) for n in (1, 2, 3, 4)] == [False, False, True, True]
    assert not RetryPolicy(base_delay=1.0, max_delay=1.0).gives_up(10**6)


def test_the_outbox_retries_ten_times_with_jitter_up_to_ten_minutes() -> None:
    """The outbox waits 50-100% of 2, 4, 8 … seconds, at most 600, and stops after 10 attempts."""
    policy = outbox.DEFAULT_RETRY
    assert (policy.delay(1, 0.0), policy.delay(1, 1.0), policy.delay(20, 1.0)) == (1.0, 2.0, 600.0)
    assert policy.gives_up(10) and not policy.gives_up(9)


def test_the_digest_claims_a_failed_week_again_after_minutes_up_to_an_hour() -> None:
    """A failed digest waits 1, 2, 4 … minutes, at most an hour, and stops after 12 attempts."""
    policy = runs.DEFAULT_RETRY
    assert [policy.delay(n) for n in (1, 2, 3, 7, 12)] == [60.0, 120.0, 240.0, 3600.0, 3600.0]
    assert policy.gives_up(12) and not policy.gives_up(11)


def test_the_intake_never_gives_up_a_report() -> None:
    """A report that cannot be stored waits 2, 4, 8 … seconds, at most ten minutes, forever."""
    policy = intake.DEFAULT_RETRY
    assert [policy.delay(n) for n in (1, 2, 3, 20)] == [2.0, 4.0, 8.0, 600.0]
    assert policy.delay(1, 0.0) == 2.0 and not policy.gives_up(10**6)
