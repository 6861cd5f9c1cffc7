"""The readable text of a Slack message: ``text``, or its blocks and attachments when empty.

Bot messages often carry an empty ``text`` and put everything in rich-text or section
blocks, or in legacy attachments; reporters flag those too. Slack escapes ``&``, ``<`` and
``>`` in ``text``, mrkdwn and attachments (not in rich text), so those are unescaped.
"""

from __future__ import annotations

from typing import Any

from bot.slack.text import unescape


def message_text(message: dict[str, Any]) -> str:
    """The text a person sees in ``message``; empty when it has none (an image, say)."""
    text = unescape(message.get("text") or "")
    if text.strip():
        return text
    parts = [_blocks_text(message.get("blocks") or [])]
    parts += [_attachment_text(a) for a in message.get("attachments") or [] if isinstance(a, dict)]
    return "\n\n".join(p for p in parts if p.strip()).strip()


def _blocks_text(blocks: list[Any]) -> str:
    return "\n".join(t for t in (_block_text(b) for b in blocks if isinstance(b, dict)) if t)


def _block_text(block: dict[str, Any]) -> str:
    kind = block.get("type")
    if kind == "rich_text":
        return "\n".join(
            _rich_element(e) for e in block.get("elements") or [] if isinstance(e, dict)
        )
    if kind in ("section", "header"):
        lines = [_text_object(block.get("text"))]
        lines += [_text_object(f) for f in block.get("fields") or []]
        return "\n".join(line for line in lines if line)
    if kind == "context":
        return " ".join(_text_object(e) for e in block.get("elements") or [] if isinstance(e, dict))
    return ""


def _rich_element(element: dict[str, Any]) -> str:
    kind = element.get("type")
    children = [c for c in element.get("elements") or [] if isinstance(c, dict)]
    if kind == "rich_text_list":
        return "\n".join(f"- {_rich_element(c)}" for c in children)
    if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
        body = "".join(_rich_leaf(c) for c in children)
        if kind == "rich_text_preformatted":
            return f"```\n{body}\n```"
        return (
            "\n".join(f"> {line}" for line in body.split("\n"))
            if kind == "rich_text_quote"
            else body
        )
    return _rich_leaf(element)


def _rich_leaf(leaf: dict[str, Any]) -> str:
    kind = leaf.get("type")
    if kind == "text":
        return str(leaf.get("text", ""))
    if kind == "link":
        return str(leaf.get("text") or leaf.get("url", ""))
    if kind == "user":
        return f"<@{leaf.get('user_id', '')}>"
    if kind == "channel":
        return f"<#{leaf.get('channel_id', '')}>"
    if kind == "emoji":
        return f":{leaf.get('name', '')}:"
    if kind == "broadcast":
        return f"<!{leaf.get('range', '')}>"
    if kind == "usergroup":
        return f"<!subteam^{leaf.get('usergroup_id', '')}>"
    return str(leaf.get("text", ""))


def _text_object(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    text = str(node.get("text", ""))
    return unescape(text) if node.get("type") == "mrkdwn" else text


def _attachment_text(attachment: dict[str, Any]) -> str:
    parts = [attachment.get(k) for k in ("pretext", "title", "text")]
    parts += [
        f"{f.get('title', '')}: {f.get('value', '')}"
        for f in attachment.get("fields") or []
        if isinstance(f, dict)
    ]
    parts.append(_blocks_text(attachment.get("blocks") or []))
    text = "\n".join(unescape(str(p)) for p in parts if p)
    return text or unescape(str(attachment.get("fallback") or ""))
