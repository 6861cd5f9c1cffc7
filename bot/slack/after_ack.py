"""Work a listener leaves for after its ack, run in the listener pool the composition root owns.

The Bolt app answers on the request's thread (``process_before_response=True``): a listener
acks, hands what comes next (opening a modal, applying a click, publishing a home) to
:class:`AfterAck`, and returns, so the ack goes back at once. Bolt's default instead runs
the listener in a pool and checks for the ack every 10 ms, which made every ack cost at
least that.

The work runs with the request's logging context (request id, user). Its errors are
reported as Bolt reports a listener's: logged with the traceback, and told to the user
through the request's response URL when it has one.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from slack_bolt.context.respond import Respond

log = logging.getLogger(__name__)

# Told of an error in a listener: the error, the request's body, and how to answer its user.
Report = Callable[[Exception, dict[str, Any], Respond], None]


class ListenerPool(ThreadPoolExecutor):
    """Threads for the work after the ack, each run in the context of the request that
    handed it over."""

    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="safetybot-listener")

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


class AfterAck:
    """Hands a listener's work after its ack to ``pool``; ``report`` is told of its errors."""

    def __init__(self, pool: Executor, report: Report) -> None:
        self.pool = pool
        self.report = report

    def __call__(self, work: Callable[[], object], *, body: dict[str, Any]) -> None:
        """Run ``work`` in the pool; an error in it is reported for the request ``body``.

        Never raises: Bolt would turn the ack already given into a 500. Once the pool is
        shut down (the bot is stopping), the work runs here instead of being dropped.
        """

        def run() -> None:
            try:
                work()
            except Exception as error:
                self.report(error, body, Respond(response_url=body.get("response_url")))

        try:
            self.pool.submit(run)
        except RuntimeError:  # shut down
            log.info("stopping: the work after an ack runs on the request's thread")
            run()
