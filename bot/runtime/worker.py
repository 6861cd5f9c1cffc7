"""A background thread that works in rounds until stopped, woken early when there is work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Worker:
    """Runs ``work`` in rounds, again and again, in a daemon thread.

    ``work`` returns how many seconds to wait before the next one (None: ``poll_seconds``);
    ``kick`` (or setting ``wake``) cuts the wait short. ``wake`` is given when what enqueues
    the work is built before the worker (the composition root makes it first and hands it to
    both). A round that raises is logged and retried after the poll interval, so one bad round
    never stops the thread.
    """

    def __init__(
        self,
        name: str,
        work: Callable[[], float | None],
        *,
        poll_seconds: float,
        wake: threading.Event | None = None,
    ) -> None:
        self.name = name
        self.work = work
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self._wake = wake if wake is not None else threading.Event()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        """Start the next round now: something was just enqueued."""
        self._wake.set()

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self.stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Let the round in progress see ``stopping``, wait for it, and end the thread."""
        self.stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self.stopping.is_set():
            wait: float | None = None
            try:
                wait = self.work()
            except Exception:
                log.exception("%s: round failed; retrying shortly", self.name)
            self._wake.wait(self.poll_seconds if wait is None else wait)
            self._wake.clear()
