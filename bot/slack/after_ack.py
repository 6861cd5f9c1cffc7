"""Work a listener leaves for after its ack, run in the listener pool the composition root owns.

The Bolt app answers on the request's thread (``process_before_response=True``): a listener
acks, hands what comes next (opening a modal, applying a click, publishing a home) to
:class:`AfterAck`, and returns, so the ack goes back at once. Bolt's default instead runs
the listener in a pool and checks for the ack every 10 ms, which made every ack cost at
least that.

Where the ack is sent (the HTTP adapter, the Socket Mode handler), :func:`answer_first`
holds the work handed over until the ack has been written: the work then never competes
with its own ack for the interpreter (a 10 KB report form's checks would otherwise delay the
shortcut's ack by a thread switch or two).

The work runs with the request's logging context (request id, user). Its errors are
reported as Bolt reports a listener's: logged with the traceback, and told to the user
through the request's response URL when it has one.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any

from slack_bolt.context.respond import Respond

log = logging.getLogger(__name__)

# Told of an error in a listener: the error, the request's body, and how to answer its user.
Report = Callable[[Exception, dict[str, Any], Respond], None]
# The work handed over while the request's ack is being sent: started once it is.
_HELD: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "safetybot_after_ack_held", default=None
)


class ListenerPool(ThreadPoolExecutor):
    """Threads for the listeners' work after their acks."""

    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="safetybot-listener")


@contextmanager
def answer_first() -> Iterator[None]:
    """Hold the work handed over in this block (and in threads started from it with its
    context, as ``asyncio.to_thread`` does) until the block ends; end it once the ack is sent.
    """
    held: list[Callable[[], None]] = []
    token = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(token)
        for start in held:
            start()


class AfterAck:
    """Hands a listener's work after its ack to ``pool``; ``report`` is told of its errors."""

    def __init__(self, pool: Executor, report: Report) -> None:
        self.pool = pool
        self.report = report

    def __call__(self, work: Callable[[], object], *, body: dict[str, Any]) -> None:
        """Run ``work`` in the pool, once the ack is sent when that is held back
        (:func:`answer_first`); an error in it is reported for the request ``body``.

        Never raises: Bolt would turn the ack already given into a 500. Once the pool is
        shut down (the bot is stopping), the work runs here instead of being dropped.
        """

        def run() -> None:
            try:
                work()
            except Exception as error:
                self.report(error, body, Respond(response_url=body.get("response_url")))

        start = partial(self._start, contextvars.copy_context(), run)
        held = _HELD.get()
        if held is None:
            start()
        else:
            held.append(start)

    def _start(self, context: contextvars.Context, run: Callable[[], None]) -> None:
        try:
            self.pool.submit(context.run, run)
        except RuntimeError:  # shut down
            log.info("stopping: the work after an ack runs on the request's thread")
            context.run(run)
