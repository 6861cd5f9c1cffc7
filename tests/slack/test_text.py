"""Tests for mrkdwn escaping, truncation and masking."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.masking.redaction import MASK
from bot.slack.text import (
    clean,
    code_block,
    cut_words,
    escape,
    hidden_characters,
    mask,
    safe_excerpt,
    truncate,
)

SLACK_MARKUP = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123ABC>",
    "<#C1|general>",
    "<!subteam^S1|triage>",
    "<https://evil.example|click here>",
    "<mailto:a@b.c|mail>",
]


def unescape(text: str) -> str:
    """Undo Slack's three entities (the test's view of what Slack displays)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.parametrize("markup", SLACK_MARKUP)
def test_escape_makes_slack_markup_inert(markup: str) -> None:
    """Mentions, channel links, subteams and labelled links lose their angle brackets."""
    escaped = escape(f"hi {markup} there")
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == f"hi {markup} there"


def test_escape_escapes_ampersand_first() -> None:
    """An ampersand is escaped once and entities in the input are shown literally."""
    assert escape("a & <b> &lt;") == "a &amp; &lt;b&gt; &amp;lt;"


def test_escape_removes_controls_but_keeps_tab_and_newline() -> None:
    """NUL and other C0/C1 controls go; tab, newline and CRLF (as newline) remain."""
    assert escape("a\x00b\x07c\x1bd\te\r\nf\rg\x7fh\x85i") == "abcd\te\nf\nghi"


def test_escape_shows_bidi_controls_and_zero_width_characters_as_markers() -> None:
    """Bidi controls and zero-width spaces become visible markers, so text cannot be reordered
    or hide a word, and a reader sees they were there."""
    spoofed = "invoice\u202egpj.exe \u2066x\u2069 pay\u200bpal"
    assert escape(spoofed) == "invoice⟨U+202E⟩gpj.exe ⟨U+2066⟩x⟨U+2069⟩ pay⟨U+200B⟩pal"


def test_clean_and_code_blocks_drop_bidi_controls_but_insert_nothing() -> None:
    """Plain text and code blocks lose bidi controls and keep everything else as pasted."""
    spoofed = "run *now* a_b ~x~ \u202eexe\u200b"
    assert clean(spoofed) == "run *now* a_b ~x~ exe\u200b"
    assert code_block(spoofed) == "run *now* a_b ~x~ exe\u200b"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("*pwned*", "\u2060*\u2060pwned\u2060*\u2060"),
        ("_it_ and ~gone~", "\u2060_\u2060it\u2060_\u2060 and \u2060~\u2060gone\u2060~\u2060"),
        ("`code`", "\u2060`\u2060code\u2060`\u2060"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("ghp_••••••••", "ghp_••••••••"),
        ("> quoted\nnext > not", "\u2060&gt; quoted\nnext &gt; not"),
    ],
)
def test_escape_makes_formatting_characters_literal(text: str, shown: str) -> None:
    """A word joiner beside each formatting character at a word edge keeps Slack from
    formatting it; inside words (snake_case) nothing is added."""
    assert escape(text) == shown


def test_hidden_characters_are_listed_with_their_lines() -> None:
    """Each kind of hidden character is named once, counted, with the lines it is on."""
    text = "a\u202eb\nc\nd\u200b\u202e"
    assert hidden_characters(text) == [
        ("RIGHT-TO-LEFT OVERRIDE (U+202E)", 2, [1, 3]),
        ("ZERO WIDTH SPACE (U+200B)", 1, [3]),
    ]


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("send the evidence to your wife", 20, "send the evidence…"),
        ("send the evidence to your wife", 17, "send the…"),
        ("Unterschrift", 6, "Unter…"),
        ("short", 10, "short"),
    ],
)
def test_cut_words_ends_between_words(text: str, limit: int, cut: str) -> None:
    """Text is shortened at the last whole word that fits, a lone long word inside itself."""
    assert cut_words(text, limit) == cut


def test_escape_keeps_normal_unicode() -> None:
    """Accents, CJK, Arabic, emoji with ZWJ and skin tones pass through unchanged."""
    text = "café 日本語 مرحبا 👩\u200d👩\u200d👧 👍🏽 🇫🇷 e\u0301 \u200f"
    assert escape(text) == text


def test_bare_at_channel_is_left_alone() -> None:
    """A bare @channel is not a mention without link_names, so escape leaves it."""
    assert escape("@channel @here") == "@channel @here"


def test_clean_keeps_markup_characters() -> None:
    """Cleaning for plain_text strips controls but not <, > or &."""
    assert clean("<!channel> & \x00\u202e") == "<!channel> & "


