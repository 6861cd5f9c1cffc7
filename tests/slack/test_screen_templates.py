"""The screening modal in each of its states, and the report form's eval-log offer kept in its
private metadata, rendered with hostile values (the ``test_templates_hostile`` checks)."""

from __future__ import annotations

import json

import pytest

from bot.incidents.drafts import Source
from bot.ingest.log_files import LogFile
from bot.slack.blocks import TemplateRenderer
from bot.slack.report_modal import eval_logs_of, report_context
from tests.slack.test_templates_hostile import (
    TEMPLATES,
    VALUES,
    assert_inert,
    hostile_screen_summary,
)

COUNTS = {"screened": 4, "filed": 2, "duplicates": 1, "already_imported": 0}


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    """The renderer over the repository's templates."""
    return TemplateRenderer(TEMPLATES)


@pytest.mark.parametrize("value", sorted(VALUES))
@pytest.mark.parametrize("state", ["working", "done", "failed"])
def test_screening_modal_shows_hostile_names_inertly(
    renderer: TemplateRenderer, state: str, value: str
) -> None:
    """Each state of the modal renders valid Block Kit with a hostile file name and problem."""
    context = {"state": state, "file": value, "counts": COUNTS, "problem": value}
    view = renderer.render_view("modals/screening", **context)
    assert_inert(view, f"modals/screening {state} with {value}")


def test_summary_reply_lists_keys_and_says_how_many_more(renderer: TemplateRenderer) -> None:
    """The reply names the incidents filed and linked to, and counts those left out."""
    message = renderer.render_message(
        "messages/screen_summary", **hostile_screen_summary("plain.eval")
    )
    shown = json.dumps(message["blocks"])
    assert "*AIS-9* (plain.eval" in shown and "and 2 more" in shown and "and 4 more" in shown
    assert "screened: 1200 samples" in shown and "not screened: 2" in shown


def test_the_form_keeps_its_eval_logs_in_private_metadata() -> None:
    """A form re-rendered from its own view (a refresh, files read) offers the same logs."""
    offered = [LogFile("F1", "run.eval"), LogFile("F2", "b" * 300)]
    context = report_context(
        draft_id="d" * 24, text="", checks=None, matches=[], source=Source(), eval_logs=offered
    )
    back = eval_logs_of({"private_metadata": context["private_metadata"]})
    assert back == [LogFile("F1", "run.eval"), LogFile("F2", "b" * 80)]
    assert [log["id"] for log in context["eval_logs"]] == ["F1", "F2"]
    assert eval_logs_of({"private_metadata": '{"eval_logs": [["F1"], 3, ["F2", 4]]}'}) == []
