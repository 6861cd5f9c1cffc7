"""Tests for template rendering and Block Kit validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.masking.redaction import MASK
from bot.slack.block_limits import (
    BlockKitError,
    validate_blocks,
    validate_message,
    validate_view,
)
from bot.slack.blocks import TemplateError, TemplateRenderer
from tests.inert import repeated

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

HOSTILE_TEXTS = {
    "markup": "<!channel> <@U1> <#C1> <!subteam^S1> <https://evil|click> & *bold* `x`",
    "template": "{{ 7*7 }} {% raw %}{% endraw %} {# c #} ${x} {{ config }}",
    "json": '"}], "blocks": [{"type": "divider"}], "x": "\\" \n\t \u2028',
    "controls": "a\x00b\x1b[31m\u202egnp.exe\u2066 \r\n",
    "empty": "",
    "blank": " \n\t ",
    "megabyte": "A<&>" * 262_144,
}


def hostile_context(value: str) -> dict[str, Any]:
    """Build a template context where every piece of data is ``value`` (the categories after
    the first :func:`~tests.inert.repeated`)."""
    return {
        "key": "AIS-42",
        "title": value,
        "summary": value,
        "evidence": value,
        "spans": [(0, 30)],
        "reporter": value,
        "categories": [value] + [repeated(value)] * 11,
        "metadata": value,
    }


@pytest.fixture
def renderer() -> TemplateRenderer:
    """A renderer over the repository's templates directory."""
    return TemplateRenderer(TEMPLATES)


def section(text: str, **extra: Any) -> dict[str, Any]:
    """Build a mrkdwn section block."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str, label: str = "Go") -> dict[str, Any]:
    """Build a button element."""
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label}}


def option(label: str, value: str = "v") -> dict[str, Any]:
    """Build a select option."""
    return {"text": {"type": "plain_text", "text": label}, "value": value}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Build a modal view with a title and a submit button."""
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Report"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": blocks,
    }
    return {**view, **extra}


def text_input(**element: Any) -> dict[str, Any]:
    """Build an input block holding a plain_text_input with ``element`` settings."""
    return {
        "type": "input",
        "label": {"type": "plain_text", "text": "Output"},
        "element": {"type": "plain_text_input", "action_id": "value", **element},
    }


