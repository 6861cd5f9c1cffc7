"""Slack ``mrkdwn`` to HTML, as the Slack client shows it.

Slack text arrives with ``&``, ``<`` and ``>`` escaped as entities; ``<...>`` sequences are
links, mentions and broadcasts. Everything is HTML-escaped here, and only the markup Slack
itself understands turns into tags, so an escaped ``&lt;!channel&gt;`` from the bot shows as
literal text and never as a mention.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.playground.emoji import emojize

_ANGLE = re.compile(r"<([^<>\n]*)>")
_PRE = re.compile(r"```(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w])_(?=\S)([^_\n]*?\S)_(?![\w])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
_HOLE = re.compile("\ue000(\\d+)\ue001")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass
class Names:
    """How ids in mentions read: user, channel and user-group names by id."""

    users: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)


def to_html(text: str, names: Names | None = None) -> str:
    """Render Slack ``mrkdwn`` as HTML that is safe to insert into the page."""
    names = names or Names()
    holes: list[str] = []

    def hole(markup: str) -> str:
        holes.append(markup)
        return f"\ue000{len(holes) - 1}\ue001"

    text = text.replace("\ue000", "").replace("\ue001", "")
    text = _PRE.sub(lambda m: hole(f"<pre>{_literal(m.group(1).strip(chr(10)))}</pre>"), text)
    text = _CODE.sub(lambda m: hole(f"<code>{_literal(m.group(1))}</code>"), text)
    text = _ANGLE.sub(lambda m: hole(_special(m.group(1), names)), text)
    out = emojize(_literal(text))
    out = _quotes(out)
    for pattern, tag in ((_BOLD, "b"), (_ITALIC, "i"), (_STRIKE, "s")):
        out = pattern.sub(lambda m, t=tag: f"<{t}>{m.group(1)}</{t}>", out)  # type: ignore[misc]
    out = out.replace("\n", "<br>")
    return _fill(out, holes)


def plain_to_html(text: str, *, emoji: bool = True) -> str:
    """Render a ``plain_text`` object: shown literally, emoji codes optionally as emoji."""
    escaped = html.escape(text, quote=True).replace("\n", "<br>")
    return emojize(escaped) if emoji else escaped


def _literal(text: str) -> str:
    """Slack's three entities back to characters, then HTML-escaped."""
    plain = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return html.escape(plain, quote=True)


def _quotes(escaped: str) -> str:
    """Lines starting with ``>`` (escaped as ``&gt;``) become block quotes."""
    lines = escaped.split("\n")
    out: list[str] = []
    for line in lines:
        if line.startswith("&gt;"):
            out.append(f"<blockquote>{line[4:].lstrip()}</blockquote>")
        else:
            out.append(line)
    return "\n".join(out).replace("</blockquote>\n", "</blockquote>")


def _fill(out: str, holes: list[str]) -> str:
    """Put the protected pieces back; a piece may itself contain pieces."""
    previous = None
    while previous != out:
        previous = out
        out = _HOLE.sub(lambda m: holes[int(m.group(1))], out)
    return out


def _special(inner: str, names: Names) -> str:
    """One ``<...>`` sequence: a mention, a broadcast, a channel, a link, or literal text."""
    target, _, label = inner.partition("|")
    handlers: dict[str, Callable[[str, str, Names], str]] = {
        "@": _user,
        "#": _channel,
        "!": _command,
    }
    handler = handlers.get(target[:1])
    if handler is not None:
        return handler(target[1:], label, names)
    if target.lower().startswith(_SAFE_SCHEMES):
        href = html.escape(_literal_url(target), quote=True)
        shown = _literal(label) if label else html.escape(_literal_url(target))
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{shown}</a>'
    return _literal(f"<{inner}>")


def _literal_url(url: str) -> str:
    return url.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _user(user_id: str, label: str, names: Names) -> str:
    name = names.users.get(user_id) or label or user_id
    return f'<span class="mention" data-user="{html.escape(user_id)}">@{_literal(name)}</span>'


def _channel(channel_id: str, label: str, names: Names) -> str:
    name = names.channels.get(channel_id) or label or channel_id
    return f'<span class="mention channel">#{_literal(name)}</span>'


def _command(command: str, label: str, names: Names) -> str:
    if command in ("here", "channel", "everyone"):
        return f'<span class="mention broadcast">@{command}</span>'
    if command.startswith("subteam^"):
        group_id = command.removeprefix("subteam^")
        name = names.groups.get(group_id) or label.lstrip("@") or group_id
        return f'<span class="mention group">@{_literal(name)}</span>'
    if command.startswith("date^"):
        return _literal(label or command)
    return _literal(label or f"<!{command}>")
