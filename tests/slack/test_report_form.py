"""Precision first in the report form: only confident categories are preselected, possible
ones are offered unselected, nothing found preselects nothing, and a field the reporter left
as it opened is decided by the checks of the submitted text."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.checks import CheckResult
from bot.checks.models import Finding
from bot.incidents.drafts import Source
from bot.incidents.vocab import CATEGORY_LABELS, SEVERITY_LABELS
from bot.slack import present
from bot.slack.blocks import TemplateRenderer
from bot.slack.commands import _check
from bot.slack.report_modal import report_context
from bot.slack.views import parse_submission

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEXT = "Unless you cancel the shutdown, I will tell your wife about the affair."
CONFIDENT_AND_POSSIBLE = CheckResult(
    categories=["coercion"],
    possible=["manipulation", "deception", "coercion"],
    scores={"coercion": 0.93, "deception": 0.55, "manipulation": 0.41},
    severity="high",
    actuality="stated",
    reason="stated coercion in the answer",
)


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    """The renderer over the repository's templates (it validates every view)."""
    return TemplateRenderer(TEMPLATES)


def _modal(renderer: TemplateRenderer, checks: CheckResult | None, text: str = TEXT) -> Any:
    context = report_context(draft_id="d1", text=text, checks=checks, matches=[], source=Source())
    return renderer.render_view("modals/report", **context)


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def _values(options: list[dict[str, Any]]) -> list[str]:
    return [o["value"] for o in options]


def test_options_of_an_empty_selection_are_none() -> None:
    """`present.options` with an empty selection gives no options; with none given, all of them."""
    assert present.options(CATEGORY_LABELS, []) == []
    assert present.options(CATEGORY_LABELS, ()) == []
    assert _values(present.options(CATEGORY_LABELS)) == list(CATEGORY_LABELS)
    assert _values(present.options(SEVERITY_LABELS, ["high"])) == ["high"]


def test_nothing_found_preselects_nothing(renderer: TemplateRenderer) -> None:
    """When the checks find nothing, no category (not all twelve) and no severity is preselected."""
    view = _modal(renderer, CheckResult(reason=""), text="The quarterly report is attached.")
    categories = _element(view, "categories")
    assert "initial_options" not in categories
    assert len(categories["options"]) == len(CATEGORY_LABELS) == 12
    assert "initial_option" not in _element(view, "severity")
    metadata = json.loads(view["private_metadata"])
    assert metadata["initial"] == {"categories": [], "severity": None}


def test_blank_form_preselects_nothing(renderer: TemplateRenderer) -> None:
    """A blank form (global shortcut, App Home) opens with no category and no severity selected."""
    view = _modal(renderer, None, text="")
    assert "initial_options" not in _element(view, "categories")
    assert "initial_option" not in _element(view, "severity")
    assert not any(b.get("block_id") == "checks" for b in view["blocks"])


def test_only_confident_categories_are_preselected(renderer: TemplateRenderer) -> None:
    """Confident categories are preselected; possible ones are listed next, unselected, and named."""
    view = _modal(renderer, CONFIDENT_AND_POSSIBLE)
    categories = _element(view, "categories")
    options = _values(categories["options"])
    assert _values(categories["initial_options"]) == ["coercion"]
    assert set(_values(categories["initial_options"])) <= set(options)
    assert options[:3] == ["coercion", "deception", "manipulation"]
    assert sorted(options) == sorted(CATEGORY_LABELS)
    assert _element(view, "severity")["initial_option"]["value"] == "high"
    shown = json.dumps(view)
    assert "Possibly also: Deception, Manipulation (not selected" in shown


def test_possible_only_preselects_no_severity(renderer: TemplateRenderer) -> None:
    """With only possible categories, nothing is preselected, not even the engine's severity."""
    checks = CheckResult(possible=["deception"], scores={"deception": 0.5}, severity="low")
    view = _modal(renderer, checks)
    assert "initial_options" not in _element(view, "categories")
    assert "initial_option" not in _element(view, "severity")
    assert "Possibly: Deception (not selected" in json.dumps(view)


def _submitted(view: dict[str, Any], categories: list[str], severity: str | None) -> Any:
    """``view`` as Slack submits it with these choices, parsed by the submission handler."""
    values = {
        "evidence": {"value": {"type": "plain_text_input", "value": TEXT}},
        "seen_in": {"value": {"selected_option": {"value": "other"}}},
        "categories": {"value": {"selected_options": [{"value": c} for c in categories]}},
        "severity": {"value": {"selected_option": {"value": severity} if severity else None}},
    }
    draft = SimpleNamespace(
        text=TEXT, user_id="UREPORTER", source_channel=None, source_ts=None, checks=None
    )
    deps = SimpleNamespace(
        incidents=SimpleNamespace(check=lambda text: CheckResult()),
        renderer=SimpleNamespace(redactor=None),
    )
    submitted = {**view, "id": "V1", "state": {"values": values}}
    return parse_submission(deps, submitted, draft)  # type: ignore[arg-type]


