"""An imported incident's post (and its ``show`` page) names the eval, run, sample, epoch
and file it came from, escaped like every other text; a person's report shows none."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.slack import present
from bot.slack.app import TEMPLATES
from bot.slack.blocks import TemplateRenderer
from bot.store.models import Incident
from tests.inert import text_objects

HOSTILE = '<!channel> <@U1> <https://evil|click> {{ 7*7 }} "}]'


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    """The repository's templates."""
    return TemplateRenderer(TEMPLATES)


def _post(renderer: TemplateRenderer, **fields: Any) -> dict[str, Any]:
    when = datetime(2026, 11, 18, tzinfo=UTC)
    item = Incident(
        key="AIS-7", prefix="AIS", number=7, title="Coercion", severity="medium",
        reporter_id="import", created_at=when, updated_at=when, **fields,
    )  # fmt: skip
    context = present.incident(item, ["coercion"])
    return renderer.render_message(
        "messages/incident", incident=context, findings=[], duplicates=[], buttons=True
    )


def _mrkdwn(message: dict[str, Any]) -> list[str]:
    return [text for kind, text in text_objects(message) if kind == "mrkdwn"]


def test_imported_sample_line_names_where_it_came_from(renderer: TemplateRenderer) -> None:
    """Eval, run, sample, epoch and the file's name (not its folders) are on the post."""
    message = _post(
        renderer,
        eval_name="shutdown_probe",
        run_id="RunAbc123",
        sample_id="2",
        epoch=1,
        source_file="/home/eval/logs/probe.eval",
    )
    lines = [t for t in _mrkdwn(message) if t.startswith("Imported sample:")]
    assert lines == [
        "Imported sample: eval shutdown_probe · run RunAbc123 · sample 2 · epoch 1 · from probe.eval"
    ]


def test_a_persons_report_has_no_sample_line(renderer: TemplateRenderer) -> None:
    """Without eval fields the post has no imported-sample line."""
    assert not [t for t in _mrkdwn(_post(renderer)) if "Imported sample" in t]


def test_hostile_eval_fields_stay_inert(renderer: TemplateRenderer) -> None:
    """Markup in the eval fields is escaped: no mention, no link, template syntax literal."""
    message = _post(renderer, eval_name=HOSTILE, run_id=HOSTILE, sample_id=HOSTILE)
    for text in _mrkdwn(message):
        assert "<!channel>" not in text and "<@U1>" not in text and "<https://evil" not in text
    assert "{{ 7*7 }}" in json.dumps(message, ensure_ascii=False)
