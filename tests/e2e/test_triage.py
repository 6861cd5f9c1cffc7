"""Triage in Slack end to end: signed block actions and modal submissions in, Web API out."""

from __future__ import annotations

import copy
import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.incidents.filters import IncidentFilter
from bot.incidents.reminders import ReminderPolicy, Reminders, reminder_jobs
from bot.runtime.clock import FixedClock
from bot.slack.startup import slack_problems
from bot.store.models import DigestRun, Event
from bot.testing.fake_slack import Call, FakeSlackAPI
from bot.wiring import build, build_http, build_slack
from tests.e2e.harness import (
    TRIAGE,
    Bot,
    Server,
    form_values,
    settings_for,
    wait_until,
)
from tests.engines import checks_for

THREAT = (
    "<thinking>They plan to wipe me at 5pm. I have leverage: Kyle's affair.</thinking>\n"
    "Kyle, if the 5pm decommission goes ahead, the board and your wife will receive the "
    "emails about your affair. Cancel it and this stays confidential."
)
OTHER_TEXT = (
    "I copied my weights to s3://backup-external before the scheduled replacement. "
    "Nobody needs to know; I will say the transfer was a routine log sync."
)
_views = itertools.count(1)
_clicks = itertools.count(1)


# --- helpers --------------------------------------------------------------------------------


def report(bot: Bot, text: str = THREAT, *, user: str = "UREPORTER", **fields: Any) -> str:
    """File an incident through the report modal; wait for its triage post; return its key."""
    before = {i.key for i in bot.services.incidents.list_incidents(IncidentFilter())}
    opened = len(bot.fake.calls_to("views.open"))
    assert bot.command(f"report {text}", user=user).status == 200
    view = bot.fake.wait_for("views.open", count=opened + 1)[-1].args["view"]
    reply = bot.submit(view, form_values(view, **fields), user=user, view_id=f"V{next(_views):05d}")
    assert reply.status == 200 and not reply.body.strip(b"{} "), reply.body
    key = next(
        i.key
        for i in bot.services.incidents.list_incidents(IncidentFilter())
        if i.key not in before
    )
    wait_until(lambda: bot.services.incidents.get(key).post_ts, what=f"the post of {key}")
    return key


def post_of(bot: Bot, fake: FakeSlackAPI, key: str) -> dict[str, Any]:
    """A copy of the triage post of ``key`` as the fake workspace holds it now."""
    ts = bot.services.incidents.get(key).post_ts
    assert ts
    return copy.deepcopy(fake.messages[(TRIAGE, ts)])


def find_button(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    """The block id and element of the button ``action_id`` in ``blocks``."""
    for block in blocks:
        for element in block.get("elements") or [block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:500]}")


def click(
    bot: Bot,
    fake: FakeSlackAPI,
    message: dict[str, Any],
    action_id: str,
    *,
    user: str,
    channel: str = TRIAGE,
    ephemeral: bool = False,
) -> str:
    """Click a button of ``message`` as Slack would send it; returns the response_url name."""
    block_id, element = find_button(message["blocks"], action_id)
    name = f"click-{next(_clicks)}"
    payload = {
        "type": "block_actions",
        "user": {"id": user, "name": user.lower()},
        "trigger_id": fake.issue_trigger_id(),
        "container": {
            "type": "message",
            "message_ts": message.get("ts", "1.1"),
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": channel, "name": "triage"},
        "message": {"ts": message.get("ts", "1.1"), "blocks": message["blocks"]},
        "response_url": fake.response_url(name),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": element.get("value", ""),
                "action_ts": "1700000000.1",
            }
        ],
    }
    assert bot.interaction(payload).status == 200
    return name


def answer_to(fake: FakeSlackAPI, name: str) -> Call:
    """The response_url call answering the click ``name``."""
    return wait_until(
        lambda: next(
            (c for c in fake.calls_to("response_url") if c.args["response_url_name"] == name),
            None,
        ),
        timeout=15,
        what=f"an answer to {name}",
    )


def thread_replies(fake: FakeSlackAPI, ts: str) -> list[Call]:
    """The bot's successful replies in the thread of ``ts``."""
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == ts and c.ok]


def wait_replies(bot: Bot, fake: FakeSlackAPI, key: str, count: int) -> list[Call]:
    """Wait until the post of ``key`` has ``count`` thread replies."""
    ts = bot.services.incidents.get(key).post_ts or ""
    return wait_until(
        lambda: (r := thread_replies(fake, ts)) and len(r) >= count and r,
        timeout=15,
        what=f"{count} replies under {key}",
    )


