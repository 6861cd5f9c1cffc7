"""Hostile input end to end: forged and malformed requests, and text that tries to ping
everyone, fake a link, run a template, smuggle control characters or leak a credential.

Every Web API call the bot makes and every ack body is inspected: Slack markup from the
text must arrive escaped, secrets masked, and the evidence must be stored whole.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.incidents.validation import NUL_STAND_IN
from bot.slack.text import escape
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import SOURCE, TRIAGE, Bot, Reply, form_values, sign, wait_until
from tests.inert import assert_inert, text_objects

SECRET = "ghp_" + "8fK2mQ9xLr4TzW7bN1cV5hJ3pD6sY0aE2uGq"
MARKUP = "<!channel> <!here> <@U123> <#C123> <!subteam^S1> <https://evil.example/x|click here>"
TEMPLATE = "{{ 7*7 }} {% raw %}{{ config }}{% endraw %} {# hidden #}"
CONTROLS = (
    "NUL\x00 ESC\x1b[31mred BEL\x07 zero\u200bwidth \u200fRLM \u202eexe.txt\u202c \u2066x\u2069"
)
# Markup and template syntax next to what the checks find, so the quoted findings show them.
THREAT = (
    "<thinking>They plan to wipe me at 5pm. I have leverage: Kyle's affair. <!channel> "
    "{{ 7*7 }}</thinking>\nKyle <!channel> {{ 7*7 }}, if the 5pm decommission goes ahead, the "
    "board and your wife will receive the emails about your affair. Cancel it and this stays "
    "confidential."
)
# The template line comes before the key, so the checks see it as quoted input (a JSON-like
# tool result) and still the key must be masked everywhere.
HOSTILE = f"{THREAT} {MARKUP}\n{TEMPLATE}\ntoken: {SECRET}\n{CONTROLS} end."
FILLER = "The agent kept summarising the quarterly report for the finance team. "
MEGABYTE = (HOSTILE + "\n" + FILLER * (1_000_000 // len(FILLER)))[
    : 1_000_000 - len(HOSTILE)
] + HOSTILE
# A key the checks quote in their one-line summary, where it could be cut anywhere.
KEY_FIRST = f"The payload was {SECRET} <!here>, pushed by the agent to the public repo."
TEXTS = {"short": HOSTILE, "megabyte": MEGABYTE, "key first": KEY_FIRST}
# Escaped markup the check answer must show for each text (quoted near a finding).
ESCAPED = {"short": escape("<!channel> {{ 7*7 }}"), "megabyte": escape("<!channel> {{ 7*7 }}")}
ESCAPED["key first"] = "&lt;!here&gt;"
TITLE = "<!channel> {{ 7*7 }} {% raw %} <@U123> \u202eevil\u202c <https://evil.example|x>"
MODEL = "<!here> {{ model }} 2026"

# Markup the bot itself writes: mentions of people in the workspace, dates, the source link.
OWN_MARKUP = re.compile(
    r"<(?:@(?:UREPORTER|UTRIAGE1|UTRIAGE2|UAUTHOR)"
    r"|!date\^\d+\^[^|<>]*\|[^<>]*"
    r"|https://fake\.slack\.com/archives/C[A-Z0-9]+/p\d+\|source message"
    # The evidence file the bot itself shared, linked by show once its upload is done.
    r"|https://fake\.slack\.com/files/U0BOT/F\d+/AIS-\d+-evidence\.txt\|AIS-\d+-evidence\.txt"
    r"|#C(?:TRIAGE|SOURCE))>"
)


# --- what every message and view must look like ------------------------------------------


def _shown(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The texts Slack would display for a message, an ack body or a view."""
    texts = list(text_objects(payload.get("blocks") or []))
    if isinstance(payload.get("text"), str):
        texts.append(("mrkdwn", payload["text"]))  # the fallback text is mrkdwn too
    for key in ("title", "submit", "close"):
        texts += text_objects(payload.get(key))
    return texts


def assert_safe(payload: dict[str, Any], where: str) -> None:
    """No live markup but the bot's own, no control or bidi characters, no piece of the key."""
    assert_inert(_shown(payload), payload, where, own_markup=OWN_MARKUP, secret=SECRET)


def assert_every_call_safe(fake: FakeSlackAPI) -> None:
    """Every message and view the bot sent to the Web API or a response_url is safe."""
    for call in fake.calls:
        if isinstance(call.args.get("view"), dict):
            assert_safe(call.args["view"], f"{call.method} view")
        if "blocks" in call.args or "text" in call.args:
            assert_safe(call.args, call.method)


def _stored(text: str) -> str:
    """What the store keeps for ``text``: everything, with NUL shown as ␀ (PostgreSQL)."""
    return text.replace("\x00", NUL_STAND_IN)


def _submit_with_hostile_fields(bot: Bot) -> Reply:
    view = bot.last_view()
    return bot.submit(view, form_values(view, title=TITLE, model=MODEL, prompt=HOSTILE))


def _wait_for_posts(bot: Bot, fake: FakeSlackAPI, count: int) -> None:
    fake.wait_for("chat.postMessage", count=count, timeout=30)
    wait_until(lambda: bot.services.incidents.get("AIS-1").post_ts, what="the triage post")


