"""The judge's cache: one validated answer per masked text, rubric version and model, so the
same text is never paid for twice (table ``judge_verdict``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.judge.verdict import Answer, AnswerError, parse_answer
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.models import JudgeVerdict

MODEL_CHARS = 200  # judge_verdict.model


@dataclass(frozen=True)
class CachedAnswer:
    """An answer read from the cache and what it cost when it was asked for."""

    answer: Answer
    input_tokens: int
    output_tokens: int


class VerdictCache:
    """Answers keyed by (content hash, rubric version, model). Quotes are kept as the model
    gave them and verified again on every read, against the evidence of that review."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, content_hash: str, rubric_version: str, model: str) -> CachedAnswer | None:
        """The cached answer, or None (also for a row that no longer reads as an answer)."""
        with self._db.session() as session:
            row = session.exec(
                select(JudgeVerdict).where(
                    JudgeVerdict.content_hash == content_hash,
                    JudgeVerdict.rubric_version == rubric_version,
                    JudgeVerdict.model == _key_model(model),
                )
            ).first()
        if row is None:
            return None
        try:
            answer = parse_answer(json.dumps(row.verdict))
        except AnswerError:
            return None
        return CachedAnswer(answer, row.input_tokens, row.output_tokens)

    def put(
        self,
        content_hash: str,
        rubric_version: str,
        model: str,
        answer: Answer,
        *,
        input_tokens: int,
        output_tokens: int,
    ) -> None:
        """Keep ``answer``; a row another process wrote first for the same key stays."""
        row = JudgeVerdict(
            content_hash=content_hash,
            rubric_version=rubric_version,
            model=_key_model(model),
            verdict=answer.to_dict(),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            created_at=self._clock.now(),
        )
        try:
            with self._db.write() as session:
                session.add(row)
        except IntegrityError:
            return


def _key_model(model: str) -> str:
    """The model's name as the column holds it."""
    return model[:MODEL_CHARS]
