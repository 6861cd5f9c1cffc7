"""The outputs modal's pages: each output cut to fit one section, ten to a page, within a
modal's limits whatever the outputs hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.incidents.errors import InvalidInput
from bot.masking.redaction import default_redactor
from bot.reproduce.runs import RunView
from bot.slack.app import TEMPLATES
from bot.slack.blocks import TemplateRenderer
from bot.slack.output_pages import CODE_BUDGET, fitted, outputs_context
from bot.slack.text import code_block
from bot.store.models import ReproductionOutput, ReproductionRun

NOW = datetime(2026, 12, 8, tzinfo=UTC)
HEAVY = {"entities": "<&>" * 4000, "emoji": "🧨" * 12000, "backticks": "``" * 6000}


@pytest.mark.parametrize("kind", sorted(HEAVY))
def test_a_cut_output_fits_a_section_and_is_the_start_of_it(kind: str) -> None:
    """However much escaping lengthens a text, its cut fits the budget and begins it; a short
    text is left whole."""
    text = HEAVY[kind]
    cut = fitted(text)
    assert text.startswith(cut) and len(code_block(cut)) <= CODE_BUDGET
    assert len(code_block(text[: len(cut) + 8])) > CODE_BUDGET - 8  # not cut much too short
    assert fitted(text[:200]) == text[:200]


def run_of(texts: list[str]) -> RunView:
    """A finished run of ``AIS-1`` with one output per text."""
    run = ReproductionRun(
        id=3, incident_id=1, model="m", requested=len(texts), requested_by="U1", created_at=NOW
    )
    outputs = [
        ReproductionOutput(run_id=3, position=n, text=t, created_at=NOW)
        for n, t in enumerate(texts, 1)
    ]
    return RunView(run=run, key="AIS-1", categories=[], outputs=outputs)


def test_fifty_of_the_heaviest_outputs_are_five_pages_slack_accepts() -> None:
    """Fifty 12,000-emoji outputs: five pages of ten, each a modal Slack accepts (the renderer
    validates it: under 100 blocks and 250 KB)."""
    renderer = TemplateRenderer(TEMPLATES)
    view = run_of([HEAVY["emoji"]] * 50)
    for page in range(1, 6):
        context = outputs_context(view, default_redactor(), page)
        assert [o["position"] for o in context["outputs"]] == list(
            range(page * 10 - 9, page * 10 + 1)
        )
        rendered = renderer.render_view("modals/reproduction_outputs", **context)
        assert len(json.dumps(rendered, ensure_ascii=False).encode()) < 250_000
    with pytest.raises(InvalidInput, match="has no page 6 of outputs"):
        outputs_context(view, default_redactor(), 6)