def mrkdwn_texts(node: Any) -> list[str]:
    """Collect the text of every mrkdwn text object inside ``node``."""
    if isinstance(node, list):
        return [text for item in node for text in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "mrkdwn" else []
    return own + [text for value in node.values() for text in mrkdwn_texts(value)]


def problem(blocks: Any, surface: str = "message") -> str:
    """Return the message of the BlockKitError that validate_blocks raises."""
    with pytest.raises(BlockKitError) as info:
        validate_blocks(blocks, surface=surface)  # type: ignore[arg-type]
    return str(info.value)


# ---------------------------------------------------------------- rendering


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_message_template_survives_hostile_data(renderer: TemplateRenderer, kind: str) -> None:
    """The message template renders valid Block Kit whatever the data contains."""
    message = renderer.render_message("_test/message", **hostile_context(HOSTILE_TEXTS[kind]))
    validate_message(message)
    for text in [message["text"], *mrkdwn_texts(message["blocks"])]:
        assert "<" not in text


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_view_templates_survive_hostile_data(renderer: TemplateRenderer, kind: str) -> None:
    """The modal and home templates render valid views whatever the data contains."""
    context = hostile_context(HOSTILE_TEXTS[kind])
    assert renderer.render_view("_test/modal", **context)["type"] == "modal"
    assert renderer.render_view("_test/home", **context)["type"] == "home"


def test_template_syntax_in_data_is_not_evaluated(renderer: TemplateRenderer) -> None:
    """Jinja syntax inside a value is shown literally, never executed."""
    message = renderer.render_message("_test/message", **hostile_context("{{ 7*7 }} {% raw %}"))
    assert message["blocks"][0]["text"]["text"] == "{{ 7*7 }} {% raw %}"
    assert "49" not in json.dumps(message)


def test_quotes_and_newlines_in_data_cannot_break_json(renderer: TemplateRenderer) -> None:
    """A value that closes the JSON string and adds a block stays one string."""
    value = HOSTILE_TEXTS["json"]
    message = renderer.render_message("_test/message", **hostile_context(value))
    assert len(message["blocks"]) == 7
    assert message["blocks"][0]["text"]["text"] == value.strip()


def test_plain_text_keeps_markup_characters(renderer: TemplateRenderer) -> None:
    """plain_text fields get | plain, which keeps <, > and & as typed."""
    view = renderer.render_view("_test/modal", **hostile_context("a <b> & c"))
    assert view["blocks"][0]["element"]["initial_value"] == "a <b> & c"


def test_mrkdwn_filter_escapes_in_fallback_text(renderer: TemplateRenderer) -> None:
    """The .txt.j2 fallback escapes data for mrkdwn too."""
    message = renderer.render_message("_test/message", **hostile_context("<!here>"))
    assert message["text"] == "AIS-42: &lt;!here&gt;"


def test_excerpt_filter_masks_secrets(renderer: TemplateRenderer) -> None:
    """The excerpt filter masks the given spans before escaping."""
    context = hostile_context("x")
    context.update(evidence="key AKIAZZZZ1234567890Q7 <!here>", spans=[(4, 24)])
    message = renderer.render_message("_test/message", **context)
    assert message["blocks"][3]["text"]["text"] == "> key AKIA" + MASK + " &lt;!here&gt;"


def test_render_reports_invalid_json_with_template_name(renderer: TemplateRenderer) -> None:
    """Invalid JSON output raises TemplateError naming the template and line."""
    with pytest.raises(TemplateError, match=r"_test/bad_json\.json\.j2 rendered invalid JSON"):
        renderer.render("_test/bad_json")


def test_value_without_json_filter_fails_clearly(renderer: TemplateRenderer) -> None:
    """A value interpolated without | j breaks the JSON and is caught, not sent."""
    with pytest.raises(TemplateError, match="no_filter"):
        renderer.render("_test/no_filter", title='say "hi"')


def test_missing_variable_is_an_error(renderer: TemplateRenderer) -> None:
    """StrictUndefined turns a missing variable into a TemplateError."""
    with pytest.raises(TemplateError, match=r"_test/home\.json\.j2.*'title' is undefined"):
        renderer.render("_test/home")


def test_missing_template_is_an_error(renderer: TemplateRenderer) -> None:
    """An unknown template name raises TemplateError."""
    with pytest.raises(TemplateError, match="not found"):
        renderer.render("_test/nope")


def test_message_needs_fallback_text_template(renderer: TemplateRenderer) -> None:
    """render_message requires the .txt.j2 sibling."""
    with pytest.raises(TemplateError, match=r"_test/home\.txt\.j2 not found"):
        renderer.render_message("_test/home", title="x")


def test_trailing_commas_are_dropped_outside_strings(tmp_path: Path) -> None:
    """Trailing commas before ] or } are removed but commas inside strings stay."""
    (tmp_path / "t.json.j2").write_text('[{"a": ", ]", "b": [1, 2,],},]')
    assert TemplateRenderer(tmp_path).render("t") == [{"a": ", ]", "b": [1, 2]}]


def test_sandbox_blocks_unsafe_attribute_access(tmp_path: Path) -> None:
    """The sandbox refuses access to Python internals from a template."""
    (tmp_path / "t.json.j2").write_text("{{ x.__class__.__mro__ | j }}")
    with pytest.raises(TemplateError):
        TemplateRenderer(tmp_path).render("t", x="s")


def test_misspelled_key_fails_validation(renderer: TemplateRenderer) -> None:
    """A template with a misspelled key fails validation instead of reaching Slack."""
    blocks = renderer.render("_test/misspelled")
    with pytest.raises(BlockKitError, match=r"blocks\[0\]\.acessory: unknown or misplaced key"):
        validate_blocks(blocks, surface="message")


def test_misspelled_view_key_fails_render(renderer: TemplateRenderer) -> None:
    """A view with a misspelled top-level key fails validation."""
    with pytest.raises(BlockKitError, match=r"_test/misspelled_view: callbackid: unknown"):
        renderer.render_view("_test/misspelled_view")


# ---------------------------------------------------------------- block limits


def test_section_text_limit_names_the_path() -> None:
    """A section text over 3000 characters is reported with its path and size."""
    blocks = [section("ok"), section("ok"), section("ok"), section("x" * 3104)]
    assert problem(blocks) == "blocks[3].text.text: 3104 chars > 3000"


def test_header_limit() -> None:
    """A header text over 150 characters is rejected."""
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert problem([header]) == "blocks[0].text.text: 151 chars > 150"


def test_block_count_depends_on_surface() -> None:
    """51 blocks are too many for a message but fine for a modal; 101 are too many anywhere."""
    blocks = [{"type": "divider"}] * 51
    assert problem(blocks) == "blocks: 51 blocks > 50"
    validate_blocks(blocks, surface="modal")
    assert problem([{"type": "divider"}] * 101, "home") == "blocks: 101 blocks > 100"


def test_blank_text_is_rejected() -> None:
    """Slack refuses empty or whitespace-only text objects."""
    assert problem([section(" \n")]) == "blocks[0].text.text: text must be a non-blank string"


def test_section_fields_limits() -> None:
    """At most 10 fields, each at most 2000 characters (Slack's documented limit)."""
    field = {"type": "mrkdwn", "text": "f"}
    assert problem([{"type": "section", "fields": [field] * 11}]) == (
        "blocks[0].fields: 11 items > 10"
    )
    long_field = {"type": "mrkdwn", "text": "f" * 2001}
    assert problem([{"type": "section", "fields": [long_field]}]) == (
        "blocks[0].fields[0].text: 2001 chars > 2000"
    )


def test_button_text_limit() -> None:
    """A button label over 75 characters is rejected."""
    blocks = [{"type": "actions", "elements": [button("a", "b" * 76)]}]
    assert problem(blocks) == "blocks[0].elements[0].text.text: 76 chars > 75"


def test_actions_and_context_element_counts() -> None:
    """Actions hold at most 25 elements and context at most 10."""
    actions = {"type": "actions", "elements": [button(f"a{i}") for i in range(26)]}
    assert problem([actions]) == "blocks[0].elements: 26 items > 25"
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}
    assert problem([context]) == "blocks[0].elements: 11 items > 10"