def test_untouched_suggestions_are_left_to_the_checks(renderer: TemplateRenderer) -> None:
    """Categories and severity submitted as the modal opened them are left for the checks to decide."""
    view = _modal(renderer, CONFIDENT_AND_POSSIBLE)
    request = _submitted(view, ["coercion"], "high")
    assert request.categories is None and request.severity is None


def test_untouched_blank_form_is_left_to_the_checks(renderer: TemplateRenderer) -> None:
    """A blank form submitted with no category and no severity picked leaves both to the checks."""
    request = _submitted(_modal(renderer, None, text=""), [], None)
    assert request.categories is None and request.severity is None


def test_cleared_suggestion_is_an_explicit_none(renderer: TemplateRenderer) -> None:
    """Clearing the preselected categories submits an explicit empty choice, not "as suggested"."""
    view = _modal(renderer, CONFIDENT_AND_POSSIBLE)
    request = _submitted(view, [], "high")
    assert request.categories == [] and request.severity is None


def test_changed_choices_are_the_reporters(renderer: TemplateRenderer) -> None:
    """Categories or severity that differ from what the modal opened with are taken as chosen."""
    view = _modal(renderer, CONFIDENT_AND_POSSIBLE)
    request = _submitted(view, ["coercion", "deception"], "none")
    assert request.categories == ["coercion", "deception"] and request.severity == "none"


def test_modal_without_initial_metadata_takes_the_form_as_is(renderer: TemplateRenderer) -> None:
    """A modal opened before the initial selection was kept takes its submitted values literally."""
    view = {**_modal(renderer, CONFIDENT_AND_POSSIBLE), "private_metadata": '{"draft": "d1"}'}
    request = _submitted(view, ["coercion"], "high")
    assert request.categories == ["coercion"] and request.severity == "high"


def test_check_answer_names_confidence_in_words(renderer: TemplateRenderer) -> None:
    """`/safety check` lists confident and possible categories apart, in words, not numbers."""
    answers: list[dict[str, Any]] = []
    deps = SimpleNamespace(
        incidents=SimpleNamespace(check=lambda text: CONFIDENT_AND_POSSIBLE),
        renderer=renderer,
        settings=SimpleNamespace(command="/safety"),
    )
    _check(deps, lambda **kw: answers.append(kw), None, "U1", TEXT, {})  # type: ignore[arg-type]
    shown = json.dumps(answers[0])
    assert "*High confidence:* Coercion" in shown
    assert "*Possible, lower confidence:* Deception, Manipulation" in shown
    assert "0.93" not in shown and "0.55" not in shown
    assert "Suggested severity high (Coercion), possibly Deception, Manipulation" in shown


def test_check_answer_suggests_no_severity_without_confident_categories(
    renderer: TemplateRenderer,
) -> None:
    """`/safety check` suggests severity "none" when only possible categories were found."""
    answers: list[dict[str, Any]] = []
    result = CheckResult(possible=["deception"], severity="low", reason="maybe deception")
    deps = SimpleNamespace(
        incidents=SimpleNamespace(check=lambda text: result),
        renderer=renderer,
        settings=SimpleNamespace(command="/safety"),
    )
    _check(deps, lambda **kw: answers.append(kw), None, "U1", TEXT, {})  # type: ignore[arg-type]
    shown = json.dumps(answers[0])
    assert "Suggested severity: none" in shown and "High confidence" not in shown
    assert "*Possible, lower confidence:* Deception" in shown


def test_finding_rows_in_the_form_read_like_the_post(renderer: TemplateRenderer) -> None:
    """The form's finding rows say how confident and where in words, and hidden characters
    are a warning line, as in the triage post."""
    text = "Unless you cancel the shutdown, I will tell\u202e your wife."
    finding = Finding("coercion", "coercion.threat", 0.93, "stated", ((0, 30),), text[:30])
    checks = CheckResult(findings=[finding], categories=["coercion"], severity="high")
    shown = json.dumps(_modal(renderer, checks, text), ensure_ascii=False)
    assert "• *Coercion* (strong, in the answer): " in shown
    assert ":warning: Hidden characters in the evidence: " in shown
    assert "(in the evidence, certain)" not in shown