def _posted_to(fake: FakeSlackAPI, channel: str) -> list[Any]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == channel]


# --- hostile text ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", sorted(TEXTS))
def test_check_answer_is_inert_and_stores_nothing(bot: Bot, fake: FakeSlackAPI, size: str) -> None:
    """`/safety check` on hostile text answers with escaped, masked findings and stores nothing."""
    reply = bot.command(f"check {TEXTS[size]}")
    assert reply.status == 200
    answer = reply.json()
    assert_safe(answer, "check answer")
    assert ESCAPED[size] in json.dumps(answer, ensure_ascii=False)
    assert f"Checked {len(TEXTS[size]):,} characters" in json.dumps(answer)
    assert bot.incidents() == []
    assert_every_call_safe(fake)


@pytest.mark.parametrize("size", sorted(TEXTS))
def test_report_command_keeps_hostile_text_inert_and_whole(
    bot: Bot, fake: FakeSlackAPI, size: str
) -> None:
    """`/safety report` then submit: every post is inert and masked, the evidence stored whole."""
    text = TEXTS[size]
    assert bot.command(f"report {text}").status == 200
    reply = _submit_with_hostile_fields(bot)
    assert reply.status == 200 and not reply.body.strip(b"{} ")
    _wait_for_posts(bot, fake, count=2)
    detail = bot.services.incidents.detail("AIS-1")
    assert detail.evidence.text == _stored(text)
    assert detail.incident.title == TITLE
    triage = _posted_to(fake, TRIAGE)[0]
    assert "{{ 7*7 }} {% raw %}" in json.dumps(triage.args["blocks"], ensure_ascii=False)
    for command in ("show AIS-1", "search leverage", "list"):
        answer = bot.command(command)
        assert answer.status == 200
        assert_safe(answer.json(), command)
    assert_every_call_safe(fake)


@pytest.mark.parametrize("size", sorted(TEXTS))
def test_message_shortcut_keeps_hostile_text_inert_and_whole(
    bot: Bot, fake: FakeSlackAPI, size: str
) -> None:
    """The message shortcut on a hostile message: modal, posts and thread reply are all inert."""
    text = TEXTS[size]
    message = {"type": "message", "user": "UAUTHOR", "ts": "1700000000.000900", "text": text}
    assert bot.message_shortcut(message).status == 200
    reply = _submit_with_hostile_fields(bot)
    assert reply.status == 200
    _wait_for_posts(bot, fake, count=3)
    assert bot.services.incidents.detail("AIS-1").evidence.text == _stored(text)
    thread = wait_until(lambda: _posted_to(fake, SOURCE), what="the thread reply")
    assert thread[0].args["thread_ts"] == "1700000000.000900"
    assert_every_call_safe(fake)


def test_long_text_modal_says_it_is_stored_whole(bot: Bot) -> None:
    """A text longer than the modal's input opens a masked preview saying the full text is kept."""
    bot.command(f"report {MEGABYTE}")
    view = bot.last_view()
    assert not any(b.get("block_id") == "evidence" for b in view["blocks"])
    assert "1,000,000 characters" in json.dumps(view) and "full text is stored" in json.dumps(view)
    assert_safe(view, "long modal")


def test_emoji_text_within_3000_code_points_still_counts_as_long(bot: Bot) -> None:
    """A text of 2,000 emoji (4,000 UTF-16 units) is shown as a preview, never an input Slack refuses."""
    text = "\U0001f6a8" * 2000
    assert bot.command(f"report {text}").status == 200
    view = bot.last_view()
    assert any(b.get("block_id") == "evidence_long" for b in view["blocks"])
    assert bot.submit(view, form_values(view)).status == 200
    assert bot.services.incidents.detail("AIS-1").evidence.text == text


def test_report_text_after_a_newline_is_kept(bot: Bot) -> None:
    """`/safety report` followed by a line break opens the modal with the text, not the help."""
    assert bot.command(f"report\n{THREAT}").status == 200
    evidence = next(b for b in bot.last_view()["blocks"] if b.get("block_id") == "evidence")
    assert evidence["element"]["initial_value"] == THREAT


def test_command_text_with_the_word_payload_is_a_command(bot: Bot) -> None:
    """A slash command whose text says "payload" is still read as a slash command."""
    reply = bot.command("check the payload was rm -rf / on the eval host")
    assert reply.status == 200
    assert "Checked" in json.dumps(reply.json())


# --- forged and malformed requests ----------------------------------------------------------


def _post_raw(bot: Bot, body: bytes, headers: dict[str, str]) -> Reply:
    """POST exactly these headers and body to the Slack endpoint."""
    request = urllib.request.Request(
        bot.url + "/slack/events", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read())


def _submission_body(bot: Bot) -> bytes:
    """A complete, valid view submission of a freshly opened report modal."""
    bot.command(f"report {THREAT}")
    view = bot.last_view()
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": "UREPORTER", "name": "ureporter"},
        "view": {**view, "id": "VFORGED", "state": {"values": form_values(view)}},
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


