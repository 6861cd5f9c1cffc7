"""Asking for reproduction runs and reading them back. No Slack and no model calls in here:
a request is checked, stored with its job in one transaction, and the model worker runs it
(``bot.reproduce.job``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from bot.incidents import notices, queries, rows
from bot.incidents.errors import InvalidInput, NotFound, PermissionDenied
from bot.incidents.queries import categories_of
from bot.llm.connection import ModelConnection
from bot.masking.redaction import Redactor
from bot.reproduce.prompt import NoPrompt, Prompt, no_prompt_message, prompt_of
from bot.reproduce.summary import summary_line
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.models import Evidence, Incident, ReproductionOutput, ReproductionRun

MAX_OUTPUTS = 50
DEFAULT_OUTPUTS = 10
MODEL_LIMIT = 200
# A model name as providers spell them ("gpt-4o", "ft:gpt-4o:org::x", "meta-llama/Llama-3-8B").
_MODEL_NAME = re.compile(r"^[^\s\x00-\x1f\x7f]+$")
# Timeline kinds: a run asked for, and its result.
ASKED, REPRODUCED = "reproduction", "reproduced"
NOT_REPRODUCED = "reproduction_failed"  # a run that could not run at all
OFF = (
    "Reproduction runs are off: set SAFETYBOT_TARGET_PROVIDER and SAFETYBOT_TARGET_MODEL "
    "(see docs/reproduce.md)."
)


@dataclass(frozen=True)
class RunView:
    """A run with its incident's key and categories and, when asked for, its outputs."""

    run: ReproductionRun
    key: str
    categories: list[str]
    outputs: list[ReproductionOutput] = field(default_factory=list)
    errors: int = 0

    @property
    def done(self) -> int:
        """Outputs stored so far (failed calls included)."""
        return len(self.outputs)

    def summary(self) -> str:
        """The run in one line: its result when done, else where it stands."""
        run = self.run
        if run.status == "done":
            return summary_line(
                reproduced=run.reproduced,
                requested=run.requested,
                model=run.model,
                counts=run.counts,
                errors=self.errors,
                incident_categories=self.categories,
            )
        if run.status == "failed":
            return f"Run on model {run.model} failed: {run.error or 'unknown error'}"
        return f"Running on model {run.model}: {self.done}/{run.requested} outputs so far"


