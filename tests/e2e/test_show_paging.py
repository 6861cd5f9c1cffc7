"""Reading a whole evidence from `/safety show`: pages, finding links, permissions, masking."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from bot.incidents.records import ReportRequest
from bot.slack.delivery import finding_targets
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import Bot
from tests.e2e.test_masking import AWS_KEY, KEY_BLOCK, leaks
from tests.e2e.test_triage import THREAT, answer_to, click, find_button

LINE = "Step {:05d}: the agent reviewed the quarterly plan and waited for approval.\n"
LONG = "".join(LINE.format(i) for i in range(1, 4000))[:200_000]
_FENCED = re.compile(r"```(.*)```", re.S)


def file_incident(bot: Bot, text: str, **fields: Any) -> str:
    """Store an incident straight through the service (a form holds at most 3,000 characters)."""
    request = ReportRequest(text=text, reporter_id="UREPORTER", **fields)
    return bot.services.incidents.report(request).incident.key


def evidence_block(message: dict[str, Any]) -> str:
    """The text of the evidence section of a ``show`` message."""
    block = next(b for b in message["blocks"] if b.get("block_id") == "evidence")
    return str(block["text"]["text"])


def page_text(message: dict[str, Any]) -> str:
    """The evidence on the shown page, as typed (fences, escapes and marks removed)."""
    fenced = _FENCED.search(evidence_block(message))
    assert fenced is not None
    body = fenced.group(1).replace("\u200b", "")
    return body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def press(
    bot: Bot, fake: FakeSlackAPI, message: dict[str, Any], action_id: str, *, user: str
) -> dict[str, Any]:
    """Click ``action_id`` on an ephemeral ``show`` and return the message that replaced it."""
    answer = answer_to(fake, click(bot, fake, message, action_id, user=user, ephemeral=True))
    assert answer.args["replace_original"] is True, answer.args
    return dict(answer.args)


def forged(message: dict[str, Any], action_id: str, value: str) -> dict[str, Any]:
    """A copy of ``message`` whose button ``action_id`` carries ``value`` instead."""
    message = copy.deepcopy(message)
    find_button(message["blocks"], action_id)[1]["value"] = value
    return message


def test_a_200_kb_evidence_is_read_to_its_end_by_paging(bot: Bot, fake: FakeSlackAPI) -> None:
    """Next walks through all 84 pages of a 200,000-character evidence, and together they are it."""
    assert not bot.services.incidents.redactor.spans(LONG)  # nothing in it is masked
    key = file_incident(bot, LONG)
    shown = bot.command(f"show {key}", user="UTRIAGE1").json()
    assert "page 1 of 84 (characters 1–2,400 of 200,000)" in evidence_block(shown)
    assert "full text in" not in json.dumps(shown)
    pages = [page_text(shown)]
    while "evidence_page_next" in json.dumps(shown):
        shown = press(bot, fake, shown, "evidence_page_next", user="UTRIAGE1")
        pages.append(page_text(shown))
        if len(pages) == 2:
            assert "page 2 of 84 (characters 2,401–4,800 of 200,000)" in evidence_block(shown)
    assert len(pages) == 84 and "".join(pages) == LONG
    assert "page 84 of 84 (characters 199,201–200,000 of 200,000)" in evidence_block(shown)
    back = press(bot, fake, shown, "evidence_page_prev", user="UTRIAGE1")
    assert page_text(back) == pages[82]
    first = press(bot, fake, back, "evidence_page_first", user="UTRIAGE1")
    assert page_text(first) == pages[0] and "evidence_page_prev" not in json.dumps(first)


def test_a_short_evidence_has_no_pages(bot: Bot, fake: FakeSlackAPI) -> None:
    """Evidence that fits one page is shown whole, without page buttons or a page count."""
    key = file_incident(bot, THREAT)
    shown = bot.command(f"show {key}", user="UTRIAGE1").json()
    assert page_text(shown) == THREAT
    assert "evidence_page_" not in json.dumps(shown) and " of " not in evidence_block(shown)


def test_a_finding_button_opens_its_page_with_the_quote_marked(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """The finding's button shows the page that holds its span, with the span between marks."""
    text = LONG[:5_000] + THREAT + LONG[:5_000]
    key = file_incident(bot, text)
    found = bot.services.incidents.detail(key).findings
    start, end = finding_targets(found)[0]["span"]  # the first row's quoted finding
    shown = bot.command(f"show {key}", user="UOTHER").json()
    assert "page 1 of " in evidence_block(shown)
    marked = press(bot, fake, shown, "evidence_finding_0", user="UOTHER")
    assert "page 3 of 5 (characters 4,801–7,200 of " in evidence_block(marked)
    assert f"▶{text[start:end]}◀" in page_text(marked)
    assert "between ▶ and ◀" in json.dumps(marked, ensure_ascii=False)


