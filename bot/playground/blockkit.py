"""Block Kit to HTML for the playground page, covering what safetybot sends.

Blocks: header, section (text, fields, accessory), context, divider, actions, input,
image, rich_text. Elements: buttons, static/multi/user/conversation selects, overflow,
radio buttons, checkboxes, date pickers, plain-text, number, email and URL inputs. Anything
else is shown as a labelled JSON box rather than dropped, so a template author sees it.
This module draws blocks and attachments; elements are :mod:`bot.playground.elements`, rich
text :mod:`bot.playground.rich_text`, what they share :mod:`bot.playground.drawing`.

Interactive elements carry ``data-*`` attributes (block id, action id, element type) that
the page's script reads; the server looks the element up again in the stored view or
message before it builds Slack's payload, so the page never supplies an element's content.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.playground.drawing import Block, Context, image_placeholder, render_text, unknown
from bot.playground.elements import element, input_element
from bot.playground.mrkdwn import to_html
from bot.playground.rich_text import render_rich_text

_HEX = re.compile(r"#[0-9a-fA-F]{3,8}")
_COLORS = {"good": "#2eb67d", "warning": "#ecb22e", "danger": "#e01e5a"}


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
            items.append(image_placeholder(item))
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
    return f"{title}{image_placeholder(block)}"


def _rich_text(block: Block, bid: str, ctx: Context) -> str:
    return render_rich_text(block, ctx)


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
