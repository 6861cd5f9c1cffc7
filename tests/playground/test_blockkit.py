"""Block Kit to HTML: every block and element the bot uses, and a visible box for the rest."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from bot.playground.blockkit import Context, render_attachments, render_blocks
from bot.playground.mrkdwn import Names

CTX = Context(
    names=Names(users={"U1": "Tara"}),
    users=[("U1", "Tara"), ("U2", "Sam")],
    channels=[("C1", "#general")],
)


def _text(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": kind, "text": text}


def _option(value: str) -> dict[str, Any]:
    return {"text": _text(value.title(), "plain_text"), "value": value}


def test_header_section_fields_context_divider() -> None:
    """Header, section text and fields, context and divider blocks render with their text."""
    html = render_blocks(
        [
            {"type": "header", "text": _text("AIS-1 · Title", "plain_text")},
            {
                "type": "section",
                "text": _text("*Checks:* found"),
                "fields": [_text("*Severity*\nHigh"), _text("*Status*\nNew")],
            },
            {
                "type": "context",
                "elements": [
                    _text("seen in eval"),
                    {"type": "image", "image_url": "https://x.example/a.png", "alt_text": "logo"},
                ],
            },
            {"type": "divider"},
        ],
        CTX,
    )
    assert "<h3>AIS-1 · Title</h3>" in html and "<b>Checks:</b> found" in html
    assert html.count('class="bk-field"') == 2 and "<b>Severity</b><br>High" in html
    assert "seen in eval" in html and "<hr>" in html
    assert "<img" not in html and "logo" in html


def test_section_accessory_and_actions_are_actions() -> None:
    """Buttons, selects and overflow menus outside inputs carry the ids the page reports as actions."""
    html = render_blocks(
        [
            {
                "type": "section",
                "block_id": "s",
                "text": _text("Pick"),
                "accessory": {"type": "users_select", "action_id": "who", "initial_user": "U2"},
            },
            {
                "type": "actions",
                "block_id": "triage:AIS-1:new",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "ack",
                        "text": _text("Acknowledge", "plain_text"),
                        "style": "primary",
                        "value": "AIS-1",
                    },
                    {
                        "type": "button",
                        "action_id": "del",
                        "text": _text("Resolve…", "plain_text"),
                        "style": "danger",
                        "confirm": {
                            "title": _text("Sure?", "plain_text"),
                            "text": _text("Really"),
                            "confirm": _text("Yes", "plain_text"),
                            "deny": _text("No", "plain_text"),
                        },
                    },
                    {
                        "type": "static_select",
                        "action_id": "sev",
                        "options": [_option("low"), _option("high")],
                        "initial_option": _option("high"),
                    },
                    {"type": "overflow", "action_id": "more", "options": [_option("merge")]},
                ],
            },
        ],
        CTX,
    )
    assert (
        'data-role="action" data-block-id="s" data-action-id="who" data-type="users_select"' in html
    )
    assert '<option value="U2" selected>Sam</option>' in html
    assert (
        'class="bk-button bk-primary" data-role="action" data-block-id="triage:AIS-1:new" data-action-id="ack"'
        in html
    )
    assert "bk-danger" in html and 'data-confirm="Sure? — Really"' in html
    assert '<option value="high" selected>High</option>' in html and "bk-overflow" in html


def test_input_elements_in_a_modal() -> None:
    """Plain text (single and multiline), static, multi and user selects, radio buttons and checkboxes render as form inputs with their initial values."""
    blocks = [
        {
            "type": "input",
            "block_id": "evidence",
            "label": _text("Model output", "plain_text"),
            "hint": _text("Paste it", "plain_text"),
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "multiline": True,
                "max_length": 3000,
                "initial_value": "a <b> & c",
            },
        },
        {
            "type": "input",
            "block_id": "title",
            "optional": True,
            "label": _text("Title", "plain_text"),
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "placeholder": _text("short", "plain_text"),
            },
        },
        {
            "type": "input",
            "block_id": "cats",
            "label": _text("Categories", "plain_text"),
            "element": {
                "type": "multi_static_select",
                "action_id": "value",
                "options": [_option("coercion"), _option("secrets")],
                "initial_options": [_option("secrets")],
            },
        },
        {
            "type": "input",
            "block_id": "who",
            "label": _text("Assignee", "plain_text"),
            "element": {
                "type": "multi_users_select",
                "action_id": "value",
                "initial_users": ["U1"],
            },
        },
        {
            "type": "input",
            "block_id": "res",
            "label": _text("Resolution", "plain_text"),
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": [_option("fixed"), _option("wont_fix")],
                "initial_option": _option("fixed"),
            },
        },
        {
            "type": "input",
            "block_id": "flags",
            "label": _text("Sensitive", "plain_text"),
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [
                    {
                        "text": _text("*Restricted*"),
                        "value": "restricted",
                        "description": _text("triage only", "plain_text"),
                    }
                ],
            },
        },
        {
            "type": "input",
            "block_id": "when",
            "label": _text("When", "plain_text"),
            "element": {"type": "datepicker", "action_id": "value", "initial_date": "2026-11-02"},
        },
    ]
    html = render_blocks(blocks, CTX)
    assert '<textarea rows="5" class="bk-input" data-role="input" data-block-id="evidence"' in html
    assert 'maxlength="3000">a &lt;b&gt; &amp; c</textarea>' in html
    assert 'placeholder="short"' in html and "(optional)" in html and "Paste it" in html
    assert re.search(
        r'<select multiple class="bk-select" data-role="input" data-block-id="cats"', html
    )
    assert '<option value="secrets" selected>Secrets</option>' in html
    assert '<option value="U1" selected>Tara</option>' in html
    assert '<input type="radio" name="res/value" value="fixed" checked>' in html
    assert (
        '<input type="checkbox" name="flags/value" value="restricted">' in html
        and "<b>Restricted</b>" in html
    )
    assert 'type="date"' in html and 'value="2026-11-02"' in html
    assert html.count('class="bk-error"') == len(blocks)


def test_unknown_blocks_and_elements_show_as_labelled_json() -> None:
    """A block or element the playground does not draw is a labelled JSON box, never dropped."""
    html = render_blocks(
        [
            {
                "type": "video",
                "title": _text("clip", "plain_text"),
                "video_url": "https://v.example",
            },
            {
                "type": "actions",
                "elements": [{"type": "workflow_button", "text": _text("Run", "plain_text")}],
            },
            "not a block",
        ],
        CTX,
    )
    assert html.count('class="bk-unknown"') == 3
    assert "block type “video”" in html and "element type “workflow_button”" in html
    assert "https://v.example" in html


def test_hostile_text_is_escaped_everywhere() -> None:
    """Quotes and angle brackets in ids, values and labels cannot break out of attributes or tags."""
    evil = '"><script>alert(1)</script>'
    html = render_blocks(
        [
            {
                "type": "actions",
                "block_id": evil,
                "elements": [
                    {
                        "type": "button",
                        "action_id": evil,
                        "value": evil,
                        "text": _text(evil, "plain_text"),
                    }
                ],
            },
            {"type": "section", "text": _text(evil, "plain_text")},
        ],
        CTX,
    )
    assert "<script>" not in html
    parser = _Attributes()
    parser.feed(html)
    assert parser.values("data-block-id") == [evil, evil, "b1"]
    assert parser.values("data-action-id") == [evil]
    assert "script" not in parser.tags


class _Attributes(HTMLParser):
    """Collects tags and attribute values as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def values(self, name: str) -> list[str | None]:
        return [v for k, v in self.attributes if k == name]


