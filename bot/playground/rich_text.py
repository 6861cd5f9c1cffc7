"""Slack's rich text (``rich_text`` blocks) as HTML for the playground page."""

from __future__ import annotations

import html
from typing import Any

from bot.playground.drawing import Block, Context, unknown
from bot.playground.emoji import emojize
from bot.playground.mrkdwn import to_html


def render_rich_text(block: Block, ctx: Context) -> str:
    """A ``rich_text`` block's elements as HTML."""
    return "".join(_rich_node(n, ctx) for n in block.get("elements") or [])


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
