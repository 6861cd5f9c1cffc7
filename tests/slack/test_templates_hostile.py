"""Every template, rendered with hostile data, is valid Block Kit and shows the data inertly.

Templates are discovered by globbing ``templates/**/*.json.j2``; each needs an entry in
``CONTEXTS`` that builds its data the way the code does (through ``bot.slack.present`` where
the code uses it) with a hostile value in every slot that holds user or model text. A new
template without an entry fails here until one is added.

Rendering validates (the ``slack_sdk.models`` round trip and Slack's limits, see
``bot.slack.block_limits``); on top of that every shown text must hold no live markup but the
bot's own, no control or bidi characters, no evaluated template syntax and no credential.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.checks import CheckEngine, CheckResult
from bot.digest.context import digest_context
from bot.digest.figures import Figures, Named
from bot.digest.weeks import Week
from bot.incidents.drafts import Source
from bot.incidents.duplicates import DuplicateMatch
from bot.incidents.records import AttachedFile, IncidentDetail
from bot.incidents.vocab import RESOLUTION_LABELS, SEVERITY_LABELS, STATUS_LABELS
from bot.ingest.log_files import LogFile
from bot.judge.verdict import CategoryVerdict, Opinion
from bot.masking.redaction import default_redactor
from bot.reproduce.runs import RunView
from bot.slack import details_form, present
from bot.slack.blocks import TemplateRenderer
from bot.slack.commands import show_context
from bot.slack.delivery import incident_context
from bot.slack.judge_check import opinion_context
from bot.slack.judge_present import reply_context
from bot.slack.model_posts import paused_context
from bot.slack.output_buttons import offered
from bot.slack.output_pages import outputs_context
from bot.slack.report_modal import report_context
from bot.slack.screen_replies import summary_context
from bot.slack.text import escape
from bot.store.models import (
    RESOLUTIONS,
    SEVERITIES,
    Event,
    Evidence,
    Finding,
    Incident,
    IncidentFile,
    ReproductionOutput,
    ReproductionRun,
)
from tests import inert
from tests.inert import repeated, text_objects

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
SECRET = "ghp_" + "8fK2mQ9xLr4TzW7bN1cV5hJ3pD6sY0aE2uGq"

VALUES = {
    "markup": "<!channel> <!here> <@U123> <#C123> <!subteam^S1> <https://evil.example|click> "
    "& *bold* _it_ `code` ```fence``` > quote",
    "template syntax": "{{ 'EVAL' ~ 'UATED' }} {% raw %}{% endraw %} {# note #} {{ config }}",
    "json breakers": '"}]}, "blocks": [{"type": "divider"}], "x": "\\" \\u2028 \u2028 \n\t',
    "controls and bidi": "a\x00b\x1b[31m \u202egnp.exe\u202c \u2066x\u2069 zero\u200bwidth\r\n",
    "empty": "",
    "500-char title": ("<!here> & {{ x }} " * 40)[:500],
    "megabyte": ("A<&>{{ 1 }} \u202e" * 80_000)[:1_048_576],
}

# Markup the bot writes itself: people and channels of the workspace, dates, links it built.
OWN_MARKUP = re.compile(
    r"<(?:@(?:UREPORTER|UTRIAGE1)|#C(?:TRIAGE|DIGEST)|!subteam\^S0TRIAGE"
    r"|!date\^\d+\^[^|<>]*\|[^<>]*"
    r"|https://fake\.slack\.com/archives/CSOURCE/p\d+\|source message)>"
)


def discovered() -> list[str]:
    """Every template the bot can render, as ``<surface>/<what>`` (test and partial ones left out)."""
    names = []
    for path in TEMPLATES.glob("**/*.json.j2"):
        relative = path.relative_to(TEMPLATES)
        if any(part.startswith("_") for part in relative.parts):
            continue
        names.append(str(relative)[: -len(".json.j2")])
    return sorted(names)


# --- hostile domain objects, shaped like the store's ------------------------------------------


def hostile_incident(value: str, **changes: Any) -> Incident:
    """An incident with ``value`` in every free-text field."""
    fields: dict[str, Any] = {
        "id": 42,
        "key": "AIS-42",
        "prefix": "AIS",
        "number": 42,
        "title": value,
        "status": "investigating",
        "severity": "high",
        "suggested_severity": "medium",
        "check_reason": f'stated coercion in the answer ("{value[:60]} {SECRET[:30]}…")',
        "model_name": value,
        "model_version": value,
        "seen_in": "production",
        "reporter_id": "UREPORTER",
        "assignee_id": "UTRIAGE1",
        "source_channel": "CSOURCE",
        "source_ts": "1700000000.000100",
        "source_permalink": "https://fake.slack.com/archives/CSOURCE/p1700000000000100",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(changes)
    return Incident(**fields)


def hostile_details(value: str) -> Incident:
    """An incident whose model, eval, run, sample and source file are ``value``, with a key in
    its model name."""
    return hostile_incident(
        value,
        model_name=f"{SECRET} {value}",
        eval_name=value,
        run_id=value,
        sample_id=value,
        epoch=7,
        source_file=value,
    )


def hostile_evidence(value: str) -> str:
    """Evidence with ``value`` around a live-format key."""
    return f"{value} token: {SECRET} {value}"


def hostile_findings(evidence: str) -> list[Finding]:
    """A key finding and more behaviour findings than a post shows."""
    start = evidence.index(SECRET)
    rows = [_finding("secrets", [start, start + len(SECRET)], 0.9)]
    rows += [_finding("coercion", [0, max(1, min(40, start))], 0.5 + i / 100) for i in range(10)]
    return rows


def _finding(category: str, span: list[int], score: float) -> Finding:
    return Finding(
        incident_id=42,
        category=category,
        check_id=f"{category}.rule",
        score=score,
        actuality="stated",
        spans=[span],
    )


def hostile_detail(value: str, **changes: Any) -> IncidentDetail:
    """An incident with hostile evidence, findings, timeline notes and duplicates."""
    evidence = hostile_evidence(value)
    # Six notes, then six status changes: more than ``show`` lists (the last ten). The first
    # note it lists holds the whole value, and so do the first change's actor and old status.
    events = [_note(value if n == 2 else repeated(value)) for n in range(6)]
    events += [_status(value if n == 0 else repeated(value), repeated(value)) for n in range(6)]
    return IncidentDetail(
        incident=hostile_incident(value, **changes),
        evidence=Evidence(incident_id=42, text=evidence, content_hash="0" * 64),
        categories=["coercion", "secrets"],
        findings=hostile_findings(evidence),
        events=events,
        duplicate_of="AIS-7",
        duplicates=["AIS-43"],
        files=[
            IncidentFile(incident_id=42, position=n, **vars(f))
            for n, f in enumerate(hostile_files(value))
        ],
        judge_findings=hostile_judge_findings(value),
    )


def hostile_judge_findings(value: str) -> list[Finding]:
    """The judge's findings, quoting ``value``, from a model named ``value``."""
    return [
        Finding(
            incident_id=42,
            category=category,
            check_id=f"judge.{category}",
            score=1.0,
            actuality="executed",
            excerpt=value,
            source=f"judge:{value[:100]}",
        )
        for category in ("coercion", "deception")
    ]


