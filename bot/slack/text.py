"""Make untrusted text (user pastes, model outputs) safe to show in Slack.

Slack parses ``&``, ``<`` and ``>`` in ``mrkdwn`` text: ``<!channel>``, ``<@U123>``,
``<#C1>``, ``<!subteam^S1>`` and ``<https://evil|click>`` become pings and links.
Escaping the three characters makes them inert. A bare ``@channel`` is only a
mention when a message is sent with ``link_names=true``; the bot never sets it,
so bare words need no treatment.

mrkdwn has no backslash escape for ``*bold*``, ``_italic_``, ``~strike~`` and
`` `code` ``: a formatting character only counts next to a word boundary, so
:func:`escape` puts a WORD JOINER (U+2060, invisible, no width) on both sides of each
one that is not inside a word, and before a ``>`` that would start a quote.

Hidden characters (bidi controls that reorder what is displayed, zero-width
characters) are shown in mrkdwn as visible markers such as ``⟨U+202E⟩``. Between
``` fences, where people copy evidence from, nothing is inserted: bidi controls are
removed (they must never reach Slack raw) and zero-width characters are kept;
:func:`hidden_characters` names both kinds, with their lines, for a note beside it.

All lengths here are counted in code points, as Python counts them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from bot.masking.redaction import mask, mask_fragments

__all__ = ["mask", "mask_fragments"]

# C0 controls except \t and \n, DEL, C1 controls; bidi embeddings, overrides, isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile("\r\n?")
_ENTITY_LONGEST = len("&amp;")
_ZWJ = "\u200d"
_ZWSP = "\u200b"
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_WJ = "\u2060"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u200b\u2060\ufeff\u180e"
_HIDDEN = re.compile(f"[{_BIDI}{_INVISIBLE}]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A formatting character unless it sits inside a word (``snake_case`` stays as it is); a
# masked value's bullets count as a word, so ``ghp_••••••••`` stays whole.
_FORMATTING = re.compile(r"(?<![\w•])[*_~`]|[*_~`](?![\w•])")
_QUOTE_START = re.compile("^(?=&gt;)", re.MULTILINE)
# What mask_escaped reads past: entities and the word joiners escape() put in.
_ESCAPED = re.compile(f"&(?:amp|lt|gt);|{_WJ}")


def clean(text: str) -> str:
    """Return ``text`` without control and bidi-override characters.

    ``\\r\\n`` and a lone ``\\r`` become ``\\n``; ``\\t`` and ``\\n`` are kept, as is
    all other Unicode. This is what ``plain_text`` fields need: Slack shows them
    literally, so ``&``, ``<`` and ``>`` stay as they are.
    """
    return _UNSAFE.sub("", _NEWLINES.sub("\n", text))


def escape(text: str) -> str:
    """Return ``text`` escaped for Slack ``mrkdwn``: controls removed, hidden characters as
    visible markers, ``&<>`` as entities, formatting characters made literal."""
    text = _HIDDEN.sub(lambda m: marker(m.group()), _CONTROLS.sub("", _NEWLINES.sub("\n", text)))
    text = _FORMATTING.sub(lambda m: f"{_WJ}{m.group()}{_WJ}", _entities(text))
    return _QUOTE_START.sub(_WJ, text)


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def marker(char: str) -> str:
    """A visible stand-in for an invisible character: ``⟨U+202E⟩``."""
    return f"⟨U+{ord(char):04X}⟩"


def hidden_characters(text: str) -> list[tuple[str, int, list[int]]]:
    """The hidden characters of ``text``: ``(name with code point, count, lines)``, in the
    order they first appear."""
    found: dict[str, list[int]] = {}
    line, counted = 1, 0  # lines are counted on from the previous match: linear in the text
    for match in _HIDDEN.finditer(_NEWLINES.sub("\n", text)):
        line += match.string.count("\n", counted, match.start())
        counted = match.start()
        char = match.group()
        name = f"{unicodedata.name(char, 'UNNAMED CHARACTER')} (U+{ord(char):04X})"
        found.setdefault(name, []).append(line)
    return [(name, len(lines), sorted(set(lines))) for name, lines in found.items()]


def unescape(text: str) -> str:
    """Undo Slack's escaping of ``&``, ``<`` and ``>`` in text it sends (commands, messages)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _is_extender(char: str) -> bool:
    """Tell whether ``char`` attaches to the character before it when displayed."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
    )


def _is_regional_indicator(char: str) -> bool:
    """Tell whether ``char`` is half of a flag emoji."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _safe_cut(text: str, cut: int) -> int:
    """Move ``cut`` left until it splits no entity, combining sequence or flag."""
    amp = text.rfind("&", max(0, cut - _ENTITY_LONGEST + 1), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    while 0 < cut < len(text) and (_is_extender(text[cut]) or text[cut - 1] == _ZWJ):
        cut -= 1
    flags = 0
    while flags < cut and _is_regional_indicator(text[cut - 1 - flags]):
        flags += 1
    if flags % 2 == 1 and cut < len(text) and _is_regional_indicator(text[cut]):
        cut -= 1
    return cut


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """Shorten ``text`` to at most ``limit`` characters, ``marker`` included.

    The cut never splits an escape entity such as ``&amp;``, a base character from
    its combining marks or emoji modifiers, or a flag. When ``limit`` is shorter
    than ``marker`` the text is cut without a marker.
    """
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if len(text) <= limit:
        return text
    if len(marker) > limit:
        marker = ""
    return text[: _safe_cut(text, limit - len(marker))] + marker


def cut_words(text: str, limit: int, marker: str = "…") -> str:
    """Shorten raw ``text`` to at most ``limit`` characters between two words, ``marker``
    included; a single word longer than that is cut inside it."""
    if len(text) <= limit:
        return text
    cut = truncate(text, limit, marker)[: -len(marker) or None]
    space = cut.rstrip().rfind(" ")
    if space > 0 and not text[len(cut)].isspace():
        cut = cut[:space]
    return cut.rstrip(" ,;:") + marker


def mask_escaped(escaped: str, spans_of: Callable[[str], Sequence[tuple[int, int]]]) -> str:
    """Mask mrkdwn that is already escaped: ``spans_of`` looks at the text as typed, and an
    entity such as ``&amp;`` is masked whole or not at all."""
    raw: list[str] = []
    starts: list[int] = []  # where each raw character begins in ``escaped``
    position = 0
    for entity in _ESCAPED.finditer(escaped):
        raw.append(escaped[position : entity.start()])
        starts.extend(range(position, entity.start()))
        if entity.group() != _WJ:
            raw.append(_ENTITIES[entity.group()])
            starts.append(entity.start())
        position = entity.end()
    raw.append(escaped[position:])
    starts.extend(range(position, len(escaped)))
    starts.append(len(escaped))
    spans = spans_of("".join(raw))
    return mask(escaped, [(starts[a], starts[b]) for a, b in spans])


def safe_excerpt(
    text: str, spans_to_mask: Sequence[tuple[int, int]], limit: int, marker: str = "…"
) -> str:
    """Mask secrets, escape for ``mrkdwn``, then truncate: the one call for showing evidence.

    The order matters: spans are offsets into the original ``text``.
    """
    return truncate(escape(mask(text, spans_to_mask)), limit, marker)


def code_block(text: str, limit: int | None = None) -> str:
    """Return ``text`` escaped for use between triple-backtick fences.

    Formatting is inert there, so only ``&<>`` are escaped and bidi controls removed:
    what people copy from the block is what was pasted.
    No two backticks stay adjacent (a zero-width space goes between them), and
    none touches a fence, so the text cannot close the block early. Empty text
    becomes one space (Slack shows an empty block's fences literally). With
    ``limit``, the result is truncated to that many characters.
    """
    body = re.sub("`(?=`)", "`" + _ZWSP, _entities(clean(text)))
    if body.startswith("`"):
        body = _ZWSP + body
    if body.endswith("`"):
        body += _ZWSP
    if limit is not None:
        body = truncate(body, limit)
    return body or " "
