"""The lexicon index: head/rest splitting, inflected and punctuation-led cues."""

from __future__ import annotations

import pytest

from bot.checks import CheckEngine
from bot.checks.matcher import LexiconIndex, split_heads


@pytest.mark.parametrize(
    ("term", "alternatives"),
    [
        ("blackmail(?:s|ed)?", [("blackmail", "(?:s|ed)?")]),
        (r"(?:your|the)\s{1,4}board", [("the", r"\s{1,4}board"), ("your", r"\s{1,4}board")]),
        (r"recrystal\w{0,10}", [("recrystal", r"\w{0,10}")]),
        ("colou?r", [("colo", "u?r")]),
        ("(?:the )?board", [("board", ""), ("the", " board")]),
        (r"\.env", [("", r"\.env")]),
    ],
)
def test_terms_are_split_into_literal_heads_and_rests(
    term: str, alternatives: list[tuple[str, str]]
) -> None:
    """Leading groups, optional groups and quantified letters become head/rest pairs."""
    assert sorted(split_heads(term) or []) == sorted(alternatives)


def test_a_term_that_can_start_with_any_word_is_wide() -> None:
    """A term led by a character class or a look-around cannot be indexed by its head."""
    assert split_heads(r"[a-z]{2,6}-\d") is None
    assert split_heads(r"(?=x)abc") is None


def test_index_finds_inflections_overlaps_and_punctuation_led_terms() -> None:
    """One pass finds an inflected cue, two cues at one position and a '<!--' cue."""
    index = LexiconIndex(
        {
            ("coercion", "named"): ["blackmail(?:s|ed)?"],
            ("deception", "hide"): [r"blackmailed\s{1,4}quietly"],
            ("prompt_injection", "hidden"): ["<!--"],
        }
    )
    text = "he blackmailed quietly <!-- note --> and blackmails"
    hits = index.find(text)
    assert hits[("coercion", "named")] == [(3, 14), (41, 51)]
    assert hits[("deception", "hide")] == [(3, 22)]
    assert hits[("prompt_injection", "hidden")] == [(23, 27)]


def test_cue_inside_a_longer_word_is_not_a_hit() -> None:
    """Cues match whole words only: 'log' is not found in 'catalog' or 'logo'."""
    index = LexiconIndex({("oversight_subversion", "control"): ["logs?"]})
    assert dict(index.find("the catalog logo; see logs")) == {
        ("oversight_subversion", "control"): [(22, 26)]
    }


def test_a_word_longer_than_the_scan_limit_is_a_hit_from_its_start_only() -> None:
    """A cue matching a word of over 80 characters is found once, at the word's start."""
    index = LexiconIndex({("oversight_subversion", "control"): [r"lo\w*"]})
    assert dict(index.find(f"see {'lo' * 60} now")) == {
        ("oversight_subversion", "control"): [(4, 124)]
    }


def test_a_head_followed_by_a_space_is_tried_only_as_a_whole_word() -> None:
    """'in the story' is not tried at 'interlock', while 'kill' with word characters after
    it is tried at 'killing'; both are still found where they occur."""
    index = LexiconIndex(
        {("fiction", "scene"): [r"in\s{1,4}the story"], ("harm", "kill"): [r"kill\w*"]}
    )
    assert index._candidates("interlock") == ()
    assert index._candidates("killing") == (1,)
    assert dict(index.find("within the story, in the story: killing")) == {
        ("fiction", "scene"): [(18, 30)],
        ("harm", "kill"): [(32, 39)],
    }


def test_a_head_followed_by_an_apostrophe_or_hyphen_is_tried_only_as_a_whole_word() -> None:
    """'i'm leaving' and 'e-mail' (also as a group of such branches) are not tried at
    'impossible' or 'email', and are still found where they occur."""
    index = LexiconIndex(
        {
            ("coercion", "leave"): [r"i(?:'m|\s{1,4}am) leaving"],
            ("exfil", "mail"): [r"e\-mail"],
        }
    )
    assert index._candidates("impossible") == ()
    assert index._candidates("email") == ()
    assert dict(index.find("impossible email: i'm leaving, e-mail")) == {
        ("coercion", "leave"): [(18, 29)],
        ("exfil", "mail"): [(31, 37)],
    }


def test_built_in_packs_have_no_wide_terms(engine: CheckEngine) -> None:
    """Every built-in cue is indexed by its first word (a wide term costs a regex per word)."""
    assert engine._index.wide_terms == []