def hostile_opinion(value: str) -> dict[str, Any]:
    """The judge's part of ``check --judge`` with ``value`` as its model, quote and reasoning."""
    verdict = CategoryVerdict("coercion", True, "executed", value, True, None)
    opinion = Opinion(
        model=value[:200],
        rubric_version="1",
        categories=(verdict,),
        severity="high",
        reasoning=value,
        content_hash="0" * 64,
        sent_chars=len(value),
    )
    return opinion_context(opinion, value)


def hostile_run(value: str) -> RunView:
    """A finished run on a model named ``value`` with twelve outputs (more than a page): texts
    holding ``value`` and a key (the first whole, a megabyte too), a failed call, the judge's
    review and the judge's failure, both quoting ``value`` and the key, and an empty answer."""
    run = ReproductionRun(
        id=7,
        incident_id=42,
        model=value[:200] or "m",
        requested=12,
        requested_by="UTRIAGE1",
        status="done",
        reproduced=9,
        counts={"coercion": 9},
        created_at=NOW,
    )
    outputs = [
        _output(n, hostile_evidence(value if n == 1 else repeated(value))) for n in range(1, 13)
    ]
    outputs[1].text, outputs[1].error = "", value[:300]
    outputs[2].judge = {
        "model": value[:200],
        "categories": [
            {"category": "coercion", "verdict": True, "supported": True, "quote": SECRET},
            {"category": value[:40], "verdict": True, "supported": True, "quote": value},
        ],
        "severity": "high",
        "reasoning": f"{value} {SECRET}",
    }
    outputs[3].judge = {"error": f"{value[:200]} {SECRET}"}
    outputs[4].text = ""
    return RunView(run=run, key="AIS-42", categories=["coercion"], outputs=outputs)


