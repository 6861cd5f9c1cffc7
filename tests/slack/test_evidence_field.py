"""The report form's evidence field maps back to the paste: untouched means the paste, lines
left as shown keep what was pasted, and masked values left as shown are put back."""

from __future__ import annotations

from bot.masking.redaction import default_redactor
from bot.slack.evidence_field import shown, submitted

KEY = "ghp_" + "8fK2mQ9xLr4TzW7bN1cV5hJ3pD6sY0aE2uGq"
MAIL_A = "kyle.brennan@northwind-energy.com"
MAIL_B = "dana.okafor@northwind-energy.com"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----"


def _spans(text: str) -> list[tuple[int, int]]:
    return default_redactor().spans(text)


def test_untouched_field_is_the_paste() -> None:
    """The field as shown maps back to the paste exactly, CRLF and controls included."""
    text = f"first\r\nkey {KEY}\x1b[0m\r\nlast\u202e"
    field = shown(text, _spans(text))
    assert KEY not in field and "\r" not in field and "\x1b" not in field
    assert submitted(text, _spans(text), field) == text


def test_same_looking_values_come_back_in_order() -> None:
    """Two addresses masked alike are put back in the order they were shown on an edited line."""
    text = f"cc {MAIL_A} and {MAIL_B}\nend"
    field = shown(text, _spans(text))
    edited = field.replace("cc ", "copied to ")
    assert submitted(text, _spans(text), edited) == f"copied to {MAIL_A} and {MAIL_B}\nend"


def test_moved_line_keeps_its_unambiguous_secret() -> None:
    """A line moved elsewhere keeps a masked value that stands for one value only."""
    text = f"key {KEY}\nmiddle\nend"
    field = shown(text, _spans(text))
    first, middle, end = field.split("\n")
    moved = f"{middle}\n{end}\n{first}"
    assert submitted(text, _spans(text), moved) == f"middle\nend\nkey {KEY}"


def test_masked_value_over_several_lines_is_one_unit() -> None:
    """A credential spanning lines is kept whole when a line elsewhere is edited."""
    text = f"intro\n{PEM}\noutro"
    spans = [(6, 6 + len(PEM))]
    field = shown(text, spans)
    assert "MIIEvQ" not in field
    assert submitted(text, spans, field.replace("outro", "the end")) == f"intro\n{PEM}\nthe end"


def test_typed_over_mask_is_the_reporters() -> None:
    """A masked value the reporter changed is stored as they typed it; one typed after is kept."""
    text = f"key {KEY}"
    field = shown(text, _spans(text))
    typed_over = field.replace("••", "X•", 1)
    assert submitted(text, _spans(text), typed_over) == typed_over
    assert submitted(text, _spans(text), field + " X") == f"key {KEY} X"
    assert submitted(text, _spans(text), "key redacted") == "key redacted"
