"""Stand-ins for calling a listener function directly: its ack, and deps whose work after
the ack is kept to run (or not) when the test says."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any


class AckRecorder:
    """An ``ack`` that keeps what it was called with."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


class AfterAckRecorder:
    """An ``after_ack`` that keeps the work handed to it, unrun, with its request body."""

    def __init__(self) -> None:
        self.work: list[tuple[Callable[[], object], dict[str, Any]]] = []

    def __call__(self, work: Callable[[], object], *, body: dict[str, Any]) -> None:
        self.work.append((work, body))

    def run_all(self) -> None:
        for work, _ in self.work:
            work()


def deps(**fields: Any) -> Any:
    """Listener deps with an :class:`AfterAckRecorder` and no judge, plus whatever ``fields``
    the listener reads."""
    return SimpleNamespace(**{"after_ack": AfterAckRecorder(), "judge": None, **fields})