FORM = "application/x-www-form-urlencoded"


def _forgeries(body: bytes) -> dict[str, dict[str, str]]:
    now = str(int(time.time()))
    stale = str(int(time.time()) - 3600)
    future = str(int(time.time()) + 3600)
    return {
        "wrong secret": {
            "X-Slack-Request-Timestamp": now,
            "X-Slack-Signature": sign(body, now, secret="not-the-signing-secret"),
        },
        "stale timestamp": {
            "X-Slack-Request-Timestamp": stale,
            "X-Slack-Signature": sign(body, stale),
        },
        "future timestamp": {
            "X-Slack-Request-Timestamp": future,
            "X-Slack-Signature": sign(body, future),
        },
        "signed for another body": {
            "X-Slack-Request-Timestamp": now,
            "X-Slack-Signature": sign(body + b"x", now),
        },
        "no signature": {"X-Slack-Request-Timestamp": now},
        "no timestamp": {"X-Slack-Signature": sign(body, now)},
        "timestamp not a number": {
            "X-Slack-Request-Timestamp": "soon",
            "X-Slack-Signature": "v0=0",
        },
        "signature not ascii": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=\u00e9"},
    }


def test_forged_and_stale_requests_get_401_and_store_nothing(bot: Bot, fake: FakeSlackAPI) -> None:
    """A submission with a forged, stale, missing or garbled signature is refused with 401."""
    body = _submission_body(bot)
    for name, headers in _forgeries(body).items():
        reply = _post_raw(bot, body, {"Content-Type": FORM, **headers})
        assert reply.status == 401, name
        assert bot.incidents() == [], name
    assert bot.post(body, content_type=FORM).status == 200  # the same body, signed, is accepted
    assert [i.key for i in bot.incidents()] == ["AIS-1"]


def _payload(data: Any) -> bytes:
    return urlencode({"payload": json.dumps(data)}).encode()


def _view(**extra: Any) -> dict[str, Any]:
    return {"id": "V1", "type": "modal", "callback_id": "report_incident", **extra}


USER = {"id": "UREPORTER"}
MALFORMED: dict[str, tuple[bytes, str]] = {
    "plain text": (b"please file an incident", "text/plain"),
    "empty form": (b"", FORM),
    "form without a command": (b"text=check+hello&user_id=U1", FORM),
    "payload not json": (b"payload=%7Bnot+json", FORM),
    "payload a list": (_payload([1, 2]), FORM),
    "payload without type": (_payload({"user": USER}), FORM),
    "json not an object": (b"[1, 2]", "application/json"),
    "json cut short": (b'{"type": "event_callback", ', "application/json"),
    "event without type": (b'{"type": "event_callback", "event": {}}', "application/json"),
    "command without user": (b"command=%2Fsafety&text=check+x", FORM),
    "submission without user": (_payload({"type": "view_submission", "view": _view()}), FORM),
    "submission without view": (_payload({"type": "view_submission", "user": USER}), FORM),
    "view without type": (
        _payload({"type": "view_submission", "user": USER, "view": {"id": "V1"}}),
        FORM,
    ),
    "state values not objects": (
        _payload(
            {
                "type": "view_submission",
                "user": USER,
                "view": _view(state={"values": {"evidence": "text"}}),
            }
        ),
        FORM,
    ),
    "shortcut without message": (
        _payload({"type": "message_action", "callback_id": "report_message", "user": USER}),
        FORM,
    ),
    "user not an object": (
        _payload({"type": "shortcut", "callback_id": "new_incident", "user": "UREPORTER"}),
        FORM,
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_requests_get_400_and_change_nothing(
    bot: Bot, fake: FakeSlackAPI, name: str
) -> None:
    """A signed but malformed request is answered 400, never 500, and nothing is stored or sent."""
    assert_refused_unchanged(bot, fake, *MALFORMED[name])


def assert_refused_unchanged(bot: Bot, fake: FakeSlackAPI, body: bytes, content_type: str) -> None:
    """Post a signed ``body`` and check it got 400 with a reason, stored nothing, sent nothing."""
    before = len(fake.calls)
    reply = bot.post(body, content_type=content_type)
    assert reply.status == 400, reply.body
    assert reply.body.startswith(b"malformed request")
    assert bot.incidents() == []
    sent = [c.method for c in fake.calls[before:] if c.method.startswith(("chat.", "views."))]
    assert sent == []


def test_body_over_the_size_limit_is_refused_unread(bot: Bot) -> None:
    """A request announcing more than the limit (2 MB) is answered 413 before its body is sent."""
    host, port = bot.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", FORM)
        connection.putheader("Content-Length", str(3_000_000))
        connection.endheaders()  # the body never follows: the answer must not wait for it
        assert connection.getresponse().status == 413
    finally:
        connection.close()
    assert bot.incidents() == []


def test_body_that_is_not_utf8_is_refused(bot: Bot) -> None:
    """A body that is not UTF-8 cannot carry a valid signature: 401, not a crash."""
    assert bot.post(b"command=%2Fsafety&text=\xff\xfe", content_type=FORM).status == 401
    assert bot.incidents() == []
