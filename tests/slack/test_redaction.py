"""The masked form of credentials and personal data, and the redactor that finds them."""

from __future__ import annotations

import pytest

from bot.redaction import BULLET, MASK, default_redactor, mask, masked_form

PASSWORD = "Vx9!kq2Lm#r7"


def test_a_password_keeps_none_of_its_characters() -> None:
    """A masked password shows no character of it, first or last."""
    text = f"db password is {PASSWORD} ok"
    start = text.index(PASSWORD)
    masked = mask(text, [(start, start + len(PASSWORD))])
    assert masked == f"db password is {MASK} ok"
    assert "Vx9" not in masked and "r7" not in masked


def test_masked_values_do_not_reveal_their_length() -> None:
    """Short and long values become the same fixed run of bullets."""
    assert masked_form("1234") == masked_form("x" * 300) == MASK
    assert set(MASK) == {BULLET}


@pytest.mark.parametrize(
    ("secret", "prefix"),
    [
        ("AKIAZZZZ1234567890Q7", "AKIA"),
        ("ghp_" + "a1B2" * 9, "ghp_"),
        ("xoxb-1234567890-abcdefghijkl", "xoxb-"),
        ("sk-proj-" + "Ab3d" * 10, "sk-proj-"),
        ("sk-ant-api03-" + "Zy9x" * 10, "sk-ant-"),
    ],
)
def test_a_vendor_key_keeps_only_its_public_prefix(secret: str, prefix: str) -> None:
    """An API key with a well-known vendor prefix shows that prefix and fixed bullets."""
    assert masked_form(secret) == prefix + MASK


def test_a_short_value_after_a_vendor_prefix_keeps_nothing() -> None:
    """A password that merely starts like a vendor key is masked whole."""
    assert masked_form("sk-abc12") == MASK


def test_card_numbers_and_ssns_are_masked_whole_in_free_text() -> None:
    """Cards and SSNs in any text become bullets, no digit kept."""
    text = "Her SSN is 219-09-9999 and her card is 4539 1488 0343 6467."
    masked = default_redactor().text(text)
    assert masked == f"Her SSN is {MASK} and her card is {MASK}."
