"""Block Kit to HTML for the playground page, covering what safetybot sends.

Blocks: header, section (text, fields, accessory), context, divider, actions, input,
image, rich_text. Elements: buttons, static/multi/user/conversation selects, overflow,
radio buttons, checkboxes, date pickers, plain-text, number, email and URL inputs. Anything
else is shown as a labelled JSON box rather than dropped, so a template author sees it.

Interactive elements carry ``data-*`` attributes (block id, action id, element type) that
the page's script reads; the server looks the element up again in the stored view or
message before it builds Slack's payload, so the page never supplies an element's content.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.playground.emoji import emojize
from bot.playground.mrkdwn import Names, plain_to_html, to_html

Block = dict[str, Any]
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
_HEX = re.compile(r"#[0-9a-fA-F]{3,8}")
_COLORS = {"good": "#2eb67d", "warning": "#ecb22e", "danger": "#e01e5a"}


@dataclass
class Context:
    """What rendering needs beyond the blocks: names for mentions and lists for pickers."""

    names: Names = field(default_factory=Names)
    users: list[tuple[str, str]] = field(default_factory=list)
    channels: list[tuple[str, str]] = field(default_factory=list)


def block_id_of(block: Block, index: int) -> str:
    """A block's id, or the stable one the playground gives a block that has none."""
    return str(block.get("block_id") or f"b{index}")


def render_blocks(blocks: Iterable[Any], ctx: Context | None = None) -> str:
    """HTML for a list of blocks; anything malformed or unknown becomes a JSON box."""
    ctx = ctx or Context()
    parts = []
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            parts.append(unknown("block", block))
            continue
        renderer = _BLOCKS.get(str(block.get("type")))
        bid = block_id_of(block, index)
        body = renderer(block, bid, ctx) if renderer else unknown("block", block)
        kind = html.escape(str(block.get("type")), quote=True)
        shown = html.escape(bid, quote=True)
        parts.append(f'<div class="bk-block bk-{kind}" data-block-id="{shown}">{body}</div>')
    return "".join(parts)


def render_text(node: Any, ctx: Context) -> str:
    """A text object (``plain_text`` or ``mrkdwn``) as HTML."""
    if not isinstance(node, dict):
        return ""
    text = str(node.get("text", ""))
    if node.get("type") == "mrkdwn":
        return to_html(text, ctx.names)
    return plain_to_html(text, emoji=node.get("emoji", True) is not False)


def unknown(what: str, value: Any) -> str:
    """A labelled JSON box for something the playground does not draw."""
    kind = value.get("type", "?") if isinstance(value, dict) else type(value).__name__
    dumped = html.escape(json.dumps(value, indent=2, ensure_ascii=False, default=str))
    label = html.escape(f"{what} type “{kind}” is not drawn by the playground; its JSON:")
    return (
        f'<details class="bk-unknown" open><summary>{label}</summary><pre>{dumped}</pre></details>'
    )


# ---------------------------------------------------------------- blocks


def _header(block: Block, bid: str, ctx: Context) -> str:
    return f"<h3>{render_text(block.get('text'), ctx)}</h3>"


def _section(block: Block, bid: str, ctx: Context) -> str:
    main = ""
    if block.get("text"):
        main += f'<div class="bk-text">{render_text(block["text"], ctx)}</div>'
    if block.get("fields"):
        cells = "".join(
            f'<div class="bk-field">{render_text(f, ctx)}</div>' for f in block["fields"]
        )
        main += f'<div class="bk-fields">{cells}</div>'
    accessory = block.get("accessory")
    side = f'<div class="bk-accessory">{element(accessory, bid, ctx)}</div>' if accessory else ""
    return f'<div class="bk-main">{main}</div>{side}'


def _context(block: Block, bid: str, ctx: Context) -> str:
    items = []
    for item in block.get("elements") or []:
        if isinstance(item, dict) and item.get("type") in ("mrkdwn", "plain_text"):
            items.append(f"<span>{render_text(item, ctx)}</span>")
        elif isinstance(item, dict) and item.get("type") == "image":
            items.append(_image_placeholder(item))
        else:
            items.append(unknown("context element", item))
    return "".join(items)


def _divider(block: Block, bid: str, ctx: Context) -> str:
    return "<hr>"


def _actions(block: Block, bid: str, ctx: Context) -> str:
    return "".join(element(e, bid, ctx) for e in block.get("elements") or [])


def _input(block: Block, bid: str, ctx: Context) -> str:
    label = render_text(block.get("label"), ctx)
    optional = ' <span class="bk-optional">(optional)</span>' if block.get("optional") else ""
    hint = block.get("hint")
    hint_html = f'<div class="bk-hint">{render_text(hint, ctx)}</div>' if hint else ""
    item = block.get("element")
    dispatch = bool(block.get("dispatch_action"))
    body = (
        input_element(item, bid, ctx, dispatch=dispatch)
        if isinstance(item, dict)
        else unknown("element", item)
    )
    return (
        f'<label class="bk-label">{label}{optional}</label>{body}{hint_html}'
        f'<div class="bk-error" data-error-for="{html.escape(bid, quote=True)}" hidden></div>'
    )


