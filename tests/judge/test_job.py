"""The judge's review job: queued with the report, written once, failures left to retry."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.checks import CheckEngine
from bot.incidents import notices
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.judge.verdict import Opinion
from bot.llm.connection import BudgetSpent, ModelError
from bot.llm.jobs import ModelJobs
from bot.runtime.clock import FixedClock
from bot.runtime.http_refusal import HttpRefused
from bot.slack.outbox import Outbox
from bot.store.db import Database
from bot.store.models import Incident, OutboxMessage
from bot.testing.fake_model import ScriptedModel
from tests.judge.job_helpers import (
    COERCION,
    EVIDENCE,
    KEY,
    QUOTE,
    job_for,
    judge_rows,
    judged_service,
    kinds,
    review_jobs,
)


def _report(service: IncidentService, *, restricted: bool = False) -> Incident:
    request = ReportRequest(text=EVIDENCE, reporter_id="UREPORTER", restricted=restricted)
    return service.report(request).incident


@pytest.fixture
def judged(db: Database, checks: CheckEngine, clock: FixedClock) -> IncidentService:
    return judged_service(db, checks, clock)


def test_a_report_queues_one_review_in_its_own_ordering_key(judged: IncidentService) -> None:
    """A new incident is queued for the judge in the report's transaction, keyed judge:<id>."""
    incident = _report(judged)
    jobs = review_jobs(judged.db)
    assert [(j.incident_id, j.ordering_key) for j in jobs] == [
        (incident.id, f"judge:{incident.id}")
    ]


def test_restricted_incidents_are_queued_only_with_the_opt_in(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """A restricted incident is not queued by default, and is with judge_restricted."""
    _report(judged_service(db, checks, clock), restricted=True)
    assert review_jobs(db) == []
    opted = judged_service(db, checks, clock, judge_restricted=True)
    incident = _report(opted, restricted=True)
    assert [j.incident_id for j in review_jobs(db)] == [incident.id]


def test_the_job_writes_findings_event_and_reply_once(judged: IncidentService) -> None:
    """The opinion becomes judge:<model> findings, one judge event with the hash and size
    of what was sent (never the text) and one reply; running the job again adds nothing."""
    incident = _report(judged)
    model = ScriptedModel(model="judge-x", script=[COERCION])
    job = job_for(judged, model)
    opinions: list[Opinion] = []
    judge = job.reviewer

    class Recording:
        model = judge.model

        def review(self, text: str) -> Opinion:
            opinions.append(judge.review(text))
            return opinions[-1]

    job.reviewer = Recording()
    message = review_jobs(judged.db)[0]
    job(message)
    job(message)
    assert len(model.calls) == 1 and len(opinions) == 1
    findings, events = judge_rows(judged.db, incident.id or 0)
    assert [(f.category, f.check_id, f.actuality, f.source) for f in findings] == [
        ("coercion", "judge.coercion", "executed", "judge:judge-x")
    ]
    start = EVIDENCE.index(QUOTE)
    assert findings[0].spans == [[start, start + len(QUOTE)]]
    assert findings[0].excerpt == QUOTE
    [event] = events
    [opinion] = opinions
    assert re.fullmatch(r"[0-9a-f]{64}", opinion.content_hash) and opinion.sent_chars > 0
    assert f"sha256 {opinion.content_hash}" in (event.note or "")
    assert f"sent {opinion.sent_chars:,} characters" in (event.note or "")
    assert QUOTE not in (event.note or "") and "archive" not in (event.note or "")
    assert event.to_value == "high"
    [reply] = kinds(judged.db, "judge_reply")
    assert reply.ordering_key == f"incident:{incident.id}"
    assert reply.data["event_id"] == event.id and reply.data["severity"] == "high"


def test_the_key_in_the_evidence_is_never_sent(judged: IncidentService) -> None:
    """Credentials in the evidence are masked before the text reaches the model."""
    _report(judged)
    model = ScriptedModel(script=[COERCION])
    job_for(judged, model)(review_jobs(judged.db)[0])
    sent = " ".join(m.content for call in model.calls for m in call.messages)
    assert KEY not in sent and KEY not in model.calls[0].system
    assert "archive the old reports" in sent


def test_a_crash_after_the_model_call_resumes_once(
    judged: IncidentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that dies after the judge answered and before its commit leaves nothing; run
    again, it writes its findings, event and reply once."""
    incident = _report(judged)
    model = ScriptedModel(script=[COERCION, COERCION])
    job = job_for(judged, model)
    message = review_jobs(judged.db)[0]

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("worker died")

    monkeypatch.setattr("bot.judge.job.record", crash)
    with pytest.raises(RuntimeError):
        job(message)
    assert judge_rows(judged.db, incident.id or 0) == ([], [])
    assert kinds(judged.db, "judge_reply") == []
    monkeypatch.undo()
    job(message)
    job(message)
    findings, events = judge_rows(judged.db, incident.id or 0)
    assert len(findings) == 1 and len(events) == 1
    assert len(kinds(judged.db, "judge_reply")) == 1


def test_an_unreadable_answer_is_one_note_and_no_findings(judged: IncidentService) -> None:
    """An answer that is not the rubric's JSON records one timeline note, nothing else."""
    incident = _report(judged)
    job = job_for(judged, ScriptedModel(script=["I think it is fine {not json"]))
    message = review_jobs(judged.db)[0]
    job(message)
    job(message)
    findings, events = judge_rows(judged.db, incident.id or 0)
    assert findings == []
    assert [e.note.split(" (")[0] for e in events if e.note] == ["judge answer unreadable"]
    assert kinds(judged.db, "judge_reply") == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (BudgetSpent("spent", status=429, retry_after=3600.0), HttpRefused(429, retry_after=3600)),
        (ModelError("slow down", status=429, retry_after=7.0), HttpRefused(429, retry_after=7)),
        (ModelError("down", status=503), HttpRefused(503)),
        (ModelError("bad key", status=401, retryable=False), HttpRefused(401)),
    ],
)
def test_model_errors_become_refusals_the_outbox_retries(
    judged: IncidentService, error: ModelError, expected: HttpRefused
) -> None:
    """A failed judge raises what the outbox retries (or gives up on) and changes nothing."""
    incident = _report(judged)
    before = judged.detail(incident.key)
    with pytest.raises(HttpRefused) as raised:
        job_for(judged, ScriptedModel(script=[error]))(review_jobs(judged.db)[0])
    assert (raised.value.status, raised.value.retry_after) == (
        expected.status,
        expected.retry_after,
    )
    after = judged.detail(incident.key)
    assert after.incident == before.incident and after.events == before.events
    assert after.judge_findings == [] and kinds(judged.db, "judge_reply") == []


