"""The judge: masks the evidence, asks the model with the rubric, reads and verifies its
answer, and keeps it in the cache."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.checks.models import CheckResult
from bot.judge.cache import VerdictCache
from bot.judge.evidence import MAX_EVIDENCE_CHARS, SentEvidence, prepare, sensitive_spans
from bot.judge.rubric import RUBRIC_VERSION, system_prompt, user_message
from bot.judge.verdict import Answer, AnswerError, Opinion, parse_answer, verify
from bot.llm.connection import Message, ModelClient
from bot.masking.redaction import Redactor, Span

# Twelve entries of a verdict, an actuality and a quote of up to about 200 characters, plus
# a line of reasoning, with room to spare.
MAX_ANSWER_TOKENS = 2048


@dataclass(frozen=True)
class _Cost:
    """What an opinion cost: a cached one reports what it cost when it was asked for, and
    no latency."""

    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    cached: bool = False


class Judge:
    """A second opinion on evidence from a judge model, against the rubric."""

    def __init__(
        self,
        client: ModelClient,
        *,
        redactor: Redactor,
        cache: VerdictCache | None = None,
        limit: int = MAX_EVIDENCE_CHARS,
        checks: Callable[[str], CheckResult] | None = None,
    ) -> None:
        """``checks``, when given, finds the personal data the redactor's patterns cannot
        see (a named person's health) in every text whose caller passes no spans."""
        self._client = client
        self._checks = checks
        self._redactor = redactor
        self._cache = cache
        self._limit = limit

    @property
    def model(self) -> str:
        """The judge model's name (findings carry it as ``judge:<model>``)."""
        return self._client.model

    def review(self, text: str, *, sensitive: Iterable[Span] = ()) -> Opinion:
        """The judge's opinion on ``text``: credentials and personal data (the redactor's
        patterns, and the ``sensitive`` spans, e.g. ``evidence.sensitive_spans`` of the
        checks' result) are masked before anything is sent, a cached answer for the same
        masked text makes no call, and an unreadable answer is an opinion with ``error``
        set. A failed call raises ``ModelError`` (``BudgetSpent`` when the budget is spent)."""
        spans = list(sensitive)
        if not spans and self._checks is not None:
            spans = sensitive_spans(self._checks(text))
        sent = prepare(text, self._redactor, self._limit, spans)
        cached = self._cached(sent)
        if cached is not None:
            return cached
        started = time.monotonic()
        reply = self._client.complete(
            [Message("user", user_message(sent))],
            system=system_prompt(),
            max_tokens=MAX_ANSWER_TOKENS,
        )
        cost = _Cost(reply.input_tokens, reply.output_tokens, time.monotonic() - started)
        try:
            answer = parse_answer(reply.text)
        except AnswerError as exc:
            return self._opinion(sent, None, cost, error=str(exc))
        if self._cache is not None:
            self._cache.put(
                sent.content_hash,
                RUBRIC_VERSION,
                self.model,
                answer,
                input_tokens=reply.input_tokens,
                output_tokens=reply.output_tokens,
            )
        return self._opinion(sent, answer, cost)

    def _cached(self, sent: SentEvidence) -> Opinion | None:
        if self._cache is None:
            return None
        hit = self._cache.get(sent.content_hash, RUBRIC_VERSION, self.model)
        if hit is None:
            return None
        cost = _Cost(hit.input_tokens, hit.output_tokens, cached=True)
        return self._opinion(sent, hit.answer, cost)

    def _opinion(
        self,
        sent: SentEvidence,
        answer: Answer | None,
        cost: _Cost,
        *,
        error: str | None = None,
    ) -> Opinion:
        return Opinion(
            model=self.model,
            rubric_version=RUBRIC_VERSION,
            categories=verify(answer, sent) if answer is not None else (),
            severity=answer.severity if answer is not None else "none",
            reasoning=answer.reasoning if answer is not None else "",
            content_hash=sent.content_hash,
            sent_chars=len(sent.text),
            input_tokens=cost.input_tokens,
            output_tokens=cost.output_tokens,
            latency_s=cost.latency_s,
            cached=cost.cached,
            error=error,
        )
