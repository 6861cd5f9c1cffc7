"""The model jobs' dispatcher: the outbox worker of model jobs hands each notice to the
handler registered for its kind (a judge's review, a reproduction run)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.store.models import OutboxMessage

log = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]


class ModelJobs:
    """Handlers of model jobs by notice kind; ``run`` is the model outbox's ``deliver``.

    A handler raises ``HttpRefused`` (429 with its wait, 5xx) or ``TimeoutError`` to be tried
    again later, as the outbox retries a post; it must be safe to run again after a crash."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        """Run ``handler`` for each job of ``kind``."""
        self._handlers[kind] = handler

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of job a handler is registered for."""
        return frozenset(self._handlers)

    def run(self, message: OutboxMessage) -> None:
        """Run one job; a job nobody handles (its feature since switched off) is skipped."""
        handler = self._handlers.get(message.kind)
        if handler is None:
            log.warning("model job %s #%s skipped: that feature is off", message.kind, message.id)
            return
        handler(message)