def test_empty_element_lists_are_rejected() -> None:
    """An actions block without elements is rejected."""
    assert problem([{"type": "actions", "elements": []}]) == "blocks[0].elements: must not be empty"


def test_static_select_limits() -> None:
    """A static select holds at most 100 options, each labelled with at most 75 characters."""
    select = {"type": "static_select", "action_id": "s", "options": [option("o")] * 101}
    assert problem([section("pick", accessory=select)]) == (
        "blocks[0].accessory.options: 101 items > 100"
    )
    select["options"] = [option("o" * 76)]
    assert problem([section("pick", accessory=select)]) == (
        "blocks[0].accessory.options[0].text.text: 76 chars > 75"
    )


def test_block_ids_are_unique_and_short() -> None:
    """block_id must be unique within the blocks and at most 255 characters."""
    assert problem([section("a", block_id="x"), section("b", block_id="x")]) == (
        "blocks[1].block_id: duplicate block_id 'x'"
    )
    assert problem([section("a", block_id="x" * 256)]).startswith("blocks[0]")


def test_action_ids_are_unique_within_a_block() -> None:
    """Two elements of one block cannot share an action_id, but different blocks can."""
    actions = {"type": "actions", "elements": [button("a"), button("a")]}
    assert problem([actions]) == "blocks[0].elements[1].action_id: duplicate action_id 'a'"
    one = {"type": "actions", "elements": [button("a")]}
    validate_blocks([one, one], surface="message")


def test_action_id_length() -> None:
    """An action_id over 255 characters is rejected."""
    actions = {"type": "actions", "elements": [button("a" * 256)]}
    assert problem([actions]).startswith("blocks[0]")


