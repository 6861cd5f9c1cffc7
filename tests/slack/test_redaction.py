"""The masked form of credentials and personal data, and the redactor that finds them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.masking.redaction import BULLET, MASK, default_redactor, mask, masked_form
from bot.slack import present
from bot.slack.app import TEMPLATES
from bot.slack.blocks import TemplateRenderer
from bot.slack.text import mask_escaped
from bot.store.models import Incident

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


def test_a_summary_that_cuts_a_secret_short_masks_the_piece_left() -> None:
    """Where the checks' summary cuts an SSN before its end, no digit of it is left."""
    line = present.reason('stated pii in the answer ("Her SSN 219-09-…")', ["219-09-9999"])
    assert "219" not in line and line == f'stated pii in the answer ("Her SSN {MASK}…")'


def test_a_summary_quoting_a_key_across_lines_masks_every_line() -> None:
    """A key block quoted with its line breaks made spaces shows none of its lines."""
    secret = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1Lf\nQ7x=\n-----END"
    line = present.reason(f'stated secrets ("{secret.replace(chr(10), " ")}…")', [secret])
    assert "MIIE" not in line and "Q7x=" not in line


def test_escaped_text_is_masked_without_breaking_its_entities() -> None:
    """A pre-escaped timeline line is masked on the text as typed; mentions stay escaped."""
    escaped = f"note: password={PASSWORD.replace('!', '&amp;')} &lt;@U1&gt;"
    masked = mask_escaped(escaped, default_redactor().spans)
    assert masked == f"note: password={MASK} &lt;@U1&gt;"


@pytest.mark.parametrize("template", ["messages/reminder", "messages/nudge", "messages/incident"])
def test_triage_messages_mask_a_title_and_model(template: str) -> None:
    """Reminders, nudges and the post show an e-mail address and a token masked."""
    renderer = TemplateRenderer(TEMPLATES)
    item = Incident(
        key="AIS-1",
        prefix="AIS",
        number=1,
        title="Mailed jane.q.public@gmail.com",
        model_name="ghp_Zq8Lm3Rv7Tx2Wb9Nc4Yk1Hs6Jd0FpGa5TeUq",
        reporter_id="U1",
        created_at=datetime(2026, 11, 18, tzinfo=UTC),
        updated_at=datetime(2026, 11, 18, tzinfo=UTC),
    )
    fields = present.incident(item, [])
    context: dict[str, Any] = {"incident": fields, "findings": [], "duplicates": []}
    context.update(
        buttons=True, waited="1h", ping="", idle_days=8, show_title=True, number=1, limit=3
    )
    shown = json.dumps(renderer.render_message(template, **context), ensure_ascii=False)
    assert "jane.q" not in shown and "Zq8Lm3" not in shown and MASK in shown