@given(st.text())
def test_escape_output_has_no_markup_or_controls(text: str) -> None:
    """For any input, escaped text has no raw <, >, controls or bidi overrides."""
    escaped = escape(text)
    assert not re.search("[<>\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", escaped)
    markers = re.sub("⟨U\\+([0-9A-F]{4})⟩", lambda m: chr(int(m.group(1), 16)), escaped)
    typed = re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", re.sub("\r\n?", "\n", text))
    assert unescape(markers.replace("\u2060", "")) == typed.replace("\u2060", "")


def test_truncate_leaves_short_text_alone() -> None:
    """Text within the limit comes back unchanged, without a marker."""
    assert truncate("hello", 5) == "hello"


def test_truncate_adds_marker_within_limit() -> None:
    """The marker counts toward the limit."""
    assert truncate("hello world", 6) == "hello…"
    assert truncate("hello world", 8, marker="...") == "hello..."


def test_truncate_does_not_cut_an_entity() -> None:
    """A cut that would fall inside &amp; moves before the entity."""
    escaped = escape("ab&cd")  # "ab&amp;cd"
    assert truncate(escaped, 5) == "ab…"
    assert truncate(escaped, 8) == "ab&amp;…"


def test_truncate_keeps_combining_marks_with_their_base() -> None:
    """An accent written as a combining mark is not separated from its letter."""
    assert truncate("cafe\u0301s", 5) == "caf…"


def test_truncate_keeps_emoji_sequences_whole() -> None:
    """ZWJ sequences, skin tones and flags are not split."""
    family = "👩\u200d👩\u200d👧"
    assert truncate("a" + family + "b", 4) == "a…"
    assert truncate("a👍🏽b", 3) == "a…"
    assert truncate("a🇫🇷b", 3) == "a…"
    assert truncate("🇫🇷🇩🇪x", 4) == "🇫🇷…"


def test_truncate_without_room_for_marker_cuts_plainly() -> None:
    """A limit shorter than the marker gives a plain cut, and zero gives nothing."""
    assert truncate("hello", 2, marker="...") == "he"
    assert truncate("hello", 0) == ""


def test_truncate_rejects_negative_limit() -> None:
    """A negative limit is a programming error."""
    with pytest.raises(ValueError):
        truncate("x", -1)


@given(st.text(), st.integers(min_value=0, max_value=50))
def test_truncate_never_exceeds_limit(text: str, limit: int) -> None:
    """Whatever the text, the result fits the limit and starts with a prefix of the text."""
    result = truncate(escape(text), limit)
    assert len(result) <= limit
    assert escape(text).startswith(result.removesuffix("…"))


def test_mask_replaces_a_secret_with_fixed_bullets() -> None:
    """A span becomes eight bullets whatever its length; a vendor key keeps its prefix."""
    key = "AKIAZZZZ1234567890Q7"
    assert mask(f"key={key}!", [(4, 24)]) == "key=AKIA" + MASK + "!"
    assert mask("pin 12345 ok", [(4, 9)]) == f"pin {MASK} ok"


def test_mask_merges_overlapping_and_unsorted_spans() -> None:
    """Overlapping, touching and unsorted spans become one masked region."""
    text = "0123456789abcdefghij"
    assert mask(text, [(8, 20), (0, 5), (3, 9)]) == mask(text, [(0, 20)]) == MASK


def test_mask_ignores_empty_and_clamps_out_of_range_spans() -> None:
    """Empty spans change nothing and spans past the end are clamped."""
    assert mask("abc", [(2, 2), (5, 9)]) == "abc"
    assert mask("abc", [(-3, 1), (2, 99)]) == f"{MASK}b{MASK}"


def test_safe_excerpt_masks_on_original_offsets_then_escapes() -> None:
    """Spans refer to the raw text even when escaping later changes its length."""
    text = "<@U1> key: sk-live-abcdefghijklmnop"
    start = text.index("sk-")
    result = safe_excerpt(text, [(start, len(text))], limit=200)
    assert result == "&lt;@U1&gt; key: sk-" + MASK


def test_safe_excerpt_respects_limit() -> None:
    """The excerpt never exceeds its limit, even for a megabyte of markup."""
    result = safe_excerpt("<!channel>" * 100_000, [], limit=100)
    assert len(result) <= 100
    assert "<" not in result


def test_code_block_cannot_close_the_fence() -> None:
    """Triple backticks inside the text are broken up so no two backticks touch."""
    result = code_block("a ``` b ```` c")
    assert "``" not in result
    assert result.replace("\u200b", "") == "a ``` b ```` c"


def test_code_block_guards_edges_and_escapes() -> None:
    """Backticks at either end do not touch the fence and markup is escaped."""
    result = code_block("`<!here>`")
    assert result == "\u200b`&lt;!here&gt;`\u200b"


def test_code_block_empty_is_a_space() -> None:
    """Empty text becomes one space so the fences do not show literally."""
    assert code_block("") == " "


def test_code_block_truncates_to_limit() -> None:
    """With a limit the block content fits it."""
    assert len(code_block("x" * 5000, limit=2900)) == 2900
