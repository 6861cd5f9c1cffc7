"""The "Edit details" modal: it opens with the details masked and cut to fit, an input left as
it opened changes nothing, typed inputs become the edit, and hostile values stay inert in the
modal and in the thread reply."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.masking.redaction import default_redactor
from bot.slack import details_form, present
from bot.slack.blocks import TemplateRenderer
from tests.slack.test_templates_hostile import (
    SECRET,
    VALUES,
    assert_inert,
    hostile_details,
    hostile_incident,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HIDE = default_redactor().text


@pytest.fixture(scope="module")
def renderer() -> TemplateRenderer:
    """The renderer over the repository's templates."""
    return TemplateRenderer(TEMPLATES)


def render(renderer: TemplateRenderer, shown: dict[str, str]) -> dict[str, Any]:
    """The details modal with ``shown`` in its inputs."""
    return renderer.render_view(
        "modals/details",
        private_metadata=json.dumps({"key": "AIS-42", "status": "new", "seen": "x"}),
        key="AIS-42",
        title="A title",
        severity_label="High",
        status_label="New",
        shown=shown,
        limits=details_form.LIMITS,
    )


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The modal's text inputs by block id."""
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def submitted(view: dict[str, Any], **typed: str) -> dict[str, Any]:
    """The state Slack submits for ``view`` as opened, with some inputs retyped."""
    return {
        block_id: {
            "value": {
                "type": "plain_text_input",
                "value": typed.get(block_id, e.get("initial_value")),
            }
        }
        for block_id, e in inputs(view).items()
    }


@pytest.mark.parametrize("name", sorted(VALUES))
def test_hostile_details_open_masked_cut_and_inert(renderer: TemplateRenderer, name: str) -> None:
    """Every hostile detail opens inert, a key in the model name masked, each value within its
    input's length; saving the form untouched changes nothing."""
    incident = hostile_details(VALUES[name])
    view = render(renderer, details_form.shown(incident, HIDE))
    assert_inert(view, f"modals/details with {name}")
    elements = inputs(view)
    assert list(elements) == ["model", "eval", "run", "sample", "epoch", "file"]
    for block_id, element in elements.items():
        assert element["max_length"] == details_form.LIMITS[block_id]
        assert len(element.get("initial_value", "")) <= element["max_length"]
    assert elements["epoch"]["initial_value"] == "7"
    assert "ghp_" + "•" * 8 in elements["model"]["initial_value"]
    opened = details_form.shown(incident, HIDE)
    assert details_form.edits(submitted(view), opened) == {}


def test_a_model_name_with_a_space_is_kept_when_untouched() -> None:
    """A model named "gpt 4 turbo" with no version opens as is and is not split by a save."""
    incident = hostile_incident("t", model_name="gpt 4 turbo", model_version=None)
    opened = details_form.shown(incident, HIDE)
    assert opened["model"] == "gpt 4 turbo"
    state = {"model": {"value": {"type": "plain_text_input", "value": " gpt 4 turbo "}}}
    assert details_form.edits(state, opened) == {}


def test_typed_inputs_become_the_edit(renderer: TemplateRenderer) -> None:
    """A retyped model is split at its first space, a blank input clears, the rest is left out."""
    incident = hostile_incident("t", eval_name="old-eval", model_name="m", model_version="1")
    opened = details_form.shown(incident, HIDE)
    view = render(renderer, opened)
    state = submitted(view, model="orion-7b 2026 11", eval="", sample="s-7")
    assert details_form.edits(state, opened) == {
        "model_name": "orion-7b",
        "model_version": "2026 11",
        "eval_name": "",
        "sample_id": "s-7",
    }


def test_an_input_left_out_of_the_submission_changes_nothing() -> None:
    """A forged submission without an input does not clear its field."""
    incident = hostile_incident("t", eval_name="kept")
    assert details_form.edits({}, details_form.shown(incident, HIDE)) == {}


def test_the_digest_changes_with_any_detail() -> None:
    """The digest the form remembers differs when any detail differs, and only then."""
    incident = hostile_incident("t", eval_name="a", epoch=1)
    same = hostile_incident("t", eval_name="a", epoch=1)
    assert details_form.seen(incident) == details_form.seen(same)
    for change in ({"eval_name": "b"}, {"epoch": 2}, {"model_version": "v2"}, {"run_id": "r"}):
        other = hostile_incident("t", **{"eval_name": "a", "epoch": 1, **change})
        assert details_form.seen(other) != details_form.seen(incident), change


@pytest.mark.parametrize("name", sorted(VALUES))
def test_details_thread_reply_is_inert(renderer: TemplateRenderer, name: str) -> None:
    """The thread reply for a details change says who edited it and quotes the change inertly."""
    value = VALUES[name]
    note = f"eval: – → {value}; model: {SECRET} → x"
    event = SimpleNamespace(
        kind="details", actor="UTRIAGE1", from_value=None, to_value=None, note=note
    )
    message = renderer.render_message("messages/change_reply", **present.change(event, "AIS-42"))
    assert_inert(message, f"change_reply with {name}")
    assert "<@UTRIAGE1> edited the details of *AIS-42*" in message["text"]
    assert "eval: – →" in json.dumps(message, ensure_ascii=False)