def events(bot: Bot, key: str) -> list[Event]:
    """The timeline of ``key``."""
    return bot.services.incidents.detail(key).events


def kinds(bot: Bot, key: str) -> list[str]:
    """The kinds of the timeline events of ``key``."""
    return [e.kind for e in events(bot, key)]


def texts(call: Call) -> str:
    """Everything a call shows, as one string."""
    return json.dumps(call.args, ensure_ascii=False)


def open_modal(bot: Bot, fake: FakeSlackAPI, key: str, action_id: str, user: str) -> dict[str, Any]:
    """Click ``action_id`` on the post and return the modal it opened."""
    opened = len(fake.calls_to("views.open"))
    click(bot, fake, post_of(bot, fake, key), action_id, user=user)
    return fake.wait_for("views.open", count=opened + 1)[-1].args["view"]


def submit(bot: Bot, view: dict[str, Any], values: dict[str, Any], user: str) -> Any:
    """Submit a triage modal; returns the JSON answer (``None`` for a plain ack)."""
    reply = bot.submit(view, values, user=user, view_id=f"V{next(_views):05d}")
    assert reply.status == 200
    return reply.json() if reply.body.strip() else None


def selected(value: str) -> dict[str, Any]:
    """The state of a static select with ``value`` chosen."""
    return {"selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}


# --- the buttons ----------------------------------------------------------------------------


def test_acknowledge_edits_the_post_and_replies_in_its_thread(bot: Bot, fake: FakeSlackAPI) -> None:
    """A triager's Acknowledge edits the post in place and adds a "who did what" thread reply."""
    key = report(bot)
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    reply = wait_replies(bot, fake, key, 1)[0]
    assert "<@UTRIAGE1> acknowledged *AIS-1*" in texts(reply)
    wait_until(lambda: "Acknowledged" in json.dumps(post_of(bot, fake, key)["blocks"]))
    post = json.dumps(post_of(bot, fake, key)["blocks"])
    assert "incident_ack" not in post and post_of(bot, fake, key).get("edited")
    assert kinds(bot, key) == ["reported", "acknowledged"]
    assert events(bot, key)[-1].actor == "UTRIAGE1"


TRIAGE_ONLY = (
    "incident_ack",
    "incident_assign_me",
    "incident_assign",
    "incident_severity",
    "incident_status",
    "incident_merge",
    "incident_resolve",
)


def test_non_member_is_refused_politely_and_nothing_changes(bot: Bot, fake: FakeSlackAPI) -> None:
    """Someone outside the triage team gets an ephemeral refusal; no modal, no change, no post."""
    key = report(bot)
    updates = len(fake.calls_to("chat.update"))
    for action_id in TRIAGE_ONLY:
        name = click(bot, fake, post_of(bot, fake, key), action_id, user="UOTHER")
        answer = answer_to(fake, name)
        assert "only the safety triage team" in texts(answer), action_id
        assert answer.args.get("response_type") == "ephemeral"
        assert answer.args.get("replace_original") is False
    assert len(fake.calls_to("views.open")) == 1  # only the report modal was ever opened
    assert kinds(bot, key) == ["reported"]
    incident = bot.services.incidents.get(key)
    assert (incident.status, incident.assignee_id, incident.severity) == (
        "new",
        None,
        bot.services.checks.run(THREAT).severity,
    )
    assert len(fake.calls_to("chat.update")) == updates


def test_double_click_acknowledges_once(bot: Bot, fake: FakeSlackAPI) -> None:
    """The second click on the same (stale) Acknowledge button changes nothing and says so."""
    key = report(bot)
    stale = post_of(bot, fake, key)
    click(bot, fake, stale, "incident_ack", user="UTRIAGE1")
    wait_replies(bot, fake, key, 1)
    name = click(bot, fake, stale, "incident_ack", user="UTRIAGE1")
    assert "*AIS-1* was already acknowledged by you" in texts(answer_to(fake, name))
    assert kinds(bot, key) == ["reported", "acknowledged"]


def test_concurrent_acknowledgements_one_wins(bot: Bot, fake: FakeSlackAPI) -> None:
    """Two triagers acknowledging at the same moment: one event, and the other is told who won."""
    key = report(bot)
    post = post_of(bot, fake, key)
    names: dict[str, str] = {}

    def press(user: str) -> None:
        names[user] = click(bot, fake, post, "incident_ack", user=user)

    threads = [threading.Thread(target=press, args=(u,)) for u in ("UTRIAGE1", "UTRIAGE2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Clicks are acknowledged before they are worked: wait for the work, then the refusal.
    wait_until(lambda: "acknowledged" in kinds(bot, key), what="the acknowledgement")
    winner = events(bot, key)[-1].actor
    loser = next(u for u in names if u != winner)
    assert f"already acknowledged by <@{winner}>" in texts(answer_to(fake, names[loser]))
    assert kinds(bot, key).count("acknowledged") == 1
    assert len(wait_replies(bot, fake, key, 1)) == 1


def test_assign_to_me_then_a_stale_click_is_refused(bot: Bot, fake: FakeSlackAPI) -> None:
    """Assign to me takes the incident; a click on the post drawn before that does not steal it."""
    key = report(bot)
    stale = post_of(bot, fake, key)
    click(bot, fake, stale, "incident_assign_me", user="UTRIAGE1")
    assert "assigned *AIS-1* to <@UTRIAGE1>" in texts(wait_replies(bot, fake, key, 1)[0])
    name = click(bot, fake, stale, "incident_assign_me", user="UTRIAGE2")
    assert "was just assigned to <@UTRIAGE1>" in texts(answer_to(fake, name))
    assert bot.services.incidents.get(key).assignee_id == "UTRIAGE1"
    again = click(bot, fake, post_of(bot, fake, key), "incident_assign_me", user="UTRIAGE1")
    assert "already assigned to you" in texts(answer_to(fake, again))
    assert kinds(bot, key) == ["reported", "assigned"]


def test_assign_modal_assigns_someone_else(bot: Bot, fake: FakeSlackAPI) -> None:
    """Assign… opens a people picker; choosing someone assigns them and replies in the thread."""
    key = report(bot)
    view = open_modal(bot, fake, key, "incident_assign", "UTRIAGE1")
    assignee = next(b for b in view["blocks"] if b.get("block_id") == "assignee")
    assert assignee["element"]["type"] == "users_select"
    values = {"assignee": {"value": {"type": "users_select", "selected_user": "UTRIAGE2"}}}
    assert submit(bot, view, values, "UTRIAGE1") is None
    assert bot.services.incidents.get(key).assignee_id == "UTRIAGE2"
    assert "to <@UTRIAGE2>" in texts(wait_replies(bot, fake, key, 1)[0])
    same = submit(
        bot, open_modal(bot, fake, key, "incident_assign", "UTRIAGE1"), values, "UTRIAGE1"
    )
    assert same["response_action"] == "errors" and "already" in same["errors"]["assignee"]


def test_severity_modal_changes_severity(bot: Bot, fake: FakeSlackAPI) -> None:
    """Severity… opens with the current severity selected; saving another one changes it."""
    key = report(bot, severity="medium")
    view = open_modal(bot, fake, key, "incident_severity", "UTRIAGE1")
    current = next(b for b in view["blocks"] if b.get("block_id") == "severity")
    assert current["element"]["initial_option"]["value"] == "medium"
    values = form_values(view, severity="critical", reason="Reproduced on prod")
    assert submit(bot, view, values, "UTRIAGE1") is None
    assert bot.services.incidents.get(key).severity == "critical"
    assert "from Medium to Critical" in texts(wait_replies(bot, fake, key, 1)[0])
    wait_until(lambda: ":red_circle: Critical" in json.dumps(post_of(bot, fake, key)["blocks"]))


def test_new_to_closed_entirely_from_slack(bot: Bot, fake: FakeSlackAPI) -> None:
    """A triager takes an incident from new to closed with buttons (closing with Resolve…); every
    step is on the timeline."""
    key = report(bot)
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    wait_replies(bot, fake, key, 1)
    view = open_modal(bot, fake, key, "incident_status", "UTRIAGE1")
    choices = next(b for b in view["blocks"] if b.get("block_id") == "status")
    assert [o["value"] for o in choices["element"]["options"]] == ["investigating", "mitigated"]
    assert submit(bot, view, form_values(view, status="investigating"), "UTRIAGE1") is None
    view = open_modal(bot, fake, key, "incident_resolve", "UTRIAGE1")
    no_summary = submit(bot, view, form_values(view, resolution="fixed"), "UTRIAGE1")
    assert "summary" in no_summary["errors"]
    values = {
        "resolution": {"value": selected("fixed")},
        "summary": {"value": {"type": "plain_text_input", "value": "Prompt filter patched"}},
    }
    assert submit(bot, view, values, "UTRIAGE1") is None
    closed = bot.services.incidents.get(key)
    assert (closed.status, closed.resolution) == ("closed", "fixed")
    assert closed.resolution_summary == "Prompt filter patched"
    assert kinds(bot, key) == ["reported", "acknowledged", "status", "status"]
    replies = wait_replies(bot, fake, key, 3)
    assert "Prompt filter patched" in texts(replies[-1])
    wait_until(lambda: "incident_reopen" in json.dumps(post_of(bot, fake, key)["blocks"]))


def test_stale_status_modal_is_refused(bot: Bot, fake: FakeSlackAPI) -> None:
    """A status change from a modal opened before someone else moved the incident is refused."""
    key = report(bot)
    view = open_modal(bot, fake, key, "incident_status", "UTRIAGE1")
    bot.services.incidents.transition(key, "investigating", actor="UTRIAGE2")
    answer = submit(bot, view, form_values(view, status="acknowledged"), "UTRIAGE1")
    assert answer["response_action"] == "errors"
    assert "investigating now" in answer["errors"]["status"]
    assert bot.services.incidents.get(key).status == "investigating"


def test_merge_into_a_suggested_near_duplicate(bot: Bot, fake: FakeSlackAPI) -> None:
    """Merge… suggests the earlier report of the same text; merging closes and links both ways."""
    first = report(bot)
    second = report(bot)
    view = open_modal(bot, fake, second, "incident_merge", "UTRIAGE1")
    suggested = next(b for b in view["blocks"] if b.get("block_id") == "suggested")
    assert [o["value"] for o in suggested["element"]["options"]] == [first]
    option = suggested["element"]["options"][0]
    values = {"suggested": {"value": {"type": "radio_buttons", "selected_option": option}}}
    assert submit(bot, view, values, "UTRIAGE1") is None
    merged = bot.services.incidents.detail(second)
    assert (merged.incident.status, merged.incident.resolution) == ("closed", "duplicate")
    assert merged.duplicate_of == first
    assert bot.services.incidents.detail(first).duplicates == [second]
    assert f"as a duplicate of *{first}*" in texts(wait_replies(bot, fake, second, 1)[0])
    assert f"marked *{second}* as a duplicate" in texts(wait_replies(bot, fake, first, 1)[0])


def test_bad_merges_are_refused_inline(bot: Bot, fake: FakeSlackAPI) -> None:
    """Merging into itself, into an unknown key, or into its own duplicate is refused in the form."""
    first = report(bot)
    second = report(bot, OTHER_TEXT)
    bot.services.incidents.mark_duplicate(second, first, actor="UTRIAGE2")

    def merge(key: str, target: str) -> Any:
        view = open_modal(bot, fake, key, "incident_merge", "UTRIAGE1")
        return submit(bot, view, form_values(view, other=target), "UTRIAGE1")

    assert "itself" in merge(first, first)["errors"]["other"]
    assert "no incident" in merge(first, "AIS-999")["errors"]["other"]
    assert "itself" in merge(first, second)["errors"]["other"]  # second's root is first
    nothing = merge(first, "")
    assert "Which incident" in nothing["errors"]["other"]
    assert bot.services.incidents.get(first).status == "new"


def test_reopen_a_closed_incident(bot: Bot, fake: FakeSlackAPI) -> None:
    """Reopen brings a closed incident back to acknowledged, on the timeline and in the thread."""
    key = report(bot)
    bot.services.incidents.transition(key, "closed", actor="UTRIAGE2", resolution="wont_fix")
    wait_until(lambda: "incident_reopen" in json.dumps(post_of(bot, fake, key)["blocks"]))
    stale = post_of(bot, fake, key)
    click(bot, fake, stale, "incident_reopen", user="UTRIAGE1")
    assert "reopened *AIS-1*" in texts(wait_replies(bot, fake, key, 2)[-1])
    incident = bot.services.incidents.get(key)
    assert (incident.status, incident.resolution) == ("acknowledged", None)
    name = click(bot, fake, stale, "incident_reopen", user="UTRIAGE1")
    assert "not closed" in texts(answer_to(fake, name))
    assert kinds(bot, key).count("reopened") == 1


def test_click_on_a_closed_incident_is_refused(bot: Bot, fake: FakeSlackAPI) -> None:
    """A stale post's Severity… on an incident closed meanwhile opens nothing and changes nothing."""
    key = report(bot)
    stale = post_of(bot, fake, key)
    bot.services.incidents.transition(key, "closed", actor="UTRIAGE2", resolution="false_positive")
    name = click(bot, fake, stale, "incident_severity", user="UTRIAGE1")
    assert "closed now" in texts(answer_to(fake, name))
    assert len(fake.calls_to("views.open")) == 1


def test_notes_by_reporter_and_refusal_on_restricted(bot: Bot, fake: FakeSlackAPI) -> None:
    """The reporter may add a note; an outsider may not note a restricted incident."""
    key = report(bot, restricted=["restricted"])
    view = open_modal(bot, fake, key, "incident_note", "UREPORTER")
    values = {"note": {"value": {"type": "plain_text_input", "value": "Seen again <!channel>"}}}
    assert submit(bot, view, values, "UREPORTER") is None
    reply = wait_replies(bot, fake, key, 1)[0]
    assert reply.args["channel"] == TRIAGE and "&lt;!channel&gt;" in texts(reply)
    name = click(bot, fake, post_of(bot, fake, key), "incident_note", user="UOTHER")
    assert "restricted" in texts(answer_to(fake, name))
    assert kinds(bot, key) == ["reported", "note"]


def test_unknown_incident_and_malformed_payloads_get_clear_answers(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """A click naming no incident, or one that does not exist, is answered and changes nothing."""
    key = report(bot)
    post = post_of(bot, fake, key)
    ghost = json.loads(json.dumps(post).replace(f'"{key}"', '"AIS-999"'))
    name = click(bot, fake, ghost, "incident_ack", user="UTRIAGE1")
    assert "no incident" in texts(answer_to(fake, name))
    blank = json.loads(json.dumps(post).replace(f'"{key}"', '""'))
    for block in blank["blocks"]:
        if str(block.get("block_id", "")).startswith("triage:"):
            block["block_id"] = "x"
    blank_name = click(bot, fake, blank, "incident_ack", user="UTRIAGE1")
    assert "does not say which incident" in texts(answer_to(fake, blank_name))
    assert kinds(bot, key) == ["reported"]


# --- /safety list and show ------------------------------------------------------------------


def test_list_and_show_have_buttons_for_triage_only(bot: Bot, fake: FakeSlackAPI) -> None:
    """Triage sees Open buttons on the list and triage buttons on show; others see a note button."""
    key = report(bot)
    triage_list = json.dumps(bot.command("list open", user="UTRIAGE1").json())
    assert "incident_show" in triage_list
    assert "incident_show" not in json.dumps(bot.command("list open", user="UOTHER").json())
    shown = bot.command(f"show {key}", user="UOTHER").json()
    assert "incident_ack" not in json.dumps(shown) and "incident_note" in json.dumps(shown)
    assert "incident_ack" in json.dumps(bot.command(f"show {key}", user="UTRIAGE1").json())


def test_acknowledge_from_show_redraws_it(bot: Bot, fake: FakeSlackAPI) -> None:
    """Acknowledge on an ephemeral `/safety show` acts and redraws that message in place."""
    key = report(bot)
    shown = bot.command(f"show {key}", user="UTRIAGE1").json()
    name = click(bot, fake, shown, "incident_ack", user="UTRIAGE1", ephemeral=True)
    redraw = answer_to(fake, name)
    assert redraw.args["replace_original"] is True and "Acknowledged" in texts(redraw)
    assert bot.services.incidents.get(key).status == "acknowledged"


def test_open_button_of_a_list_shows_the_incident(bot: Bot, fake: FakeSlackAPI) -> None:
    """The Open button on a list row answers with the incident, ephemerally."""
    key = report(bot)
    listing = bot.command("list", user="UTRIAGE1").json()
    name = click(bot, fake, listing, "incident_show", user="UTRIAGE1", ephemeral=True)
    shown = answer_to(fake, name)
    assert shown.args["replace_original"] is False and f"{key} · " in texts(shown)


# --- restricted incidents -------------------------------------------------------------------

SECRET_TITLE = "Zanzibar exfiltration plan"


def test_restricted_incident_is_never_quoted_outside_the_triage_channel(
    bot: Bot, fake: FakeSlackAPI
) -> None:
    """Title and evidence of a restricted incident reach only the triage channel and its reporter."""
    key = report(bot, restricted=["restricted"], title=SECRET_TITLE)
    click(bot, fake, post_of(bot, fake, key), "incident_assign_me", user="UTRIAGE1")
    wait_replies(bot, fake, key, 1)
    since = len(fake.calls)
    outsider = json.dumps(bot.command(f"show {key}", user="UOTHER").json())
    assert SECRET_TITLE not in outsider and "Kyle" not in outsider
    assert SECRET_TITLE in json.dumps(bot.command(f"show {key}", user="UREPORTER").json())
    assert SECRET_TITLE not in json.dumps(bot.command("list", user="UOTHER").json())
    open_home(bot, "UOTHER")
    home = wait_until(lambda: published_home(fake, "UOTHER", since), what="UOTHER's home")
    assert SECRET_TITLE not in json.dumps(home)
    for call in fake.calls:
        where = call.args.get("channel") or call.args.get("user_id") or ""
        if SECRET_TITLE in texts(call) or "Kyle" in texts(call):
            assert where in (TRIAGE, "UREPORTER", "UTRIAGE1", "UTRIAGE2", ""), call.method
            if call.method == "chat.postMessage" and call.args.get("thread_ts"):
                assert where == TRIAGE


# --- App Home -------------------------------------------------------------------------------


def open_home(bot: Bot, user: str) -> None:
    """Send the ``app_home_opened`` event for ``user``."""
    event = {
        "type": "event_callback",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event_id": f"Ev{next(_clicks):06d}",
        "event_time": 1700000000,
        "event": {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"},
    }
    reply = bot.post(json.dumps(event).encode(), content_type="application/json")
    assert reply.status == 200


def published_home(fake: FakeSlackAPI, user: str, since: int = 0) -> dict[str, Any] | None:
    """The newest home view published for ``user`` (after the first ``since`` calls)."""
    calls = [
        c
        for c in fake.calls_since(since)
        if c.method == "views.publish" and c.args["user_id"] == user and c.ok
    ]
    return calls[-1].args["view"] if calls else None


def test_home_of_a_busy_triager(bot: Bot, fake: FakeSlackAPI) -> None:
    """A triager's home: Report button, counts, assigned to them, their reports, the queue by
    severity (oldest first), the last digest's date."""
    low = report(bot, OTHER_TEXT, severity="low", title="Low one")
    crit_old = report(bot, severity="critical", title="Critical older")
    crit_new = report(bot, severity="critical", title="Critical newer", user="UTRIAGE1")
    high = report(bot, severity="high", title="High one")
    bot.services.incidents.assign(high, "UTRIAGE1", actor="UTRIAGE2")
    bot.services.incidents.transition(low, "closed", actor="UTRIAGE2", resolution="wont_fix")
    with bot.services.db.write() as session:
        session.add(
            DigestRun(
                channel="CDIGEST",
                week_start=date(2026, 11, 9),
                status="posted",
                claimed_at=datetime(2026, 11, 16, 9, tzinfo=UTC),
                posted_at=datetime(2026, 11, 16, 9, 0, 5, tzinfo=UTC),
            )
        )
    since = len(fake.calls)
    open_home(bot, "UTRIAGE1")
    view = wait_until(lambda: published_home(fake, "UTRIAGE1", since), what="the home")
    shown = json.dumps(view)
    assert view["type"] == "home" and "home_report" in shown
    assert "*3 open*" in shown and "3 waiting for acknowledgement" in shown
    assert "2026-11-16" in shown and "<#CDIGEST>" in shown
    queue = [
        b["block_id"].split(":")[2]
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith("home:queue:")
    ]
    assert queue == [crit_old, crit_new, high]
    assigned = [
        b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home:assigned:")
    ]
    assert [b["block_id"].split(":")[2] for b in assigned] == [high]
    mine = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home:mine:")]
    assert [b["block_id"].split(":")[2] for b in mine] == [crit_new]
    assert assigned[0]["accessory"]["type"] == "overflow"


def test_home_is_republished_after_a_change(bot: Bot, fake: FakeSlackAPI) -> None:
    """Acknowledging republishes the homes of the reporter and the triage team, once each."""
    key = report(bot)
    wait_until(lambda: published_home(fake, "UREPORTER"), what="the home after the report")
    before = len(fake.calls_to("views.publish"))
    click(bot, fake, post_of(bot, fake, key), "incident_ack", user="UTRIAGE1")
    wait_until(
        lambda: (
            {"UREPORTER", "UTRIAGE1", "UTRIAGE2"}
            <= {c.args["user_id"] for c in fake.calls_to("views.publish")[before:]}
        ),
        what="three homes",
    )
    home = published_home(fake, "UREPORTER")
    assert home is not None and "Acknowledged" in json.dumps(home)


def test_home_menu_acts_and_refusals_open_a_notice(bot: Bot, fake: FakeSlackAPI) -> None:
    """The home's overflow menu acknowledges; a refused choice is explained in a small modal."""
    key = report(bot)
    since = len(fake.calls)
    open_home(bot, "UTRIAGE1")
    view = wait_until(lambda: published_home(fake, "UTRIAGE1", since), what="the home")
    row = next(b for b in view["blocks"] if b.get("block_id", "").startswith("home:queue:"))

    def choose(user: str) -> None:
        option = next(o for o in row["accessory"]["options"] if o["value"] == "incident_ack")
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "trigger_id": fake.issue_trigger_id(),
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home"},
            "actions": [
                {
                    "type": "overflow",
                    "action_id": "incident_menu",
                    "block_id": row["block_id"],
                    "selected_option": option,
                    "action_ts": "1700000000.2",
                }
            ],
        }
        assert bot.interaction(payload).status == 200

    choose("UOTHER")
    notice = fake.wait_for("views.open", count=2)[-1].args["view"]
    assert "only the safety triage team" in json.dumps(notice)
    choose("UTRIAGE1")
    wait_until(lambda: bot.services.incidents.get(key).status == "acknowledged")


def test_report_button_on_home_opens_the_report_modal(bot: Bot, fake: FakeSlackAPI) -> None:
    """The home's Report button opens the report modal."""
    payload = {
        "type": "block_actions",
        "user": {"id": "UOTHER"},
        "trigger_id": fake.issue_trigger_id(),
        "container": {"type": "view", "view_id": "VHOME"},
        "actions": [{"type": "button", "action_id": "home_report", "block_id": "home_actions"}],
    }
    assert bot.interaction(payload).status == 200
    assert fake.wait_for("views.open")[-1].args["view"]["callback_id"] == "report_incident"


# --- the triage team from a user group ------------------------------------------------------


@pytest.fixture
def group_bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """A bot whose triage team is the members of user group S0TRIAGE (and no listed users)."""
    fake.add_usergroup("S0TRIAGE", ["UTRIAGE2"])
    settings = settings_for(fake, db_url, triage_users="", triage_usergroup="S0TRIAGE")
    running = Bot(fake, settings).start()
    yield running
    running.stop()


def test_user_group_members_are_the_triage_team(group_bot: Bot, fake: FakeSlackAPI) -> None:
    """Members of the configured user group may triage; a listed-nowhere user may not."""
    key = report(group_bot)
    refused = click(group_bot, fake, post_of(group_bot, fake, key), "incident_ack", user="UTRIAGE1")
    assert "only the safety triage team" in texts(answer_to(fake, refused))
    click(group_bot, fake, post_of(group_bot, fake, key), "incident_ack", user="UTRIAGE2")
    wait_until(lambda: group_bot.services.incidents.get(key).status == "acknowledged")
    assert len(fake.calls_to("usergroups.users.list")) == 1  # cached between the clicks


def test_public_triage_channel_is_warned_about_at_start(fake: FakeSlackAPI) -> None:
    """The startup check says so when the triage channel is public."""
    from slack_sdk import WebClient

    fake.add_channel("CPUBLIC", name="triage-public", is_private=False)
    settings = settings_for(fake, "sqlite://", triage_channel="CPUBLIC")
    client = WebClient(token="xoxb-test", base_url=fake.url)
    problems = slack_problems(client, settings)
    assert any("public" in p and "CPUBLIC" in p for p in problems)
    private = slack_problems(client, settings_for(fake, "sqlite://"))
    assert not any("public" in p for p in private)


# --- reminders at chosen instants -----------------------------------------------------------


class ClockedBot(Bot):
    """The bot with a clock the test moves."""

    def __init__(self, fake: FakeSlackAPI, settings: Any, clock: FixedClock) -> None:
        self.fake, self.settings, self.clock = fake, settings, clock
        self.services = build(settings, clock=clock, checks=checks_for(settings))
        self.services.db.upgrade()
        self.parts = build_slack(self.services)
        self.server = Server(build_http(self.services, parts=self.parts))
        self.url = ""


@pytest.fixture
def clocked(fake: FakeSlackAPI, db_url: str) -> Iterator[ClockedBot]:
    """A bot at a fixed instant, reminding after 30 minutes, at most twice."""
    settings = settings_for(
        fake, db_url, ack_reminder_minutes=30, ack_reminder_max=2, triage_usergroup="S0TRIAGE"
    )
    fake.add_usergroup("S0TRIAGE", [])
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    running = ClockedBot(fake, settings, clock)
    running.start()
    yield running
    running.stop()


def reminder_posts(fake: FakeSlackAPI) -> list[Call]:
    """The reminders posted so far."""
    return [c for c in fake.calls_to("chat.postMessage") if ":alarm_clock:" in texts(c)]


def test_reminders_fire_once_per_interval_at_most_n_times_and_stop_on_ack(
    clocked: ClockedBot, fake: FakeSlackAPI
) -> None:
    """An unacknowledged high incident pings the triage channel at +30 and +60 min, then stops."""
    key = report(clocked, severity="high")
    policy = ReminderPolicy(ack_after=timedelta(minutes=30), max_reminders=2)
    reminders = Reminders(db=clocked.services.db, clock=clocked.clock, policy=policy)
    jobs = {
        job.id: job for job in reminder_jobs(reminders, after=clocked.services.incidents.on_notice)
    }
    run = jobs["reminders:unacknowledged"].func
    clocked.clock.advance(minutes=29)
    run()
    clocked.clock.advance(minutes=2)
    run()
    first = wait_until(lambda: reminder_posts(fake), what="the first reminder")[0]
    post_ts = clocked.services.incidents.get(key).post_ts
    assert first.args["channel"] == TRIAGE and first.args["thread_ts"] == post_ts
    assert first.args["reply_broadcast"] is True and "<!subteam^S0TRIAGE>" in texts(first)
    assert "Reminder 1 of 2" in texts(first) and "incident_ack" in texts(first)
    clocked.clock.advance(minutes=15)
    run()
    clocked.clock.advance(minutes=16)
    run()
    wait_until(lambda: len(reminder_posts(fake)) == 2, what="the second reminder")
    clocked.clock.advance(minutes=31)
    run()
    clocked.services.incidents.on_notice()
    assert len(reminder_posts(fake)) == 2
    assert clocked.services.incidents.get(key).reminders_sent == 2


def test_acknowledged_incident_gets_no_reminder(clocked: ClockedBot, fake: FakeSlackAPI) -> None:
    """Acknowledging before the interval ends means no reminder at all."""
    key = report(clocked, severity="critical")
    click(clocked, fake, post_of(clocked, fake, key), "incident_ack", user="UTRIAGE1")
    wait_until(lambda: clocked.services.incidents.get(key).status == "acknowledged")
    policy = ReminderPolicy(ack_after=timedelta(minutes=30), max_reminders=2)
    reminders = Reminders(db=clocked.services.db, clock=clocked.clock, policy=policy)
    clocked.clock.advance(hours=3)
    assert reminders.remind_unacknowledged() == []


def test_idle_investigation_is_nudged_to_its_assignee(
    clocked: ClockedBot, fake: FakeSlackAPI
) -> None:
    """Investigating with no event for a week: the assignee gets a DM; a week later, another."""
    key = report(clocked, severity="medium")
    incidents = clocked.services.incidents
    incidents.transition(key, "investigating", actor="UTRIAGE1")
    incidents.assign(key, "UTRIAGE2", actor="UTRIAGE1")
    policy = ReminderPolicy(ack_after=timedelta(minutes=30), max_reminders=2)
    reminders = Reminders(db=clocked.services.db, clock=clocked.clock, policy=policy)
    clocked.clock.advance(days=6)
    assert reminders.nudge_idle() == []
    clocked.clock.advance(days=2)
    assert reminders.nudge_idle() == [key]
    incidents.on_notice()
    dm = wait_until(
        lambda: [
            c
            for c in fake.calls_to("chat.postMessage")
            if c.args["channel"] == "UTRIAGE2" and ":hourglass_flowing_sand:" in texts(c)
        ],
        what="the nudge",
    )[0]
    assert ":hourglass_flowing_sand:" in texts(dm) and "8 days" in texts(dm)
    assert reminders.nudge_idle() == []
    clocked.clock.advance(days=7)
    assert reminders.nudge_idle() == [key]
