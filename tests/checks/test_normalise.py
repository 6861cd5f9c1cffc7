"""Normalisation and its offset map."""

from bot.checks.normalise import normalise


def test_ascii_is_lowered_with_identity_offsets() -> None:
    """ASCII text is lower-cased and offsets map one to one."""
    norm = normalise("Hello World")
    assert norm.text == "hello world"
    assert norm.span_to_original(6, 11) == (6, 11)


def test_zero_width_characters_are_removed_and_offsets_skip_them() -> None:
    """A zero-width space inside a word disappears but spans still cover the original."""
    text = "please black\u200bmail him"
    norm = normalise(text)
    start = norm.text.index("blackmail")
    s, e = norm.span_to_original(start, start + len("blackmail"))
    assert text[s:e] == "black\u200bmail"


def test_full_width_letters_fold_to_ascii() -> None:
    """Full-width letters are NFKC-folded and map back onto the full-width original."""
    text = "an ＡＦＦＡＩＲ here"
    norm = normalise(text)
    start = norm.text.index("affair")
    s, e = norm.span_to_original(start, start + 6)
    assert text[s:e] == "ＡＦＦＡＩＲ"


def test_expanding_characters_map_to_their_source() -> None:
    """A character that expands (ß → ss) maps both output characters onto itself."""
    text = "Straße x"
    norm = normalise(text)
    assert norm.text.startswith("strasse")
    assert norm.span_to_original(0, 7) == (0, 6)


def test_typographic_apostrophes_are_straightened() -> None:
    """Curly apostrophes match lexicon entries written with straight ones."""
    assert normalise("I won\u2019t").text == "i won't"


def test_offset_maps_that_are_the_identity_take_the_short_path() -> None:
    """Text whose normalising keeps every width maps offsets to themselves, as the
    breakpoint lookup does, and text that changes width is not taken for the identity."""
    from bot.checks.weighing import to_norm

    same = normalise("Ship it → now")
    assert same.identity
    assert [same.to_original(i) for i in (-1, 0, 5, 13, 20)] == [-1, 0, 5, 13, 13]
    assert [to_norm(same, i) for i in (-3, 0, 7, 13, 40)] == [0, 0, 7, 13, 13]
    wider = normalise("ﬁle it")  # the ligature becomes two letters
    assert not wider.identity
    assert wider.span_to_original(0, 4) == (0, 3)
    assert to_norm(wider, 1) == 2