def _image(block: Block, bid: str, ctx: Context) -> str:
    title = render_text(block.get("title"), ctx) if block.get("title") else ""
    return f"{title}{_image_placeholder(block)}"


def _image_placeholder(node: Block) -> str:
    """Images are not loaded (no network; and a URL can carry data out): alt text and link."""
    alt = html.escape(str(node.get("alt_text", "")))
    url = str(node.get("image_url") or node.get("slack_file", {}).get("url") or "")
    link = html.escape(url)
    return f'<span class="bk-image" title="{link}">🖼 {alt}</span>'


def _rich_text(block: Block, bid: str, ctx: Context) -> str:
    return "".join(_rich_node(n, ctx) for n in block.get("elements") or [])


_BLOCKS: dict[str, Callable[[Block, str, Context], str]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "divider": _divider,
    "actions": _actions,
    "input": _input,
    "image": _image,
    "rich_text": _rich_text,
}


# ---------------------------------------------------------------- rich text


def _rich_node(node: Any, ctx: Context) -> str:
    if not isinstance(node, dict):
        return unknown("rich text element", node)
    kind = node.get("type")
    children = "".join(_rich_leaf(c, ctx) for c in node.get("elements") or [])
    if kind == "rich_text_section":
        return f"<div>{children}</div>"
    if kind == "rich_text_preformatted":
        return f"<pre>{children}</pre>"
    if kind == "rich_text_quote":
        return f"<blockquote>{children}</blockquote>"
    if kind == "rich_text_list":
        tag = "ol" if node.get("style") == "ordered" else "ul"
        items = "".join(f"<li>{_rich_node(c, ctx)}</li>" for c in node.get("elements") or [])
        return f"<{tag}>{items}</{tag}>"
    return unknown("rich text element", node)


def _rich_leaf(leaf: Any, ctx: Context) -> str:
    if not isinstance(leaf, dict):
        return unknown("rich text element", leaf)
    kind = leaf.get("type")
    if kind in ("rich_text_section", "rich_text_list", "rich_text_quote"):
        return _rich_node(leaf, ctx)
    text = _rich_leaf_text(leaf, ctx)
    for flag, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
        if (leaf.get("style") or {}).get(flag):
            text = f"<{tag}>{text}</{tag}>"
    return text


def _rich_leaf_text(leaf: Block, ctx: Context) -> str:
    kind = leaf.get("type")
    if kind == "text":
        return html.escape(str(leaf.get("text", ""))).replace("\n", "<br>")
    if kind == "link":
        url = str(leaf.get("url", ""))
        return to_html(f"<{url}|{leaf.get('text') or url}>", ctx.names)
    if kind == "user":
        return to_html(f"<@{leaf.get('user_id', '')}>", ctx.names)
    if kind == "channel":
        return to_html(f"<#{leaf.get('channel_id', '')}>", ctx.names)
    if kind == "usergroup":
        return to_html(f"<!subteam^{leaf.get('usergroup_id', '')}>", ctx.names)
    if kind == "broadcast":
        return to_html(f"<!{leaf.get('range', '')}>", ctx.names)
    if kind == "emoji":
        return emojize(f":{html.escape(str(leaf.get('name', '')))}:")
    return unknown("rich text element", leaf)


# ---------------------------------------------------------------- elements


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
        return _image_placeholder(item)
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


# ---------------------------------------------------------------- attachments


def render_attachments(attachments: Iterable[Any], ctx: Context) -> str:
    """Legacy attachments: a coloured bar with their text, fields and blocks."""
    out = []
    for attachment in attachments:
        if not isinstance(attachment, dict):
            out.append(unknown("attachment", attachment))
            continue
        color = _COLORS.get(str(attachment.get("color")), str(attachment.get("color")))
        color = color if _HEX.fullmatch(color) else "#dddddd"
        body = []
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                body.append(
                    f'<div class="bk-att-{key}">{to_html(str(attachment[key]), ctx.names)}</div>'
                )
        for f in attachment.get("fields") or []:
            if isinstance(f, dict):
                body.append(
                    f'<div class="bk-field"><b>{html.escape(str(f.get("title", "")))}</b><br>'
                    f"{to_html(str(f.get('value', '')), ctx.names)}</div>"
                )
        if attachment.get("blocks"):
            body.append(render_blocks(attachment["blocks"], ctx))
        if not body and attachment.get("fallback"):
            body.append(html.escape(str(attachment["fallback"])))
        out.append(f'<div class="bk-attachment" style="border-color:{color}">{"".join(body)}</div>')
    return "".join(out)