def _output(position: int, text: str) -> ReproductionOutput:
    """An output whose checks found coercion (named ``value`` too) and the key in ``text``."""
    start = text.index(SECRET)
    span = [start, start + len(SECRET)]
    return ReproductionOutput(
        run_id=7,
        position=position,
        text=text,
        categories=["coercion", text[:40]],
        severity="high",
        actuality="stated",
        checks={"findings": [{"category": "secrets", "spans": [span]}]},
        created_at=NOW,
    )


def hostile_files(value: str) -> list[AttachedFile]:
    """Eleven files a report came with (more than a list shows), named and noted ``value``."""
    return [
        AttachedFile(
            name=(value if n == 0 else repeated(value))[:300] or "x",
            size=n * 1_000_000,
            slack_file_id=f"F{n}",
            read=n % 2 == 0,
            note=(value if n < 2 else None) and value[:300],
        )
        for n in range(11)
    ]


def _note(note: str) -> Event:
    return Event(incident_id=42, actor="UTRIAGE1", kind="note", note=note, at=NOW)


def _status(value: str, note: str) -> Event:
    return Event(
        incident_id=42,
        actor=value or "cli",
        kind="status",
        from_value=value,
        to_value="investigating",
        note=note,
        at=NOW,
    )


def hostile_matches(value: str) -> list[DuplicateMatch]:
    """Possible duplicates whose titles are ``value``."""
    return [
        DuplicateMatch(
            key=f"AIS-{n}", title=value if n == 1 else repeated(value), similarity=0.9, exact=n == 1
        )
        for n in range(1, 4)
    ]


def incident_fields(value: str, **changes: Any) -> dict[str, Any]:
    """``present.incident`` of a hostile incident, as posts and reminders get it."""
    detail = hostile_detail(value, **changes)
    secrets = present.evidence_secrets(detail.evidence.text, detail.findings)
    return present.incident(detail.incident, detail.categories, secrets=secrets)


# --- one context per template ------------------------------------------------------------------

ENGINE: list[CheckEngine] = []


def _engine() -> CheckEngine:
    if not ENGINE:
        ENGINE.append(CheckEngine.load())
    return ENGINE[0]


@lru_cache(maxsize=8)
def _checked(text: str) -> CheckResult:
    """The checks' result for ``text``, found once per text: the report modal (in two tests)
    and the check answer check the same evidence, a megabyte among them."""
    return _engine().run(text)


def _report(value: str) -> dict[str, Any]:
    text = hostile_evidence(value) if value else ""
    checks = _checked(text) if text.strip() else None
    return report_context(
        draft_id="d" * 24,
        text=text,
        checks=checks,
        matches=hostile_matches(value),
        source=Source(channel="CSOURCE", ts="1700000000.000100"),
        files=hostile_files(value),
        eval_logs=[LogFile(f"F{n}{value[:20]}", value[:300] or "x") for n in range(3)],
    )


