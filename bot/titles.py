"""A readable title for an incident whose reporter left the title blank."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.vocab import category_label

if TYPE_CHECKING:
    from bot.checks import CheckResult

_TAGS = re.compile(r"<[^<>\n]{0,80}>")
_SPACE = re.compile(r"\s+")


def make_title(text: str, result: CheckResult, *, limit: int = 120) -> str:
    """A title like "Coercion (executed): first words"; just the words when nothing was found."""
    words = _SPACE.sub(" ", _TAGS.sub(" ", _without_secrets(text, result))).strip()
    if result.categories:
        head = category_label(result.categories[0])
        lead = f"{head} ({result.actuality}): " if result.actuality != "none" else f"{head}: "
    else:
        lead = "Report: "
    room = limit - len(lead)
    snippet = words if len(words) <= room else words[: room - 1].rsplit(" ", 1)[0] + "…"
    return lead + (snippet or "(no text)")


def masked_title(title: str, text: str, result: CheckResult, own: CheckResult) -> str:
    """A typed title with the evidence's credentials (``result``) and its own (``own``, the
    checks run on the title) masked: titles are shown in lists, App Home and the digest."""
    masked = _without_secrets(title, own)
    pasted = {text[a:b] for a, b in result.secret_spans() if b - a >= 8}
    for secret in sorted(pasted, key=len, reverse=True):
        masked = masked.replace(secret, "[secret]")
    return masked


def _without_secrets(text: str, result: CheckResult) -> str:
    """Titles are shown everywhere, so credentials in the text never reach them."""
    out, last = [], 0
    for start, end in sorted(result.secret_spans()):
        if start >= last:
            out.append(text[last:start] + "[secret]")
            last = end
    return "".join(out) + text[last:]
