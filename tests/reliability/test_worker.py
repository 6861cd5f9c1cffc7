"""The background worker: rounds until stopped, woken early by a kick, alive after errors."""

from __future__ import annotations

import threading

import pytest

from bot.runtime.worker import Worker


def test_a_kick_starts_the_next_round_without_waiting_for_the_poll() -> None:
    """With an hour-long poll, a kick still runs the next round at once."""
    rounds = threading.Semaphore(0)
    worker = Worker("test-worker", lambda: rounds.release(), poll_seconds=3600)
    worker.start()
    try:
        assert rounds.acquire(timeout=5)  # the first round runs at start
        worker.kick()
        assert rounds.acquire(timeout=5)
    finally:
        worker.stop()


def test_a_failing_round_is_logged_and_the_worker_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A round that raises is logged with the worker's name; later rounds still run."""
    calls: list[int] = []
    done = threading.Event()

    def work() -> float:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database gone")
        done.set()
        return 3600

    worker = Worker("test-worker", work, poll_seconds=0.01)
    worker.start()
    try:
        assert done.wait(5)
    finally:
        worker.stop()
    assert any("test-worker: round failed" in r.getMessage() for r in caplog.records)


def test_stop_lets_the_round_in_progress_finish_and_ends_the_thread() -> None:
    """stop() waits for the running round, which sees ``stopping`` set."""
    started, seen = threading.Event(), []
    worker: Worker

    def work() -> float:
        started.set()
        worker.stopping.wait(5)
        seen.append(worker.stopping.is_set())
        return 3600

    worker = Worker("test-worker", work, poll_seconds=3600)
    worker.start()
    assert started.wait(5)
    worker.stop()
    assert seen == [True]
    assert not any(t.name == "test-worker" for t in threading.enumerate())