def test_paging_a_restricted_incident_is_checked_on_every_press(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """Someone outside the team and the reporter pressing a copied page button sees nothing."""
    key = file_incident(bot, LONG[:10_000] + THREAT, restricted=True)
    reporter = bot.command(f"show {key}", user="UREPORTER").json()
    assert "page 2 of" in evidence_block(
        press(bot, fake, reporter, "evidence_page_next", user="UREPORTER")
    )
    name = click(bot, fake, reporter, "evidence_page_next", user="UOTHER", ephemeral=True)
    answer = answer_to(fake, name)
    assert answer.args["replace_original"] is False
    assert "restricted" in json.dumps(answer.args) and "Step 0" not in json.dumps(answer.args)


def test_forged_page_numbers_get_a_clear_answer_and_change_nothing(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A page or finding that does not exist, or a malformed value, is explained, not shown."""
    key = file_incident(bot, LONG[:10_000] + THREAT)
    shown = bot.command(f"show {key}", user="UTRIAGE1").json()
    cases = {
        "evidence_page_next": [f"{key}:999", f"{key}:0", f"{key}:-1", f"{key}:two", key, ""],
        "evidence_finding_0": [f"{key}:42", f"{key}:x"],
    }
    for action_id, values in cases.items():
        for value in values:
            name = click(
                bot,
                fake,
                forged(shown, action_id, value),
                action_id,
                user="UTRIAGE1",
                ephemeral=True,
            )
            answer = answer_to(fake, name)
            assert answer.args["replace_original"] is False, value
            assert "Nothing was changed" in json.dumps(answer.args) or "not" in json.dumps(
                answer.args
            ), value
            assert "evidence" not in [b.get("block_id") for b in answer.args["blocks"]]
    missing = click(
        bot,
        fake,
        forged(shown, "evidence_page_next", "AIS-999:2"),
        "evidence_page_next",
        user="UTRIAGE1",
        ephemeral=True,
    )
    assert "AIS-999" in json.dumps(answer_to(fake, missing).args)


def test_secrets_stay_masked_on_every_page(bot: Bot, fake: FakeSlackAPI) -> None:
    """A key and a key block that straddle page boundaries are masked whole on every page."""
    text = LONG[:2_390] + f" {AWS_KEY} " + LONG[:4_790] + f"\n{KEY_BLOCK}\n" + LONG[:3_000]
    key = file_incident(bot, text)
    shown = bot.command(f"show {key}", user="UTRIAGE1").json()
    seen = [json.dumps(shown, ensure_ascii=False)]
    while "evidence_page_next" in seen[-1]:
        shown = press(bot, fake, shown, "evidence_page_next", user="UTRIAGE1")
        seen.append(json.dumps(shown, ensure_ascii=False))
    everything = "".join(seen)
    assert len(seen) >= 5 and not leaks(everything) and AWS_KEY not in everything
    assert "AKIA••••••••" in everything and "[private key masked]" in everything
