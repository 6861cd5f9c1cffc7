"""The judge's review of a new incident: the model job ``judge_review`` (docs/judge.md).

It runs in the model jobs' worker, never on a request's path. The judge reads the
evidence (it masks credentials and personal data before anything is sent); its opinion is
then written in one transaction: its findings (source ``judge:<model>``), one ``judge``
event on the timeline (what was sent as a sha256 hash and a size, never the text, and where
the judge agrees and disagrees with the quick checks), and the thread reply.

A failed or slow judge changes nothing: a model error is raised to the worker as
``HttpRefused`` or ``TimeoutError`` and the job is tried again later. The job is safe to run
again after a crash: a review already recorded is never asked for or written twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bot.incidents import notices, rows
from bot.incidents.errors import NotFound
from bot.incidents.judged import JUDGE_EVENT, UNREADABLE, review_event, source_of
from bot.incidents.ports import Checker
from bot.incidents.records import IncidentDetail
from bot.incidents.service import IncidentService
from bot.judge.compare import Comparison, compare
from bot.judge.reviewer import Reviewer
from bot.judge.verdict import Opinion
from bot.llm.connection import BudgetSpent, ModelError
from bot.masking.masked_views import EvidenceMask, stored_spans
from bot.runtime.clock import Clock
from bot.runtime.http_refusal import HttpRefused
from bot.store.db import Database
from bot.store.models import Event, Finding, Incident, OutboxMessage

log = logging.getLogger(__name__)
UNREADABLE_NOTE = "judge answer unreadable"


class JudgeJob:
    """The handler of ``judge_review`` model jobs."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        incidents: IncidentService,
        reviewer: Reviewer,
        checker: Checker,
        restricted: bool = False,
        on_notice: Callable[[], None] = lambda: None,
    ) -> None:
        """``checker`` runs the quick checks the judge is compared with; ``restricted``
        (SAFETYBOT_JUDGE_RESTRICTED) lets restricted incidents be sent; ``on_notice`` wakes
        the posts' outbox once the reply is queued."""
        self.db = db
        self.clock = clock
        self.incidents = incidents
        self.reviewer = reviewer
        self.checker = checker
        self.restricted = restricted
        self.on_notice = on_notice

    def __call__(self, message: OutboxMessage) -> None:
        """Review the incident the job names, once."""
        detail = self._detail(message)
        if detail is None:
            return
        incident = detail.incident
        if incident.restricted and not self.restricted:
            log.info("%s is restricted: not sent to the judge", incident.key)
            return
        if any(e.kind == JUDGE_EVENT for e in detail.events):
            return  # recorded by an earlier run
        text = detail.evidence.text
        opinion = ask(self.reviewer, text)
        comparison = compare(opinion, self.checker.run(text))
        masker = EvidenceMask(self.incidents.redactor, text, stored_spans(detail.findings))
        with self.db.write() as session:
            locked = session.get(Incident, incident.id, with_for_update=True)
            if locked is None or review_event(session, incident.id or 0) is not None:
                return
            record(session, locked, opinion, comparison, masker, now=self.clock.now())
        self.on_notice()

    def _detail(self, message: OutboxMessage) -> IncidentDetail | None:
        if message.incident_id is None:
            return None
        try:
            return self.incidents.detail_by_id(message.incident_id)
        except NotFound:
            log.warning("judge review #%s: its incident is gone", message.id)
            return None


def ask(reviewer: Reviewer, text: str) -> Opinion:
    """The judge's opinion; a model's failure as the outbox reads it: 429 waits (a spent
    budget until tomorrow), 5xx and timeouts back off, other 4xx fail for good."""
    try:
        return reviewer.review(text)
    except BudgetSpent as exc:
        raise HttpRefused(429, retry_after=exc.retry_after) from exc
    except ModelError as exc:
        status = exc.status
        if not exc.retryable:
            raise HttpRefused(status if status and 400 <= status < 500 else 400) from exc
        if status is None:
            raise TimeoutError(f"the judge did not answer: {exc}") from exc
        raise HttpRefused(
            status if status == 429 or status >= 500 else 503, retry_after=exc.retry_after
        ) from exc


def record(
    session: Session,
    incident: Incident,
    opinion: Opinion,
    comparison: Comparison,
    masker: EvidenceMask,
    *,
    now: datetime,
) -> Event:
    """Write the opinion: findings, the ``judge`` event and (when readable) the thread reply."""
    assert incident.id is not None
    source = source_of(opinion.model)
    readable = opinion.error is None
    if readable:
        session.add_all(finding_rows(incident.id, opinion, source, masker))
    event = rows.event(
        incident.id,
        source[:64],
        JUDGE_EVENT,
        now,
        to=opinion.severity[:300] if readable else UNREADABLE,
        note=event_note(opinion, comparison),
    )
    session.add(event)
    session.flush()
    if readable:
        notices.enqueue(
            session,
            notices.JUDGE_REPLY,
            now,
            incident=incident,
            event_id=event.id,
            source=source,
            summary=comparison.summary,
            severity=opinion.severity,
            reasoning=masker.free(opinion.reasoning)[:500],
        )
    return event


def finding_rows(
    incident_id: int, opinion: Opinion, source: str, masker: EvidenceMask
) -> list[Finding]:
    """The judge's supported findings as rows; the quote masked as the evidence is."""
    return [
        Finding(
            incident_id=incident_id,
            category=verdict.category[:40],
            check_id=f"judge.{verdict.category}"[:120],
            score=1.0,
            actuality=verdict.actuality[:12],
            spans=_spans(verdict.span, masker.length),
            excerpt=masker.free(verdict.quote),
            source=source,
        )
        for verdict in opinion.found()
    ]


def _spans(span: tuple[int, int] | None, length: int) -> list[list[int]]:
    """The quote's span in the evidence, when it lies within it."""
    if span is None or not 0 <= span[0] < span[1] <= length:
        return []
    return [[span[0], span[1]]]


def event_note(opinion: Opinion, comparison: Comparison) -> str:
    """What the timeline says of a review: what was sent (a hash and a size, never the text)
    and where the judge stands against the quick checks."""
    sent = f"sent {opinion.sent_chars:,} characters, sha256 {opinion.content_hash}"
    rubric = f"rubric {opinion.rubric_version}" + (", cached" if opinion.cached else "")
    if opinion.error is not None:
        return f"{UNREADABLE_NOTE} ({rubric}; {sent})"
    return f"{comparison.summary}; severity {opinion.severity} ({rubric}; {sent})"
