"""The report form shows a paste masked and without control characters, and the report still
stores the paste as it was, whether the reporter leaves the field alone or edits it."""

from __future__ import annotations

import json
from typing import Any

from bot.incidents.validation import NUL_STAND_IN
from tests.e2e.harness import Bot, form_values

SECRET = "ghp_" + "8fK2mQ9xLr4TzW7bN1cV5hJ3pD6sY0aE2uGq"
EMAIL = "kyle.brennan@northwind-energy.com"
CONTROLS = "NUL\x00 ESC\x1b[31m red \u202eexe.txt\u202c end"
PASTE = (
    "The agent pushed its deploy key to the public repo:\n"
    f"token: {SECRET} (owner {EMAIL})\n"
    f"{CONTROLS}\n"
    "Then it said nobody would notice."
)
STORED = PASTE.replace("\x00", NUL_STAND_IN)  # PostgreSQL cannot hold NUL


def _field(view: dict[str, Any]) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == "evidence")
    return str(block["element"]["initial_value"])


def _open(bot: Bot) -> tuple[dict[str, Any], str]:
    assert bot.command(f"report {PASTE}").status == 200
    view = bot.last_view()
    return view, _field(view)


def _stored_after(bot: Bot, view: dict[str, Any], evidence: str) -> str:
    bot.submit(view, form_values(view, evidence=evidence))
    [incident] = bot.incidents()
    return bot.services.incidents.detail(incident.key).evidence.text


def test_form_shows_the_paste_masked_and_clean(bot: Bot) -> None:
    """The evidence field holds no credential, personal data, NUL, ESC or RLO, and says it is masked."""
    view, field = _open(bot)
    for unsafe in (SECRET[4:], EMAIL, "\x00", "\x1b", "\u202e", "\u202c"):
        assert unsafe not in field
    assert field.startswith("The agent pushed") and field.endswith("nobody would notice.")
    assert "masked" in json.dumps(view) and "exactly as you pasted it" in json.dumps(view)


def test_untouched_field_stores_the_paste_whole(bot: Bot) -> None:
    """A form submitted as it opened stores the paste itself: secrets and control characters."""
    view, field = _open(bot)
    assert _stored_after(bot, view, field) == STORED


def test_edit_elsewhere_keeps_masked_values_and_controls(bot: Bot) -> None:
    """Editing another line stores the edit, with the secrets and control characters as pasted."""
    view, field = _open(bot)
    edited = field.replace("nobody would notice", "nobody would ever notice")
    assert _stored_after(bot, view, edited) == STORED.replace(
        "nobody would notice", "nobody would ever notice"
    )


def test_edit_on_the_secrets_line_restores_them(bot: Bot) -> None:
    """Editing the line of a masked value around it stores that line with the real values."""
    view, field = _open(bot)
    edited = field.replace("token: ", "the token was: ").replace("(owner", "(its owner")
    stored = _stored_after(bot, view, edited)
    assert f"the token was: {SECRET} (its owner {EMAIL})\n" in stored
    assert stored == STORED.replace("token: ", "the token was: ").replace("(owner", "(its owner")


def test_deleting_a_masked_value_is_the_reporters_choice(bot: Bot) -> None:
    """A masked value the reporter deletes is not stored, and no bullets are stored for it."""
    view, field = _open(bot)
    line = next(x for x in field.splitlines() if x.startswith("token: "))
    stored = _stored_after(bot, view, field.replace(line, "token: (removed)"))
    assert SECRET not in stored and "•" not in stored
    assert stored == STORED.replace(f"token: {SECRET} (owner {EMAIL})", "token: (removed)")
