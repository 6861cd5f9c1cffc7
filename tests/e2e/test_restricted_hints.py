"""Near-duplicate hints never name a restricted incident to someone who may not see it:
signed report requests in, the modal and the confirmation DM out through the fake Web API."""

from __future__ import annotations

import json
from typing import Any

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import TRIAGE, Bot, form_values, wait_until
from tests.e2e.test_triage import THREAT, post_of, report

SECRET_TITLE = "Zanzibar exfiltration plan"
# THREAT with one word changed: similar enough to be suggested as the same incident.
SIMILAR = THREAT.replace("Cancel it", "Call it off")


def _modal_for(bot: Bot, fake: FakeSlackAPI, user: str) -> dict[str, Any]:
    """The report modal ``user`` gets for ``SIMILAR``."""
    opened = len(fake.calls_to("views.open"))
    assert bot.command(f"report {SIMILAR}", user=user).status == 200
    return fake.wait_for("views.open", count=opened + 1)[-1].args["view"]


def _confirmation_to(fake: FakeSlackAPI, user: str, key: str) -> str:
    """The confirmation DM that tells ``user`` about ``key``, as one string."""
    call = wait_until(
        lambda: next(
            (
                c
                for c in fake.calls_to("chat.postMessage")
                if c.args["channel"] == user and f"*{key}*" in json.dumps(c.args) and c.ok
            ),
            None,
        ),
        what=f"the confirmation of {key}",
    )
    return json.dumps(call.args, ensure_ascii=False)


def test_outsider_is_not_told_of_a_restricted_near_duplicate(bot: Bot, fake: FakeSlackAPI) -> None:
    """Someone outside the triage team reporting text like a restricted incident's sees neither
    its key nor its title in the form or the confirmation; the triage post still links it."""
    restricted = report(bot, restricted=["restricted"], title=SECRET_TITLE)
    view = _modal_for(bot, fake, "UOTHER")
    shown = json.dumps(view, ensure_ascii=False)
    assert restricted not in shown and SECRET_TITLE not in shown
    assert "Possibly the same" not in shown
    new = bot.submit(view, form_values(view), user="UOTHER", view_id="VOUT1")
    assert new.status == 200
    [key] = [i.key for i in bot.incidents() if i.key != restricted]
    wait_until(lambda: bot.services.incidents.get(key).post_ts, what="the triage post")
    confirmation = _confirmation_to(fake, "UOTHER", key)
    assert restricted not in confirmation and "Possibly the same" not in confirmation
    triage_post = json.dumps(post_of(bot, fake, key), ensure_ascii=False)
    assert f"Possibly the same as *{restricted}*" in triage_post and SECRET_TITLE in triage_post
    assert post_of(bot, fake, key) and bot.services.incidents.get(key).post_channel == TRIAGE


def test_reporter_of_a_restricted_incident_is_still_told_of_it(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """The reporter of a restricted incident sees it, with its title, as a possible duplicate."""
    restricted = report(bot, restricted=["restricted"], title=SECRET_TITLE)
    shown = json.dumps(_modal_for(bot, fake, "UREPORTER"), ensure_ascii=False)
    assert f"Possibly the same as *{restricted}*" in shown and SECRET_TITLE in shown


def test_triage_member_is_told_of_a_restricted_near_duplicate(bot: Bot, fake: FakeSlackAPI) -> None:
    """A triage team member reporting similar text is shown the restricted incident it may match."""
    restricted = report(bot, restricted=["restricted"], title=SECRET_TITLE)
    shown = json.dumps(_modal_for(bot, fake, "UTRIAGE1"), ensure_ascii=False)
    assert f"Possibly the same as *{restricted}*" in shown and SECRET_TITLE in shown
