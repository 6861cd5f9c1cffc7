"""Block Kit elements as HTML for the playground page: buttons, menus, choices, pickers and
inputs, each carrying the ``data-*`` attributes the page's script reports an interaction with."""

from __future__ import annotations

import html
from typing import Any

from bot.playground.drawing import Block, Context, image_placeholder, render_text, unknown

TEXT_INPUTS = ("plain_text_input", "email_text_input", "url_text_input", "number_input")
SELECTS = (
    "static_select",
    "multi_static_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "multi_conversations_select",
    "channels_select",
    "multi_channels_select",
    "external_select",
    "multi_external_select",
)
CHOICES = ("radio_buttons", "checkboxes")
PICKERS = ("datepicker", "timepicker")


def _attrs(role: str, bid: str, item: Block, **extra: str) -> str:
    """The data attributes the page script uses to report an interaction."""
    pairs = {
        "data-role": role,
        "data-block-id": bid,
        "data-action-id": str(item.get("action_id", "")),
        "data-type": str(item.get("type", "")),
        **extra,
    }
    return " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in pairs.items())


def element(item: Any, bid: str, ctx: Context) -> str:
    """An interactive element outside an input block: a click or choice is an action."""
    if not isinstance(item, dict):
        return unknown("element", item)
    kind = item.get("type")
    if kind == "button":
        return _button(item, bid, ctx)
    if kind == "image":
        return image_placeholder(item)
    if kind == "overflow":
        return _overflow(item, bid, ctx)
    if kind in SELECTS or kind in CHOICES or kind in PICKERS:
        return input_element(item, bid, ctx, role="action")
    return unknown("element", item)


def input_element(
    item: Block, bid: str, ctx: Context, *, role: str = "input", dispatch: bool = False
) -> str:
    """A stateful element; in an input block its value is part of the submitted state.

    With ``dispatch`` (the block's ``dispatch_action``) a change is also sent as a block action:
    for a text input when Slack would send it (``data-dispatch-on``: ``enter``, the default,
    and/or ``character``, from ``dispatch_action_config``), for any other element on change.
    """
    kind = item.get("type")
    extra = {"data-dispatch": "1"} if dispatch else {}
    if dispatch and kind in TEXT_INPUTS:
        extra["data-dispatch-on"] = " ".join(_text_triggers(item))
    attrs = _attrs(role, bid, item, **extra)
    if kind in TEXT_INPUTS:
        return _text_input(item, attrs, ctx)
    if kind in SELECTS:
        return _select(item, attrs, ctx)
    if kind in CHOICES:
        return _choices(item, attrs, ctx, bid)
    if kind == "datepicker":
        value = html.escape(str(item.get("initial_date", "")), quote=True)
        return f'<input type="date" class="bk-input" {attrs} value="{value}">'
    if kind == "timepicker":
        value = html.escape(str(item.get("initial_time", "")), quote=True)
        return f'<input type="time" class="bk-input" {attrs} value="{value}">'
    if kind == "file_input":  # the playground's workspace has no files to pick from
        return '<div class="bk-hint">(Files cannot be attached in the playground.)</div>'
    return unknown("element", item)


def _text_triggers(item: Block) -> list[str]:
    """When a dispatching text input sends its action: ``enter`` and/or ``character``."""
    config = item.get("dispatch_action_config")
    wanted = config.get("trigger_actions_on") if isinstance(config, dict) else None
    names = {"on_enter_pressed": "enter", "on_character_entered": "character"}
    triggers = [names[t] for t in wanted or [] if t in names]
    return triggers or ["enter"]


def _button(item: Block, bid: str, ctx: Context) -> str:
    style = item.get("style")
    classes = "bk-button" + (f" bk-{style}" if style in ("primary", "danger") else "")
    extra = {}
    if isinstance(item.get("confirm"), dict):
        confirm = item["confirm"]
        extra["data-confirm"] = " — ".join(
            str((confirm.get(k) or {}).get("text", "")) for k in ("title", "text")
        )
    if item.get("url"):
        extra["data-url"] = str(item["url"])
    label = render_text(item.get("text"), ctx)
    return f'<button type="button" class="{classes}" {_attrs("action", bid, item, **extra)}>{label}</button>'


def _overflow(item: Block, bid: str, ctx: Context) -> str:
    options = "".join(_option(o, ctx, selected=False) for o in item.get("options") or [])
    attrs = _attrs("action", bid, item)
    return f'<select class="bk-select bk-overflow" {attrs}><option value="">⋯</option>{options}</select>'


