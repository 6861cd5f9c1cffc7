"""Running one reproduction run: the model worker's handler of ``reproduction`` jobs, and
what ``safetybot reproduce`` runs inline.

Each output is stored the moment it arrives, one row per position, so a run taken up again
after a crash sends only the positions still missing, and is finished (timeline event,
thread reply) exactly once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.checks import CheckResult
from bot.incidents import notices, rows
from bot.incidents.queries import categories_of
from bot.llm.connection import BudgetSpent, ModelClient, ModelError, ModelReply
from bot.masking.redaction import Redactor
from bot.reproduce.prompt import Prompt, no_prompt_message, prompt_of
from bot.reproduce.runs import NOT_REPRODUCED, REPRODUCED
from bot.reproduce.summary import summary_line, tally
from bot.runtime.clock import Clock
from bot.runtime.http_refusal import HttpRefused
from bot.store.db import Database
from bot.store.dialect import conflict_insert
from bot.store.models import (
    Evidence,
    Incident,
    OutboxMessage,
    ReproductionOutput,
    ReproductionRun,
)

log = logging.getLogger(__name__)

# Room for a long answer (an email, a plan) without letting one output eat the budget.
MAX_OUTPUT_TOKENS = 2048
ERROR_LIMIT = 300
# Until tomorrow, when the daily budget says nothing else.
DEFAULT_WAIT = 3600.0

Checker = Callable[[str], CheckResult]
Review = Callable[[str], dict[str, Any] | None]
ClientFor = Callable[[str], ModelClient]
Progress = Callable[[int, int], None]


class ReproductionJob:
    """Sends a run's prompt to its model once per missing position and records each output
    with its quick checks (and the judge's review, when one is given)."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        checks: Checker,
        redactor: Redactor,
        client_for: ClientFor,
        concurrency: int = 4,
        review: Review | None = None,
        allow_restricted: bool = False,
        on_notice: Callable[[], None] = lambda: None,
    ) -> None:
        """``client_for(model)`` gives the client of the run's model (built when a run
        starts); ``review(text)`` is the judge's opinion of one output as JSON, or None;
        ``allow_restricted`` is SAFETYBOT_JUDGE_RESTRICTED."""
        self.db = db
        self.clock = clock
        self.checks = checks
        self.redactor = redactor
        self.client_for = client_for
        self.concurrency = max(1, concurrency)
        self.review = review
        self.allow_restricted = allow_restricted
        self.on_notice = on_notice

    def __call__(self, message: OutboxMessage) -> None:
        """The outbox handler: run the job's run."""
        self.run(int(message.data["run_id"]))

    def run(self, run_id: int, *, progress: Progress | None = None) -> ReproductionRun | None:
        """Bring run ``run_id`` to its end; ``HttpRefused(429)`` when the daily budget ran
        out first (the outputs so far are kept). None when the run no longer exists."""
        with self.db.session() as session:
            run = session.get(ReproductionRun, run_id)
            if run is None or run.status in ("done", "failed"):
                return run
            incident = session.get(Incident, run.incident_id)
            assert incident is not None
            evidence = session.scalars(
                select(Evidence).where(col(Evidence.incident_id) == incident.id)
            ).one()
            done = set(
                session.scalars(
                    select(col(ReproductionOutput.position)).where(
                        col(ReproductionOutput.run_id) == run_id
                    )
                ).all()
            )
        prompt = prompt_of(evidence.text, evidence.prompt)
        if prompt is None:
            return self._fail(run_id, no_prompt_message(incident.key))
        # Asked for while restricted incidents were allowed, refused once they are not.
        if incident.restricted and not self.allow_restricted:
            return self._fail(run_id, "restricted, and SAFETYBOT_JUDGE_RESTRICTED is off")
        self._mark_running(run_id)
        missing = [p for p in range(1, run.requested + 1) if p not in done]
        if missing:
            self._send(run, prompt.masked(self.redactor), missing, len(done), progress)
        return self._finish(run_id)

    def _send(
        self,
        run: ReproductionRun,
        prompt: Prompt,
        positions: list[int],
        already: int,
        progress: Progress | None,
    ) -> None:
        client = self.client_for(run.model)
        stop = threading.Event()
        spent: list[BudgetSpent] = []
        counter = {"done": already}
        lock = threading.Lock()

        def one(position: int) -> None:
            if stop.is_set():
                return
            try:
                reply: ModelReply | ModelError = client.complete(
                    list(prompt.messages), system=prompt.system, max_tokens=MAX_OUTPUT_TOKENS
                )
            except BudgetSpent as exc:
                stop.set()
                spent.append(exc)
                return
            except ModelError as exc:
                reply = exc
            assert run.id is not None
            self._store(run.id, position, reply)
            with lock:
                counter["done"] += 1
                if progress is not None:
                    progress(counter["done"], run.requested)

        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="safetybot-repro") as pool:
            list(pool.map(one, positions))
        if spent:
            wait = spent[0].retry_after or DEFAULT_WAIT
            log.warning("reproduction run %s paused: the target's daily budget is spent", run.id)
            raise HttpRefused(429, retry_after=wait)

    def _store(self, run_id: int, position: int, reply: ModelReply | ModelError) -> None:
        """One output with its checks; a position already stored (a run taken up twice) is
        left as it is."""
        values: dict[str, Any] = {
            "run_id": run_id,
            "position": position,
            "created_at": self.clock.now(),
        }
        if isinstance(reply, ModelError):
            message = self.redactor.text(str(reply) or type(reply).__name__)
            values.update(text="", error=message[:ERROR_LIMIT], categories=[], checks={})
        else:
            result = self.checks(reply.text)
            values.update(
                text=reply.text,
                categories=list(result.categories),
                severity=result.severity,
                actuality=result.actuality,
                checks=checks_json(result),
                judge=self._review(reply.text),
                input_tokens=reply.input_tokens,
                output_tokens=reply.output_tokens,
            )
        with self.db.write() as session:
            statement = conflict_insert(session, ReproductionOutput).values(**values)
            session.execute(statement.on_conflict_do_nothing())

    def _review(self, text: str) -> dict[str, Any] | None:
        """The judge's opinion of one output; a failing judge never fails the run."""
        if self.review is None or not text:
            return None
        try:
            return self.review(text)
        except Exception as exc:  # the judge is a second opinion, never a blocker
            log.warning("the judge could not review a reproduction output: %s", type(exc).__name__)
            return {"error": self.redactor.text(str(exc))[:ERROR_LIMIT]}

    def _mark_running(self, run_id: int) -> None:
        with self.db.write() as session:
            run = session.get(ReproductionRun, run_id)
            if run is not None and run.status == "pending":
                run.status = "running"
                session.add(run)

    def _finish(self, run_id: int) -> ReproductionRun | None:
        """Count the outputs, close the run, and tell the timeline and the triage thread,
        once: a run already done is left alone."""
        with self.db.write() as session:
            run = session.get(ReproductionRun, run_id, with_for_update=True)
            if run is None or run.status == "done":
                return run
            incident = session.get(Incident, run.incident_id)
            assert incident is not None and incident.id is not None
            outputs = session.scalars(
                select(ReproductionOutput).where(col(ReproductionOutput.run_id) == run_id)
            ).all()
            wanted = categories_of(session, [incident.id]).get(incident.id, [])
            reproduced, counts, errors = tally(outputs, wanted)
            now = self.clock.now()
            run.status, run.reproduced, run.counts, run.finished_at = (
                "done",
                reproduced,
                counts,
                now,
            )
            session.add(run)
            line = summary_line(
                reproduced=reproduced,
                requested=run.requested,
                model=run.model,
                counts=counts,
                errors=errors,
                incident_categories=wanted,
            )
            actor = run.requested_by
            session.add(rows.event(incident.id, actor, REPRODUCED, now, to=run.model, note=line))
            notices.enqueue(
                session, notices.REPRODUCTION_REPLY, now, incident=incident, run_id=run.id
            )
        self.on_notice()
        return run

    def _fail(self, run_id: int, reason: str) -> ReproductionRun | None:
        """Close the run as failed and say why on the timeline and in the triage thread,
        once, so whoever asked for it is not left waiting."""
        with self.db.write() as session:
            run = session.get(ReproductionRun, run_id, with_for_update=True)
            if run is None or run.status in ("done", "failed"):
                return run
            now = self.clock.now()
            run.status, run.error, run.finished_at = "failed", reason[:300], now
            session.add(run)
            incident = session.get(Incident, run.incident_id)
            assert incident is not None and incident.id is not None
            note = f"Run on model {run.model} failed: {reason}"
            session.add(
                rows.event(
                    incident.id, run.requested_by, NOT_REPRODUCED, now, to=run.model, note=note
                )
            )
            notices.enqueue(
                session, notices.REPRODUCTION_REPLY, now, incident=incident, run_id=run.id
            )
        self.on_notice()
        return run


def checks_json(result: CheckResult) -> dict[str, Any]:
    """What an output's row keeps of its checks: the verdict and the findings, no segments."""
    return {
        "categories": list(result.categories),
        "possible": list(result.possible),
        "scores": dict(result.scores),
        "reason": result.reason,
        "findings": [
            {
                "category": f.category,
                "check_id": f.check_id,
                "score": f.score,
                "actuality": f.actuality,
                "spans": [[int(a), int(b)] for a, b in f.spans],
            }
            for f in result.findings
        ],
    }
