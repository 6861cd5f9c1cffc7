"""Closing, merging and severity changes as triagers meet them, end to end through Slack."""

from __future__ import annotations

import json
from typing import Any

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import Bot, form_values, wait_until
from tests.e2e.test_triage import (
    events,
    kinds,
    open_modal,
    post_of,
    report,
    selected,
    submit,
    texts,
    wait_replies,
)


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The input blocks of a modal, by block id."""
    return {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input"}


def post_text(bot: Bot, fake: FakeSlackAPI, key: str) -> str:
    """The triage post of ``key`` as it is now, as one string."""
    return json.dumps(post_of(bot, fake, key)["blocks"], ensure_ascii=False)


def merge(bot: Bot, fake: FakeSlackAPI, key: str, into: str) -> None:
    """Merge ``key`` into ``into`` with the Merge… modal."""
    view = open_modal(bot, fake, key, "incident_merge", "UTRIAGE1")
    assert submit(bot, view, form_values(view, other=into), "UTRIAGE1") is None


# --- closing --------------------------------------------------------------------------------


def test_status_menu_does_not_close(bot: Bot, fake: FakeSlackAPI) -> None:
    """Status… offers no Closed and asks nothing about closing; a forged close is refused."""
    key = report(bot)
    view = open_modal(bot, fake, key, "incident_status", "UTRIAGE1")
    fields = inputs(view)
    assert set(fields) == {"status"}
    options = [o["value"] for o in fields["status"]["element"]["options"]]
    assert options == ["acknowledged", "investigating"]
    refused = submit(bot, view, form_values(view, status="closed"), "UTRIAGE1")
    assert refused["response_action"] == "errors"
    assert "Resolve…" in refused["errors"]["status"]
    assert bot.services.incidents.get(key).status == "new"
    assert kinds(bot, key) == ["reported"]


def test_resolve_fields_are_required_and_labelled_so(bot: Bot, fake: FakeSlackAPI) -> None:
    """Resolve… marks resolution and summary required (no "(optional)") and refuses either empty."""
    key = report(bot)
    view = open_modal(bot, fake, key, "incident_resolve", "UTRIAGE1")
    fields = inputs(view)
    assert set(fields) == {"resolution", "summary"}
    for block in fields.values():
        assert block["optional"] is False
        assert "optional" not in block["label"]["text"].lower()
        assert "optional" not in block.get("hint", {}).get("text", "").lower()
    no_summary = submit(bot, view, form_values(view, resolution="fixed"), "UTRIAGE1")
    assert "summary" in no_summary["errors"]["summary"]
    no_resolution = submit(bot, view, form_values(view, summary="Filter patched"), "UTRIAGE1")
    assert "resolution" in no_resolution["errors"]["resolution"]
    assert bot.services.incidents.get(key).status == "new"
    values = form_values(view, resolution="fixed", summary="Filter patched")
    assert submit(bot, view, values, "UTRIAGE1") is None
    closed = bot.services.incidents.get(key)
    assert (closed.status, closed.resolution, closed.resolution_summary) == (
        "closed",
        "fixed",
        "Filter patched",
    )


# --- merging --------------------------------------------------------------------------------


def test_merged_post_names_its_original_and_drops_the_hint(bot: Bot, fake: FakeSlackAPI) -> None:
    """After a merge the merged post says which incident it duplicates and no longer says
    "Possibly the same as"."""
    first = report(bot)
    second = report(bot)
    assert f"Possibly the same as *{first}*" in post_text(bot, fake, second)
    merge(bot, fake, second, first)
    wait_until(lambda: "Closed as a duplicate of" in post_text(bot, fake, second))
    after = post_text(bot, fake, second)
    assert f"Closed as a duplicate of *{first}*" in after
    assert "Possibly the same" not in after
    assert "Possibly the same" not in post_text(bot, fake, first)


def test_surviving_post_drops_the_hint_to_the_merged_one(bot: Bot, fake: FakeSlackAPI) -> None:
    """When the older report is merged into the newer one, the newer post stops hinting at it."""
    first = report(bot)
    second = report(bot)
    assert f"Possibly the same as *{first}*" in post_text(bot, fake, second)
    merge(bot, fake, first, second)
    wait_replies(bot, fake, second, 1)  # the "marked as a duplicate" reply follows the edit
    assert "Possibly the same" not in post_text(bot, fake, second)
    wait_until(lambda: f"Closed as a duplicate of *{second}*" in post_text(bot, fake, first))
    assert "Possibly the same" not in post_text(bot, fake, first)


# --- severity -------------------------------------------------------------------------------


def test_severity_change_needs_a_reason_shown_on_the_timeline(bot: Bot, fake: FakeSlackAPI) -> None:
    """Severity… asks for a required reason; the thread reply and /safety show show it."""
    key = report(bot, severity="medium")
    view = open_modal(bot, fake, key, "incident_severity", "UTRIAGE1")
    reason = inputs(view)["reason"]
    assert reason["optional"] is False and reason["element"]["type"] == "plain_text_input"
    missing = submit(bot, view, form_values(view, severity="critical"), "UTRIAGE1")
    assert "reason" in missing["errors"]["reason"].lower()
    assert bot.services.incidents.get(key).severity == "medium"
    why = "Reproduced <!channel> on prod"
    values = form_values(view, severity="critical", reason=why)
    assert submit(bot, view, values, "UTRIAGE1") is None
    assert bot.services.incidents.get(key).severity == "critical"
    assert (events(bot, key)[-1].kind, events(bot, key)[-1].note) == ("severity", why)
    reply = texts(wait_replies(bot, fake, key, 1)[0])
    assert "from Medium to Critical" in reply and "Reproduced &lt;!channel&gt; on prod" in reply
    shown = json.dumps(bot.command(f"show {key}", user="UTRIAGE1").json(), ensure_ascii=False)
    assert "Reproduced &lt;!channel&gt; on prod" in shown


def test_status_choice_keeps_working_after_closing_moved(bot: Bot, fake: FakeSlackAPI) -> None:
    """Status… still moves an incident along the open statuses, and Resolve… then closes it."""
    key = report(bot)
    view = open_modal(bot, fake, key, "incident_status", "UTRIAGE1")
    assert submit(bot, view, form_values(view, status="investigating"), "UTRIAGE1") is None
    view = open_modal(bot, fake, key, "incident_status", "UTRIAGE1")
    assert [o["value"] for o in inputs(view)["status"]["element"]["options"]] == ["mitigated"]
    view = open_modal(bot, fake, key, "incident_resolve", "UTRIAGE1")
    values = {
        "resolution": {"value": selected("false_positive")},
        "summary": {"value": {"type": "plain_text_input", "value": "A test prompt"}},
    }
    assert submit(bot, view, values, "UTRIAGE1") is None
    assert kinds(bot, key) == ["reported", "status", "status"]
    assert bot.services.incidents.get(key).status == "closed"