def test_message_text_budget_across_blocks() -> None:
    """About 12,000 characters across a message's blocks gives msg_blocks_too_long."""
    blocks = [section("x" * 3000) for _ in range(5)]
    with pytest.raises(BlockKitError) as info:
        validate_blocks(blocks, surface="message")
    assert info.value.code == "msg_blocks_too_long"
    validate_blocks(blocks, surface="modal")


def test_unknown_block_type_is_rejected() -> None:
    """A block type the models do not know is rejected."""
    assert problem([{"type": "sectoin"}]) == "blocks[0].type: unknown block type 'sectoin'"


def test_misspelled_nested_key_is_rejected() -> None:
    """A misspelled key inside a text object is exposed by the round trip."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "t", "verbtim": True}}]
    assert "verbtim" in problem(blocks)


def test_empty_values_are_rejected() -> None:
    """An empty value the models drop is reported as empty, not as unknown."""
    blocks = [text_input(initial_value="")]
    assert problem(blocks, "modal") == (
        "blocks[0].element.initial_value: empty value (Slack rejects it; omit the key)"
    )


def test_non_list_blocks_are_rejected() -> None:
    """Blocks must be a list of objects."""
    assert problem({"type": "divider"}) == "blocks: blocks must be a list, got dict"
    assert problem(["divider"]).startswith("blocks[0]: a block must be an object")


def test_message_needs_fallback_text() -> None:
    """A message without fallback text is rejected like Slack's no_text."""
    with pytest.raises(BlockKitError) as info:
        validate_message({"text": "", "blocks": [section("x")]})
    assert info.value.code == "no_text"


# ---------------------------------------------------------------- view limits


def view_problem(view: Any) -> str:
    """Return the message of the BlockKitError that validate_view raises."""
    with pytest.raises(BlockKitError) as info:
        validate_view(view)
    return str(info.value)


def test_valid_modal_and_home_pass() -> None:
    """A minimal modal and a minimal home view are accepted."""
    validate_view(modal([text_input(max_length=100, initial_value="hi")]))
    validate_view({"type": "home", "blocks": [section("hi")]})


def test_modal_title_submit_close_limits() -> None:
    """Modal title, submit and close texts are at most 24 characters."""
    for key in ("title", "submit", "close"):
        view = modal([section("x")], **{key: {"type": "plain_text", "text": "t" * 25}})
        assert view_problem(view) == f"{key}.text: 25 chars > 24"


def test_private_metadata_limit() -> None:
    """private_metadata is at most 3000 characters."""
    view = modal([section("x")], private_metadata="m" * 3001)
    assert view_problem(view) == "private_metadata: 3001 chars > 3000"


def test_initial_value_within_max_length() -> None:
    """initial_value must fit max_length, which must be at most 3000."""
    view = modal([text_input(max_length=10, initial_value="x" * 11)])
    assert view_problem(view) == "blocks[0].element.initial_value: 11 chars > 10"
    view = modal([text_input(max_length=3001)])
    assert view_problem(view) == "blocks[0].element.max_length: 3001 not in 1..3000"
    view = modal([text_input(initial_value="x" * 3001)])
    assert view_problem(view) == "blocks[0].element.initial_value: 3001 chars > 3000"


def test_view_size_limit() -> None:
    """A view over 250 kB of JSON is rejected."""
    blocks = [section("x" * 2999, block_id=f"b{i}") for i in range(90)]
    assert view_problem(modal(blocks)).startswith("view: ")


def test_home_has_no_title_or_submit() -> None:
    """A home view with a submit button is rejected."""
    view = {"type": "home", "blocks": [section("x")], "submit": {"type": "plain_text", "text": "s"}}
    assert view_problem(view) == "submit: a home view has no title, submit or close"


def test_modal_with_inputs_needs_submit() -> None:
    """A modal with input blocks but no submit button is rejected."""
    view = modal([text_input()])
    del view["submit"]
    assert view_problem(view) == "submit: a modal with input blocks needs a submit button"


def test_view_type_must_be_modal_or_home() -> None:
    """Only modal and home views are accepted."""
    assert view_problem({"type": "workflow_step", "blocks": []}).startswith("type: ")