def test_rich_text_blocks() -> None:
    """Rich text sections, lists, quotes, code and mentions render (people's messages use them)."""
    html = render_blocks(
        [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "hi ", "style": {"bold": True}},
                            {"type": "user", "user_id": "U1"},
                            {"type": "emoji", "name": "warning"},
                        ],
                    },
                    {
                        "type": "rich_text_list",
                        "style": "ordered",
                        "elements": [
                            {
                                "type": "rich_text_section",
                                "elements": [{"type": "text", "text": "one"}],
                            }
                        ],
                    },
                    {
                        "type": "rich_text_preformatted",
                        "elements": [{"type": "text", "text": "<code>"}],
                    },
                ],
            }
        ],
        CTX,
    )
    assert "<b>hi </b>" in html and "@Tara" in html and "⚠️" in html
    assert "<ol><li><div>one</div></li></ol>" in html and "<pre>&lt;code&gt;</pre>" in html


def test_attachments_with_sanitised_colour() -> None:
    """Legacy attachments show their text and fields; a colour that is not a colour is replaced."""
    html = render_attachments(
        [
            {
                "color": "red;background:url(https://x.example)",
                "title": "T",
                "text": "*b*",
                "fields": [{"title": "F", "value": "v"}],
            },
            {"color": "danger", "fallback": "fb"},
        ],
        CTX,
    )
    assert "url(" not in html and "border-color:#dddddd" in html and "border-color:#e01e5a" in html
    assert "<b>b</b>" in html and "<b>F</b>" in html and "fb" in html


def test_block_ids_are_given_when_missing() -> None:
    """Blocks without a block id get a stable positional one the page and payloads share."""
    html = render_blocks(
        [
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "action_id": "a", "text": _text("A", "plain_text")}
                ],
            },
        ]
    )
    assert 'data-block-id="b0"' in html and 'data-block-id="b1" data-action-id="a"' in html


def test_dispatching_inputs_say_when_they_send_their_action() -> None:
    """A dispatching text input is marked with Slack's triggers (Enter by default, or as typed); other inputs are not."""

    def block(bid: str, element: dict[str, Any], dispatch: bool = True) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": bid,
            "dispatch_action": dispatch,
            "label": _text("Label", "plain_text"),
            "element": {"action_id": "value", **element},
        }

    typed = {"trigger_actions_on": ["on_character_entered"]}
    both = {"trigger_actions_on": ["on_enter_pressed", "on_character_entered"]}
    html = render_blocks(
        [
            block("typed", {"type": "plain_text_input", "dispatch_action_config": typed}),
            block("both", {"type": "plain_text_input", "dispatch_action_config": both}),
            block("enter", {"type": "url_text_input"}),
            block("select", {"type": "static_select", "options": [_option("a")]}),
            block("quiet", {"type": "plain_text_input"}, dispatch=False),
        ],
        CTX,
    )

    def element(bid: str) -> str:
        found = re.search(rf'<(?:textarea|input|select)[^>]*data-block-id="{bid}"[^>]*>', html)
        assert found, bid
        return found.group(0)

    assert 'data-dispatch-on="character"' in element("typed")
    assert 'data-dispatch-on="enter character"' in element("both")
    assert 'data-dispatch-on="enter"' in element("enter")
    assert 'data-dispatch="1"' in element("select") and "data-dispatch-on" not in element("select")
    assert "data-dispatch" not in element("quiet")