def _text_input(item: Block, attrs: str, ctx: Context) -> str:
    value = html.escape(str(item.get("initial_value") or ""), quote=True)
    placeholder = html.escape(str((item.get("placeholder") or {}).get("text", "")), quote=True)
    limits = ""
    if item.get("max_length"):
        limits += f' maxlength="{int(item["max_length"])}"'
    if item.get("min_length"):
        limits += f' minlength="{int(item["min_length"])}"'
    common = f'class="bk-input" {attrs} placeholder="{placeholder}"{limits}'
    if item.get("type") == "plain_text_input" and item.get("multiline"):
        return f'<textarea rows="5" {common}>{value}</textarea>'
    kinds = {"email_text_input": "email", "url_text_input": "url", "number_input": "number"}
    kind = kinds.get(str(item.get("type")), "text")
    return f'<input type="{kind}" {common} value="{value}">'


def _select(item: Block, attrs: str, ctx: Context) -> str:
    kind = str(item.get("type"))
    multiple = kind.startswith("multi_")
    chosen = _initial_values(item)
    placeholder = str((item.get("placeholder") or {}).get("text", "Select…"))
    options = _select_options(item, ctx, chosen)
    if multiple:
        return f'<select multiple class="bk-select" {attrs}>{options}</select>'
    empty = f'<option value="">{html.escape(placeholder)}</option>'
    return f'<select class="bk-select" {attrs}>{empty}{options}</select>'


def _select_options(item: Block, ctx: Context, chosen: set[str]) -> str:
    kind = str(item.get("type"))
    if "users" in kind:
        pairs = ctx.users
    elif "conversations" in kind or "channels" in kind:
        pairs = ctx.channels
    else:
        return _static_options(item, ctx, chosen)
    return "".join(
        f'<option value="{html.escape(v, quote=True)}"{" selected" if v in chosen else ""}>'
        f"{html.escape(label)}</option>"
        for v, label in pairs
    )


def _static_options(item: Block, ctx: Context, chosen: set[str]) -> str:
    out = [_option(o, ctx, selected=o.get("value") in chosen) for o in item.get("options") or []]
    for group in item.get("option_groups") or []:
        label = html.escape(str((group.get("label") or {}).get("text", "")), quote=True)
        inner = "".join(
            _option(o, ctx, selected=o.get("value") in chosen) for o in group.get("options") or []
        )
        out.append(f'<optgroup label="{label}">{inner}</optgroup>')
    return "".join(out)


def _option(option: Any, ctx: Context, *, selected: bool) -> str:
    if not isinstance(option, dict):
        return ""
    value = html.escape(str(option.get("value", "")), quote=True)
    text = html.escape(str((option.get("text") or {}).get("text", "")))
    return f'<option value="{value}"{" selected" if selected else ""}>{text}</option>'


def _initial_values(item: Block) -> set[str]:
    """The values an element starts with, whatever its type calls them."""
    values: set[str] = set()
    if isinstance(item.get("initial_option"), dict):
        values.add(str(item["initial_option"].get("value")))
    for option in item.get("initial_options") or []:
        if isinstance(option, dict):
            values.add(str(option.get("value")))
    for key in ("initial_user", "initial_conversation", "initial_channel"):
        if item.get(key):
            values.add(str(item[key]))
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        values.update(str(v) for v in item.get(key) or [])
    return values


def _choices(item: Block, attrs: str, ctx: Context, bid: str) -> str:
    kind = "radio" if item.get("type") == "radio_buttons" else "checkbox"
    chosen = _initial_values(item)
    name = html.escape(f"{bid}/{item.get('action_id', '')}", quote=True)
    rows = []
    for option in item.get("options") or []:
        if not isinstance(option, dict):
            continue
        value = html.escape(str(option.get("value", "")), quote=True)
        checked = " checked" if option.get("value") in chosen else ""
        text = render_text(option.get("text"), ctx)
        description = option.get("description")
        extra = f"<small>{render_text(description, ctx)}</small>" if description else ""
        rows.append(
            f'<label class="bk-choice"><input type="{kind}" name="{name}" value="{value}"{checked}>'
            f"<span>{text}{extra}</span></label>"
        )
    return f'<div class="bk-choices" {attrs}>{"".join(rows)}</div>'