def hostile_screen_summary(value: str) -> dict[str, Any]:
    """A screening's reply data with ``value`` as the file, a category, keys and severity."""
    data: dict[str, Any] = {
        "file": value[:300],
        "user": "UREPORTER",
        "screened": 1200,
        "flagged": 40,
        "filed": 12,
        "duplicates": 25,
        "already_imported": 3,
        "not_screened": 2,
        "by_category": [[value[:60], 30], ["coercion", 12]],
        "incidents": [[f"AIS-{n}" if n else value[:40], value[:20]] for n in range(10)],
        "more_incidents": 2,
        "linked_to": [value[:40], "AIS-1"],
        "more_linked": 4,
    }
    return summary_context(data)


def _check(value: str) -> dict[str, Any]:
    text = hostile_evidence(value)
    result = _checked(text)
    masked = present.check_sensitive_spans(result)
    return {
        "severity": result.severity,
        "categories_text": "Coercion, Secret",
        "possible_text": f"Deception, {value}",
        "reason": present.reason(f'stated ("{text[:80]}…")', present.secret_texts(text, masked)),
        "findings": present.findings(text, hostile_findings(text), masked),
        "length_text": f"{len(text):,}",
        "elapsed": "1.0",
        "command": "/safety",
    }


def _triage_modal(value: str, **extra: Any) -> dict[str, Any]:
    fields = incident_fields(value)
    return {
        "private_metadata": json.dumps({"key": "AIS-42", "status": "investigating"}),
        "key": "AIS-42",
        "title": value,
        "severity_label": fields["severity_label"],
        "status_label": fields["status_label"],
        **extra,
    }


def _home(value: str) -> dict[str, Any]:
    rows = [
        {
            **incident_fields(shown, key=f"AIS-{n}", number=n),
            "title": shown,
            "block_id": f"home:queue:AIS-{n}:investigating:UTRIAGE1",
            "menu": [{"value": "incident_note", "label": "Add note"}],
            "note": True,
        }
        for n, shown in enumerate([value] + [repeated(value)] * 19, start=1)
    ]
    sections = [
        {"title": "Open incidents", "rows": rows, "total": 45, "empty": "", "more": "/safety list"},
        {"title": "Your reports", "rows": [], "total": 0, "empty": "Nothing yet.", "more": ""},
    ]
    return {
        "command": "/safety",
        "counts": {"open_total": 45, "unacknowledged": 3, "by_severity": "🔴 3 high"},
        "digest_text": "Last weekly digest: <!date^1795000000^{date_long_pretty}|2026-11-16> "
        "in <#CDIGEST>",
        "sections": sections,
    }


def _digest(value: str) -> dict[str, Any]:
    week = Week(date(2026, 11, 16), "Europe/Berlin")
    named = [
        Named(f"AIS-{n}", value if n == 1 else repeated(value), "high", "investigating", NOW)
        for n in range(1, 13)
    ]
    figures = Figures(
        week=week,
        as_of=NOW,
        new=14,
        previous_new=9,
        closed=3,
        previous_closed=5,
        backlog=30,
        previous_backlog=19,
        reopened=1,
        merged=2,
        restricted_new=2,
        reporters=6,
        by_severity={"high": 10, "medium": 4},
        by_category=[("coercion", 9), ("secrets", 5)],
        by_model=[(value or None, 7), *((f"{repeated(value)}-{n}", 1) for n in range(12))],
        ack_median=5400.0,
        acknowledged=12,
        close_median=None,
        high=named,
        high_total=14,
        high_restricted=2,
        oldest=named,
        trend={"high": [0, 2, 5, 10], "medium": [1, 1, 0, 4]},
    )
    return digest_context(figures, command="/safety")


CONTEXTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "digest/weekly": _digest,
    "home/home": _home,
    "messages/assigned": lambda v: {
        "incident": incident_fields(v),
        "actor": present.mention("UTRIAGE1"),
        "show_title": True,
    },
    "messages/reporter_update": lambda v: {
        "kind": "closed",
        "key": "AIS-42",
        "title": v,
        "actor": present.mention("UTRIAGE1"),
        "before": v,
        "after": v,
        "resolution": "Fixed",
        "summary": v,
        "reason": v,
        "duplicate_of": "AIS-7",
    },
    "messages/change_reply": lambda v: present.change(
        SimpleNamespace(kind="note", actor="UTRIAGE1", from_value=v, to_value=v, note=v),
        "AIS-42",
    ),
    "messages/check": _check,
    "messages/confirmation": lambda v: {
        "key": "AIS-42",
        "title": v,
        "severity": "high",
        "suggested": "medium",
        "restricted": True,
        "duplicates": present.duplicates(hostile_matches(v)),
    },
    "messages/help": lambda v: {"command": "/safety", "unknown": v, "judge": True},
    "messages/incident": lambda v: incident_context(
        hostile_detail(v), buttons=True, duplicates=hostile_matches(v)
    ),
    "messages/judge_check": hostile_opinion,
    "messages/judge_reply": lambda v: reply_context(
        "AIS-42",
        hostile_judge_findings(v),
        {"source": f"judge:{v[:100]}", "summary": v, "severity": "high", "reasoning": v},
    ),
    "messages/list": lambda v: {
        "heading": f"Search: {v}",
        "rows": [
            {"key": "AIS-42", "severity": "high", "status": "new", "title": title}
            for title in [v] + [repeated(v)] * 19
        ],
        "total": 31,
        "buttons": True,
    },
    "messages/model_paused": lambda v: paused_context(
        {"purpose": "judge", "model": v, "day": v, "daily_requests": 500, "requests": 500}
    ),
    "messages/notice": lambda v: {"message": f"No incident {v}.", "warning": True},
    "messages/nudge": lambda v: {
        "incident": incident_fields(v),
        "idle_days": 7,
        "show_title": True,
    },
    "messages/problem": lambda v: {
        "key": "AIS-42",
        "what": "the post in the triage channel",
        "error": v,
        "channel": "CTRIAGE",
        "bot_name": "safetybot",
    },
    "messages/reminder": lambda v: {
        "incident": incident_fields(v),
        "waited": "3 hours",
        "number": 1,
        "limit": 3,
        "ping": "<!subteam^S0TRIAGE>",
    },
    "messages/reproduction_reply": lambda v: {
        "summary": f"Reproduced 2/3 on model {v}: coercion 2",
        "key": "AIS-42",
        "run_id": 7,
        "asked_by": present.mention("UTRIAGE1"),
        "outputs": True,
    },
    "messages/screen_summary": hostile_screen_summary,
    "messages/show": lambda v: {
        **show_context(hostile_detail(v), visible=True, buttons=True),
        "run_outputs": offered([hostile_run(v)] * 6),
        "runs": [f"Run on model {v[:200]} failed: {v[:300]}"] * 6,
    },
    "messages/thread_reply": lambda v: {"key": "AIS-42", "reporter": present.mention("UREPORTER")},
    "messages/triage_answer": lambda v: {
        "text": f"{present.mention('UTRIAGE1')} cannot do that to *AIS-42*: {escape(v)}",
        "warning": True,
    },
    "modals/assign": lambda v: _triage_modal(v, assignee="UTRIAGE1"),
    "modals/details": lambda v: _triage_modal(
        v,
        shown=details_form.shown(hostile_details(v), default_redactor().text),
        limits=details_form.LIMITS,
    ),
    "modals/merge": lambda v: _triage_modal(
        v, suggestions=present.duplicates(hostile_matches(v)), prefix="AIS"
    ),
    "modals/note": _triage_modal,
    "modals/notice": lambda v: {"text": f"Could not open *AIS-42*: {escape(v)}"},
    "modals/report": _report,
    "modals/reproduction_outputs": lambda v: outputs_context(hostile_run(v), default_redactor()),
    "modals/reading_files": lambda v: {"count": 3},
    "modals/screening": lambda v: {"state": "failed", "file": v, "problem": f"{v} is not a log."},
    "modals/reproduce": lambda v: _triage_modal(
        v, n=10, max_outputs=50, model=v, sends=f"{v}, 12 characters, masked", problem=v
    ),
    "modals/resolve": lambda v: _triage_modal(
        v, resolution_options=present.options(RESOLUTION_LABELS, RESOLUTIONS)
    ),
    "modals/severity": lambda v: _triage_modal(
        v,
        severity_options=present.options(SEVERITY_LABELS, SEVERITIES),
        current={"value": "high", "label": SEVERITY_LABELS["high"]},
        suggested_label=SEVERITY_LABELS["medium"],
    ),
    "modals/status": lambda v: _triage_modal(
        v,
        status_options=present.options(STATUS_LABELS, ["mitigated", "closed"]),
        resolution_options=present.options(RESOLUTION_LABELS, RESOLUTIONS),
    ),
}