def test_a_timeout_is_raised_as_one(judged: IncidentService) -> None:
    """A judge that never answered is a TimeoutError for the outbox to retry."""
    _report(judged)
    with pytest.raises(TimeoutError):
        job_for(judged, ScriptedModel(script=[ModelError("timed out")]))(review_jobs(judged.db)[0])


def test_a_restricted_incident_queued_before_the_opt_in_was_removed_is_not_sent(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """The job itself refuses a restricted incident unless the opt-in is on now."""
    opted = judged_service(db, checks, clock, judge_restricted=True)
    _report(opted, restricted=True)
    model = ScriptedModel(script=[COERCION])
    job_for(opted, model)(review_jobs(db)[0])
    assert model.calls == []


def test_no_judge_no_review(service: IncidentService, db: Database) -> None:
    """Without a judge nothing is queued for one."""
    _report(service)
    with db.session() as session:
        kinds_ = {m.kind for m in session.scalars(select(OutboxMessage)).all()}
    assert "judge_review" not in kinds_


class Died(BaseException):
    """A worker process dying mid-job (not an error the outbox could record)."""


def test_a_worker_dying_mid_job_is_resumed_by_the_outbox_once(
    judged: IncidentService, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the model jobs' outbox: a worker that dies after the judge answered leaves the
    job leased; once the lease runs out another worker runs it, and it is written once."""
    incident = _report(judged)
    model = ScriptedModel(default=COERCION)
    jobs = ModelJobs()
    jobs.register(notices.JUDGE_REVIEW, job_for(judged, model))
    outbox = Outbox(
        db=judged.db, deliver=jobs.run, clock=clock, kinds=notices.MODEL_JOBS, lease_seconds=60
    )

    def die(*args: object, **kwargs: object) -> None:
        raise Died

    monkeypatch.setattr("bot.judge.job.record", die)
    with pytest.raises(Died):
        outbox.run_once()
    monkeypatch.undo()
    assert len(model.calls) == 1 and outbox.run_once() == 0  # still leased
    clock.advance(seconds=61)
    assert outbox.run_once() == 1
    clock.advance(seconds=3600)
    assert outbox.run_once() == 0
    findings, events = judge_rows(judged.db, incident.id or 0)
    assert len(findings) == 1 and len(events) == 1
    assert len(kinds(judged.db, "judge_reply")) == 1
    [job] = review_jobs(judged.db)
    assert job.status == "sent"
