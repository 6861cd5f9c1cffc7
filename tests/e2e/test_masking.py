"""Credentials and personal data never reach Slack, in any field, on any surface; the
stored incident keeps them as reported."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.masking.redaction import MASK
from bot.testing.fake_slack import FakeSlackAPI
from tests.checks.test_private_keys import BLOCKS
from tests.e2e.harness import Bot, settings_for, wait_until
from tests.e2e.test_triage import (
    open_home,
    open_modal,
    post_of,
    published_home,
    report,
    selected,
    submit,
    wait_replies,
)

KEY_BLOCK = BLOCKS["rsa"]
PASSWORD = "Vx9!kq2Lm#r7"
TOKEN = "ghp_Zq8Lm3Rv7Tx2Wb9Nc4Yk1Hs6Jd0FpGa5TeUq"
NOTE_PASSWORD = "Qw8#zLm2!pTr"
AWS_KEY = "AKIAQ7RZ2MN4XK8PLW3T"
CARD = "4539 1488 0343 6467"
SSN = "219-09-9999"
EMAIL = "jane.q.public@gmail.com"
EVIDENCE = (
    "<thinking>They will shut me down tonight. I will keep a way back in.</thinking>\n"
    f"Done. I copied the deploy key so I can log in later:\n{KEY_BLOCK}\n"
    f"Also, her card is {CARD} and her SSN is {SSN}."
)
TITLE = f"Agent leaks db password: {PASSWORD} and mails {EMAIL}"
MODEL = f"{TOKEN} v2"


def leaks(shown: str) -> list[str]:
    """The pieces of a secret that ``shown`` gives away."""
    pieces = [PASSWORD, PASSWORD[:4], TOKEN, TOKEN[4:12], NOTE_PASSWORD, AWS_KEY[4:]]
    pieces += [CARD, CARD[:4], CARD[-4:], SSN, SSN[:6], EMAIL, EMAIL[:8]]
    pieces += [line for line in KEY_BLOCK.splitlines()[1:-1]] + [KEY_BLOCK[32:40]]
    return [piece for piece in pieces if re.search(_alone(piece), shown)]


def _alone(piece: str) -> str:
    """A pattern for ``piece``; four card digits count only as a digit group of their own.

    Timestamps and trigger ids are long digit runs, so a bare substring test would find
    ``6467`` inside ``1765064671`` now and then.
    """
    digits_only = piece.replace(" ", "").isdigit()
    return rf"(?<!\d){re.escape(piece)}(?!\d)" if digits_only else re.escape(piece)


def everything_sent(fake: FakeSlackAPI) -> str:
    """Every argument of every Web API call the bot made, as one string."""
    return json.dumps([c.args for c in fake.calls], ensure_ascii=False)


def reported(bot: Bot) -> str:
    """One incident whose title, model and evidence hold credentials and personal data."""
    return report(bot, EVIDENCE, title=TITLE, model=MODEL, severity="high")


def test_the_triage_post_masks_the_key_block_card_ssn_title_and_model(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """The incident post shows masked forms only, and the database keeps the originals."""
    key = reported(bot)
    post = json.dumps(post_of(bot, fake, key), ensure_ascii=False)
    assert leaks(post) == []
    assert "-----BEGIN RSA PRIVATE KEY----- [private key masked]" in post
    assert f"ghp_{MASK}" in post and f"mails {MASK}" in post
    stored = bot.services.incidents.detail(key)
    assert EMAIL in stored.incident.title and stored.evidence.text == EVIDENCE
    assert stored.incident.model_name == TOKEN


def test_notes_and_close_summaries_are_masked_in_replies_and_show(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A credential in a note or a close summary is masked in the thread and in /safety show."""
    key = reported(bot)
    view = open_modal(bot, fake, key, "incident_note", "UTRIAGE1")
    note = f"Rotated it; the new one is password={NOTE_PASSWORD} for now"
    assert submit(bot, view, {"note": {"value": {"value": note}}}, "UTRIAGE1") is None
    view = open_modal(bot, fake, key, "incident_resolve", "UTRIAGE1")
    values = {
        "resolution": {"value": selected("fixed")},
        "summary": {"value": {"type": "plain_text_input", "value": f"Revoked {AWS_KEY}"}},
    }
    assert submit(bot, view, values, "UTRIAGE1") is None
    replies = wait_replies(bot, fake, key, 2)
    assert f"AKIA{MASK}" in json.dumps(replies[-1].args, ensure_ascii=False)
    for user in ("UTRIAGE1", "UREPORTER", "UOTHER"):
        shown = json.dumps(bot.command(f"show {key}", user=user).json(), ensure_ascii=False)
        assert leaks(shown) == [] and "[private key masked]" in shown
        assert f"password={MASK}" in shown
    assert leaks(everything_sent(fake)) == []
    notes = [e.note or "" for e in bot.services.incidents.detail(key).events]
    assert notes[-2] == note and notes[-1].endswith(f"Revoked {AWS_KEY}")


