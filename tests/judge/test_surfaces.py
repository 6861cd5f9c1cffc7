"""The judge's findings on the command line (``show`` and ``show --json``), marked as the
judge's, and the service that applies its categories."""

from __future__ import annotations

import pytest
from rich.console import Console

from bot.checks import CheckEngine
from bot.cli import json_views, render
from bot.incidents.errors import InvalidInput, PermissionDenied
from bot.incidents.permissions import Permissions, TriageTeam
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.masking.masked_views import masked_detail
from bot.runtime.clock import FixedClock
from bot.slack.app import TEMPLATES
from bot.slack.blocks import TemplateRenderer
from bot.slack.judge_present import reply_context
from bot.store.db import Database
from bot.testing.fake_model import ScriptedModel
from tests.judge.job_helpers import (
    COERCION,
    EVIDENCE,
    KEY,
    QUOTE,
    answer,
    job_for,
    judged_service,
    review_jobs,
)


@pytest.fixture
def judged(db: Database, checks: CheckEngine, clock: FixedClock) -> IncidentService:
    return judged_service(db, checks, clock)


def _reviewed(service: IncidentService, answer: str = COERCION) -> str:
    key = service.report(ReportRequest(text=EVIDENCE, reporter_id="UREPORTER")).incident.key
    job_for(service, ScriptedModel(model="judge-x", script=[answer]))(review_jobs(service.db)[-1])
    return key


def test_show_json_lists_the_judges_findings_apart(judged: IncidentService) -> None:
    """``show --json`` keeps the checks' findings as they were and adds the judge's, each
    with its source."""
    key = _reviewed(judged)
    shown = json_views.detail_json(masked_detail(judged.detail(key), judged.redactor))
    assert all("source" not in f for f in shown["findings"])
    assert [(f["category"], f["source"], f["excerpt"]) for f in shown["judge_findings"]] == [
        ("coercion", "judge:judge-x", QUOTE)
    ]
    assert KEY not in str(shown["judge_findings"]) and KEY not in str(shown["timeline"])


def test_show_prints_the_judges_findings_marked(judged: IncidentService) -> None:
    """``safetybot show`` prints the judge's findings under their own heading, with the source."""
    key = _reviewed(judged)
    console = Console(record=True, width=200)
    render.incident_detail(console, masked_detail(judged.detail(key), judged.redactor))
    out = console.export_text()
    assert "the judge's findings" in out and "judge:judge-x" in out and QUOTE in out


def test_applying_needs_triage_and_a_readable_opinion(judged: IncidentService) -> None:
    """Only the triage team may apply the judge's categories, and only a readable opinion."""
    rules = Permissions(TriageTeam(users=["UTRIAGE1"], clock=judged.clock))
    key = _reviewed(judged)
    with pytest.raises(PermissionDenied):
        judged.apply_judge_categories(key, actor="UOTHER", rules=rules)
    event = judged.apply_judge_categories(key, actor="UTRIAGE1", rules=rules)
    assert event is not None and event.to_value == "coercion"
    assert judged.apply_judge_categories(key, actor="UTRIAGE1", rules=rules) is None
    assert judged.detail(key).categories == ["coercion"]
    unread = _reviewed(judged, "no json here")
    assert [e.to_value for e in judged.detail(unread).events if e.kind == "judge"] == ["unreadable"]
    with pytest.raises(InvalidInput):
        judged.apply_judge_categories(unread, actor="UTRIAGE1", rules=rules)


def test_the_reply_offers_to_apply_only_what_the_judge_found(judged: IncidentService) -> None:
    """The thread reply's Apply button is there when the judge found a category, and gone
    when it found none (applying "none" would clear the incident's categories)."""
    renderer = TemplateRenderer(TEMPLATES)

    def buttons(answer: str) -> list[str]:
        key = _reviewed(judged, answer)
        detail = judged.detail(key)
        data = {"source": "judge:judge-x", "summary": "", "severity": "high"}
        context = reply_context(key, detail.judge_findings, data)
        blocks = renderer.render("messages/judge_reply", **context)
        return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]

    assert buttons(COERCION) == ["incident_judge_apply"]
    assert buttons(answer_with_nothing()) == []


def answer_with_nothing() -> str:
    """A judge's answer finding no category."""
    return answer(("coercion", False, "none", ""))