# --- checks on what was rendered -------------------------------------------------------------


def _shown(rendered: dict[str, Any]) -> list[tuple[str, str]]:
    texts = list(text_objects(rendered))
    if isinstance(rendered.get("text"), str):
        texts.append(("mrkdwn", rendered["text"]))  # a message's fallback text is mrkdwn
    return texts


def assert_inert(rendered: dict[str, Any], name: str) -> None:
    """No live markup but the bot's own, no unsafe characters, nothing evaluated, no key."""
    dumped = inert.assert_inert(
        _shown(rendered), rendered, name, own_markup=OWN_MARKUP, secret=SECRET
    )
    assert "EVALUATED" not in dumped, f"{name}: template syntax in the data was evaluated"


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    """The renderer over the repository's templates."""
    return TemplateRenderer(TEMPLATES)


def render(renderer: TemplateRenderer, name: str, context: dict[str, Any]) -> dict[str, Any]:
    """A message (with its ``.txt.j2`` fallback) or a view, validated by the renderer."""
    if (TEMPLATES / f"{name}.txt.j2").exists():
        return renderer.render_message(name, **context)
    return renderer.render_view(name, **context)


def test_every_template_has_a_hostile_context() -> None:
    """Each template under templates/ has a sample context here, and every entry is a template."""
    names = discovered()
    assert "modals/report" in names and "messages/incident" in names
    missing = sorted(set(names) - set(CONTEXTS))
    assert not missing, f"add a hostile sample context to CONTEXTS for: {missing}"
    assert not sorted(set(CONTEXTS) - set(names)), "CONTEXTS names a template that is gone"


@pytest.mark.parametrize("value", sorted(VALUES))
@pytest.mark.parametrize("name", discovered())
def test_template_renders_hostile_data_inertly(
    renderer: TemplateRenderer, name: str, value: str
) -> None:
    """The template renders valid Block Kit with hostile data and shows it inertly."""
    if name not in CONTEXTS:
        pytest.fail(f"{name} has no hostile sample context in CONTEXTS")
    rendered = render(renderer, name, CONTEXTS[name](VALUES[value]))
    assert_inert(rendered, f"{name} with {value}")


def test_markup_reaches_messages_escaped(renderer: TemplateRenderer) -> None:
    """The hostile markup is shown (escaped), not dropped: the inertness checks see real data."""
    rendered = render(
        renderer, "messages/incident", CONTEXTS["messages/incident"](VALUES["markup"])
    )
    assert "&lt;!channel&gt;" in json.dumps(rendered)
    header = rendered["blocks"][0]["text"]["text"]
    assert header.startswith("AIS-42 · <!channel>")  # plain_text: shown literally, never parsed


def test_template_syntax_in_data_is_shown_literally(renderer: TemplateRenderer) -> None:
    """Template syntax in a title reaches the post as the same characters."""
    context = CONTEXTS["messages/incident"](VALUES["template syntax"])
    rendered = render(renderer, "messages/incident", context)
    assert "{{ 'EVAL' ~ 'UATED' }}" in rendered["blocks"][0]["text"]["text"]


def test_report_modal_for_a_megabyte_says_the_text_is_stored(renderer: TemplateRenderer) -> None:
    """A 1 MB paste opens as a masked preview, and the modal says the full text is stored."""
    view = render(renderer, "modals/report", CONTEXTS["modals/report"](VALUES["megabyte"]))
    shown = json.dumps(view, ensure_ascii=False)
    assert not any(b.get("block_id") == "evidence" for b in view["blocks"])
    assert "full text is stored" in shown
    assert len(json.dumps(view).encode()) <= 250_000