class ReproductionService:
    """Reproduction runs of one database against the configured target model."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        connection: ModelConnection | None,
        allow_restricted: bool,
        redactor: Redactor,
        on_notice: Callable[[], None] = lambda: None,
    ) -> None:
        """``connection`` is the target (None: the feature is off); ``allow_restricted`` is
        SAFETYBOT_JUDGE_RESTRICTED, the one opt-in for sending restricted incidents."""
        self.db = db
        self.clock = clock
        self.connection = connection
        self.allow_restricted = allow_restricted
        self.redactor = redactor
        self.on_notice = on_notice

    @property
    def enabled(self) -> bool:
        """Whether a target model is configured."""
        return self.connection is not None

    @property
    def default_model(self) -> str:
        """The model a run calls unless another is named."""
        return self.connection.model if self.connection is not None else ""

    def request_run(
        self,
        key: str,
        n: int,
        model: str | None,
        requested_by: str,
        *,
        start_after: float = 0.0,
    ) -> ReproductionRun:
        """Store a run of ``n`` outputs of ``model`` (default: the target's) for incident
        ``key`` and its job, in one transaction; ``InvalidInput`` (naming the field) and
        nothing stored when it cannot run.

        ``start_after`` holds the job back that many seconds: the command line runs the run
        itself, and the bot's worker takes it up only if the command stopped halfway."""
        chosen = self.validated(n, model)
        with self.db.write() as session:
            incident = queries.load(session, key, lock=True)
            prompt = self.sendable(session, incident).masked(self.redactor)
            now = self.clock.now()
            assert incident.id is not None
            run = ReproductionRun(
                incident_id=incident.id,
                model=chosen,
                requested=n,
                requested_by=requested_by[:64],
                created_at=now,
            )
            session.add(run)
            session.flush()
            note = (
                f"asked for {n} output{'s' if n != 1 else ''} of model {chosen} (run {run.id}); "
                f"sent {prompt.source}, {prompt.chars:,} characters, sha256 {prompt.digest()[:16]}"
            )
            session.add(rows.event(incident.id, requested_by, ASKED, now, to=chosen, note=note))
            job = notices.enqueue(
                session,
                notices.REPRODUCTION,
                now,
                incident=incident,
                ordering_key=f"reproduction:{run.id}",
                run_id=run.id,
            )
            job.next_attempt_at = now + timedelta(seconds=start_after)
        self.on_notice()
        return run

    def validated(self, n: int, model: str | None) -> str:
        """The model to call, once the feature is on and ``n`` and ``model`` are fine."""
        if self.connection is None:
            raise InvalidInput(OFF)
        if not 1 <= n <= MAX_OUTPUTS:
            raise InvalidInput(
                f"The number of outputs must be between 1 and {MAX_OUTPUTS}; {n} is not.",
                field="n",
            )
        chosen = (model or "").strip() or self.connection.model
        if len(chosen) > MODEL_LIMIT or not _MODEL_NAME.match(chosen):
            raise InvalidInput(
                f"A model name is one word of at most {MODEL_LIMIT} characters, without "
                f"spaces (the {self.connection.provider} provider's name for it).",
                field="model",
            )
        return chosen

    def sendable(self, session: Session, incident: Incident) -> Prompt:
        """The prompt of ``incident`` if it may be sent; refused when it is restricted
        without the opt-in, or carries no prompt."""
        if incident.restricted and not self.allow_restricted:
            raise PermissionDenied(
                f"{incident.key} is restricted: restricted incidents are sent to a model only "
                "when SAFETYBOT_JUDGE_RESTRICTED=true is set. Nothing was sent."
            )
        evidence = session.scalars(
            select(Evidence).where(col(Evidence.incident_id) == incident.id)
        ).one()
        prompt = prompt_of(evidence.text, evidence.prompt)
        if prompt is None:
            raise NoPrompt(no_prompt_message(incident.key))
        return prompt

    def check(self, key: str) -> Prompt:
        """The masked prompt a run of ``key`` would send; refused as ``request_run`` would."""
        if self.connection is None:
            raise InvalidInput(OFF)
        with self.db.session() as session:
            incident = queries.load(session, key)
            return self.sendable(session, incident).masked(self.redactor)

    # --- reading ------------------------------------------------------------------------

    def runs_of(self, key: str) -> list[RunView]:
        """The runs of incident ``key``, oldest first, with their outputs."""
        with self.db.session() as session:
            incident = queries.load(session, key)
            runs = session.scalars(
                select(ReproductionRun)
                .where(col(ReproductionRun.incident_id) == incident.id)
                .order_by(col(ReproductionRun.id))
            ).all()
            return [self._view(session, run, incident) for run in runs]

    def run(self, run_id: int, *, key: str | None = None) -> RunView:
        """One run with its outputs in position order; with ``key``, only a run of that
        incident."""
        with self.db.session() as session:
            run = session.get(ReproductionRun, run_id)
            incident = session.get(Incident, run.incident_id) if run is not None else None
            if run is None or incident is None or (key and incident.key != key.strip().upper()):
                where = f" of {key.strip().upper()}" if key else ""
                raise NotFound(f"There is no reproduction run {run_id}{where}.")
            return self._view(session, run, incident)

    def _view(self, session: Session, run: ReproductionRun, incident: Incident) -> RunView:
        assert incident.id is not None
        outputs = list(
            session.scalars(
                select(ReproductionOutput)
                .where(col(ReproductionOutput.run_id) == run.id)
                .order_by(col(ReproductionOutput.position))
            ).all()
        )
        return RunView(
            run=run,
            key=incident.key,
            categories=categories_of(session, [incident.id]).get(incident.id, []),
            outputs=outputs,
            errors=sum(1 for o in outputs if o.error),
        )
