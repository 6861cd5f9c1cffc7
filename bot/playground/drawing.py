"""What every part of the playground's Block Kit drawing shares: the context it draws in,
text objects, image placeholders and the labelled JSON box for anything it does not draw."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from bot.playground.mrkdwn import Names, plain_to_html, to_html

Block = dict[str, Any]


@dataclass
class Context:
    """What rendering needs beyond the blocks: names for mentions and lists for pickers."""

    names: Names = field(default_factory=Names)
    users: list[tuple[str, str]] = field(default_factory=list)
    channels: list[tuple[str, str]] = field(default_factory=list)


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


def image_placeholder(node: Block) -> str:
    """Images are not loaded (no network; and a URL can carry data out): alt text and link."""
    alt = html.escape(str(node.get("alt_text", "")))
    url = str(node.get("image_url") or node.get("slack_file", {}).get("url") or "")
    link = html.escape(url)
    return f'<span class="bk-image" title="{link}">🖼 {alt}</span>'