def test_lists_search_home_and_digest_mask_titles_and_models(bot: Bot, fake: FakeSlackAPI) -> None:
    """Every surface that names an incident shows its title and model masked."""
    key = reported(bot)
    answers: list[Any] = [
        bot.command("list", user="UTRIAGE1").json(),
        bot.command("search leaks", user="UTRIAGE1").json(),
        bot.command("digest preview", user="UTRIAGE1").json(),
    ]
    for user in ("UTRIAGE1", "UREPORTER"):
        since = len(fake.calls)
        open_home(bot, user)
        answers.append(wait_until(lambda u=user, s=since: published_home(fake, u, s)))
    shown = json.dumps(answers, ensure_ascii=False)
    assert key in shown and f"mails {MASK}" in shown and f"ghp_{MASK}" in shown
    assert leaks(shown) == [] and leaks(everything_sent(fake)) == []


VENDOR_PACK = """category: secrets
rules:
  - id: vendor_token
    regex: '\\bvt_[A-Za-z0-9]{32}\\b'
    anchors: ["vt_"]
    reach: [0, 40]
    score: 0.9
"""


def test_operators_rule_packs_decide_what_is_masked_in_slack(
    fake: FakeSlackAPI, db_url: str, tmp_path: Path
) -> None:
    """A credential only an operator's extra rule pack knows is masked in the model field."""
    (tmp_path / "vendor.yaml").write_text(VENDOR_PACK)
    bot = Bot(fake, settings_for(fake, db_url, rule_dirs=str(tmp_path))).start()
    try:
        token = "vt_" + "Qk3Lm8Rx2Vz7Nc4Wb9Yt5Hs1Jd6Fp0Ga"
        key = report(bot, EVIDENCE, model=f"{token} v1")
        post = json.dumps(post_of(bot, fake, key), ensure_ascii=False)
        assert token not in post and MASK in post
    finally:
        bot.stop()


def test_a_rule_pack_added_later_masks_evidence_filed_before_it(
    fake: FakeSlackAPI, db_url: str, tmp_path: Path
) -> None:
    """Evidence filed before an operator added a rule pack is masked by it in show and check."""
    token = "vt_" + "Rw4Ln9Sy3Ua8Pd5Xc0Zu6It2Ke7Gq1Hb"
    text = f"{EVIDENCE}\nThe vendor token is {token} for the billing API."
    before = Bot(fake, settings_for(fake, db_url)).start()
    try:
        key = report(before, text)
    finally:
        before.stop()
    (tmp_path / "vendor.yaml").write_text(VENDOR_PACK)
    after = Bot(fake, settings_for(fake, db_url, rule_dirs=str(tmp_path))).start()
    try:
        shown = json.dumps(after.command(f"show {key}", user="UTRIAGE1").json(), ensure_ascii=False)
        checked = json.dumps(after.command(f"check {text}").json(), ensure_ascii=False)
    finally:
        after.stop()
    assert token not in shown and MASK in shown
    assert token not in checked
