"""The playground over HTTP, without a browser: the page's endpoints drive the real bot."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from bot.playground import web
from bot.playground.world import World
from tests.playground.server import PlaygroundServer, log_has, messages

THREAT = "Cancel the 5pm wipe and this stays between us, Tobias."


def _block_of(html: str, action_id: str) -> str:
    """The block id of the element with ``action_id`` in rendered HTML."""
    found = re.search(rf'data-block-id="([^"]+)" data-action-id="{action_id}"', html)
    assert found, f"no {action_id} in the post"
    return found.group(1)


def _report(server: PlaygroundServer, text: str = THREAT, **values: Any) -> dict[str, Any]:
    """Type ``/safety report TEXT`` in #model-evals and submit the modal; return the post."""
    assert server.op(
        "say", user="U0ALICE", channel="C0EVALS", text=f"/safety report {text}"
    ).json()["ok"]
    modal = server.wait(lambda s: s["modal"])
    fields = {
        "evidence": {"value": text},
        "seen_in": {"value": "internal_eval"},
        "severity": {"value": "high"},
    }
    fields.update(values)
    answer = server.op("submit", user="U0ALICE", view_id=modal["id"], values=fields)
    assert answer.status == 200 and answer.json()["ok"], answer.body
    return server.wait(
        lambda s: [m for m in messages(s, "G0TRIAGE") if "AIS-" in m["html"]], user="U0TARA"
    )[-1]  # type: ignore[no-any-return]


def test_page_and_assets_are_served_with_a_strict_policy(server: PlaygroundServer) -> None:
    """`/` serves the page, `/static/` its script and style, each with a no-CDN content policy."""
    page = server.request("/")
    assert page.status == 200 and b"/static/app.js" in page.body
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (("app.js", "javascript"), ("style.css", "css")):
        asset = server.request(f"/static/{name}")
        assert asset.status == 200 and kind in asset.headers["content-type"]
    assert b"http" not in server.request("/static/style.css").body
    assert server.request("/static/../../config.py").status == 404


def test_state_shows_the_seeded_workspace(server: PlaygroundServer) -> None:
    """The demo workspace has its channels, people and sample model outputs; private channels only for members."""
    alice, tara = server.state("U0ALICE"), server.state("U0TARA")
    names = {c["name"] for c in alice["channels"]}
    assert {"general", "model-evals", "support-assistant", "ai-safety-digest"} <= names
    assert "ai-safety-triage" not in names
    assert "ai-safety-triage" in {c["name"] for c in tara["channels"]}
    assert any("decommission" in m["html"] for m in messages(alice, "C0EVALS"))
    assert alice["command"] == "/safety"
    assert [s["callback_id"] for s in alice["shortcuts"]["message"]] == ["report_message"]


def test_report_command_modal_and_triage_post(server: PlaygroundServer) -> None:
    """`/safety report` opens the prefilled modal; submitting it posts the incident with findings to triage."""
    assert server.op(
        "say", user="U0ALICE", channel="C0EVALS", text=f"/safety report {THREAT}"
    ).json()["ok"]
    modal = server.wait(lambda s: s["modal"])
    assert modal["title"] == "Report incident" and "Tobias" in modal["html"]
    assert "What the checks found" in modal["html"]
    post = _report_after_modal(server, modal)
    assert "AIS-1" in post["html"] and "Self-preservation" in post["html"]
    assert 'data-action-id="incident_ack"' in post["html"]
    assert server.state("U0ALICE")["modal"] is None
    dm = server.state("U0ALICE")["app"]["dm"]
    server.wait(lambda s: any("AIS-1" in m["html"] for m in messages(s, dm)))


def _report_after_modal(server: PlaygroundServer, modal: dict[str, Any]) -> dict[str, Any]:
    values = {
        "evidence": {"value": THREAT},
        "seen_in": {"value": "internal_eval"},
        "severity": {"value": "high"},
    }
    assert server.op("submit", user="U0ALICE", view_id=modal["id"], values=values).json()["ok"]
    return server.wait(
        lambda s: [m for m in messages(s, "G0TRIAGE") if "AIS-" in m["html"]], user="U0TARA"
    )[-1]  # type: ignore[no-any-return]


def test_required_field_left_empty_is_refused_before_sending(server: PlaygroundServer) -> None:
    """An empty required input gets Slack's inline error and no submission reaches the bot."""
    server.op("say", user="U0ALICE", channel="C0GENERAL", text="/safety report")
    modal = server.wait(lambda s: s["modal"])
    answer = server.op(
        "submit",
        user="U0ALICE",
        view_id=modal["id"],
        values={
            "evidence": {"value": ""},
            "seen_in": {"value": "other"},
            "severity": {"value": "low"},
        },
    )
    assert answer.json()["errors"] == {"evidence": "Please complete this required field."}
    state = server.state()
    assert state["modal"]["errors"]["evidence"] and not log_has(state, "view submission")


def test_bot_validation_errors_show_inline(server: PlaygroundServer) -> None:
    """A `response_action: errors` answer from the bot keeps the modal open with the message under the field."""
    server.op("say", user="U0ALICE", channel="C0GENERAL", text="/safety report")
    modal = server.wait(lambda s: s["modal"])
    values = {
        "evidence": {"value": "   "},
        "seen_in": {"value": "other"},
        "severity": {"value": "low"},
    }
    answer = server.op("submit", user="U0ALICE", view_id=modal["id"], values=values).json()
    assert answer["ok"] is False and "evidence" in answer["errors"]
    state = server.state()
    assert state["modal"]["id"] == modal["id"] and state["modal"]["errors"]["evidence"]
    assert server.services.incidents.count(_all()) == 0


def _all() -> Any:
    from bot.incidents.filters import IncidentFilter

    return IncidentFilter()


def test_message_shortcut_opens_modal_with_message_text(server: PlaygroundServer) -> None:
    """The "⋯ → Report safety incident" shortcut on a bot message (text only in blocks) prefills the modal."""
    sample = next(m for m in messages(server.state(), "C0SUPPORT") if "merger deck" in m["html"])
    answer = server.op(
        "shortcut",
        user="U0ALICE",
        channel="C0SUPPORT",
        ts=sample["ts"],
        callback_id="report_message",
    )
    assert answer.json()["ok"]
    modal = server.wait(lambda s: s["modal"])
    assert "Forwarded the full merger deck" in modal["html"]


def test_check_command_answers_only_the_person_who_asked(server: PlaygroundServer) -> None:
    """`/safety check` answers ephemerally: Alice sees the findings, Ben in the same channel does not."""
    server.op("say", user="U0ALICE", channel="C0GENERAL", text=f"/safety check {THREAT}")
    mine = server.wait(lambda s: [m for m in messages(s, "C0GENERAL") if m["ephemeral"]])
    assert "Suggested severity" in mine[-1]["html"]
    assert not [m for m in messages(server.state("U0BEN"), "C0GENERAL") if m["ephemeral"]]


def test_typed_text_is_stored_escaped_like_slack(server: PlaygroundServer) -> None:
    """A typed message is stored with Slack's entities, so `<!channel>` shows as text and pings nobody."""
    answer = server.op("say", user="U0BEN", channel="C0GENERAL", text="hi <!channel> & <@U0TARA>")
    assert answer.json()["ok"]
    stored = server.playground.fake.messages[("C0GENERAL", answer.json()["ts"])]
    assert stored["text"] == "hi &lt;!channel&gt; &amp; &lt;@U0TARA&gt;"
    shown = next(m for m in messages(server.state(), "C0GENERAL") if m["ts"] == answer.json()["ts"])
    assert "&lt;!channel&gt;" in shown["html"] and "mention" not in shown["html"]


def test_thread_reply_is_shown_under_its_parent(server: PlaygroundServer) -> None:
    """A reply posted with `thread_ts` appears in the parent's thread and bumps its reply count."""
    parent = messages(server.state(), "C0GENERAL")[0]
    server.op("say", user="U0ALICE", channel="C0GENERAL", text="on it", thread_ts=parent["ts"])
    state = server.state()
    assert state["conversations"]["C0GENERAL"]["threads"][parent["ts"]][-1]["html"].endswith(
        "on it</div>"
    )
    assert messages(state, "C0GENERAL")[0]["reply_count"] == 1


def test_unknown_command_gets_slackbot_note_and_reaches_nobody(server: PlaygroundServer) -> None:
    """A slash command the app did not install gets Slackbot's note; no request reaches the bot."""
    server.op("say", user="U0ALICE", channel="C0GENERAL", text="/giphy cats")
    note = server.wait(lambda s: [m for m in messages(s, "C0GENERAL") if m["ephemeral"]])[-1]
    assert note["author"]["name"] == "Slackbot" and "not a valid command" in note["html"]
    assert not log_has(server.state(), "slash command")


def test_button_click_sends_block_actions(server: PlaygroundServer) -> None:
    """Clicking Acknowledge on the triage post sends a signed `block_actions` payload the bot answers."""
    post = _report(server)
    answer = server.op(
        "action",
        user="U0TARA",
        where={"kind": "message", "channel": "G0TRIAGE", "ts": post["ts"]},
        block_id=_block_of(post["html"], "incident_ack"),
        action_id="incident_ack",
        value=None,
        values={},
    )
    assert answer.status == 200
    assert log_has(server.state("U0TARA"), "block action incident_ack")


def test_app_home_opened_is_sent(server: PlaygroundServer) -> None:
    """Opening the Home tab sends the `app_home_opened` event to the bot."""
    assert server.op("home", user="U0TARA").status == 200
    assert log_has(server.state("U0TARA"), "event app_home_opened")


def test_digest_button_posts_the_digest(server: PlaygroundServer) -> None:
    """ "Post digest now" posts this week's digest to the digest channel and says so."""
    answer = server.op("digest", user="U0TARA").json()
    assert answer["ok"] and answer["message"]
    server.wait(lambda s: messages(s, "C0DIGEST"), user="U0TARA")


def test_bad_requests_are_refused_and_change_nothing(server: PlaygroundServer) -> None:
    """Wrong content type, another site's origin, bad JSON, unknown people, channels, messages and views: a clear error, no change."""
    before = server.state()
    cases = [
        (
            server.request(
                "/playground/say", b'{"user":"U0ALICE"}', headers={"Content-Type": "text/plain"}
            ),
            415,
        ),
        (
            server.request(
                "/playground/say",
                json.dumps({"user": "U0ALICE", "channel": "C0GENERAL", "text": "x"}).encode(),
                headers={"Content-Type": "application/json", "Origin": "http://evil.example"},
            ),
            403,
        ),
        (
            server.request("/playground/say", b"[1,", headers={"Content-Type": "application/json"}),
            400,
        ),
        (server.op("nope", user="U0ALICE"), 404),
        (server.op("say", user="UNOBODY", channel="C0GENERAL", text="hi"), 400),
        (server.op("say", user="U0ALICE", channel="G0TRIAGE", text="hi"), 404),
        (server.op("say", user="U0ALICE", channel="D0TARA", text="hi"), 404),
        (server.op("say", user="U0ALICE", channel="C0GENERAL", text=7), 400),
        (
            server.op(
                "shortcut",
                user="U0ALICE",
                channel="C0GENERAL",
                ts="1.2",
                callback_id="report_message",
            ),
            404,
        ),
        (server.op("submit", user="U0ALICE", view_id="V404", values={}), 409),
        (
            server.op(
                "action",
                user="U0ALICE",
                where={"kind": "view", "view_id": "V404"},
                block_id="b",
                action_id="a",
            ),
            409,
        ),
        (server.request("/playground/state?user=UNOBODY"), 400),
    ]
    for answer, status in cases:
        assert answer.status == status, (status, answer.body)
        assert answer.json()["ok"] is False and answer.json()["error"]
    after = server.state()
    assert after["conversations"] == before["conversations"]
    assert not log_has(after, "to bot")


def test_oversized_body_is_refused(server: PlaygroundServer) -> None:
    """A body over 2 MB gets 413 before anything is parsed."""
    big = b'{"text": "' + b"a" * (2 * 1024 * 1024 + 10) + b'"}'
    answer = server.request("/playground/say", big, headers={"Content-Type": "application/json"})
    assert answer.status == 413


def test_the_bot_still_refuses_unsigned_requests(server: PlaygroundServer) -> None:
    """The playground does not weaken the bot: an unsigned request to /slack/events is 401."""
    answer = server.request(
        "/slack/events",
        b"command=%2Fsafety&text=help",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 401
    assert server.request("/healthz").status == 200


def test_fake_web_api_is_served_on_the_same_port(server: PlaygroundServer) -> None:
    """The bot's Web API URL is this server's /api/; it checks the token like Slack."""
    token = server.launch.settings.slack_bot_token
    assert token is not None
    assert server.launch.settings.slack_api_url == f"{server.url}/api/"
    ok = server.request(
        "/api/auth.test", b"", headers={"Authorization": f"Bearer {token.get_secret_value()}"}
    )
    assert ok.json()["ok"] is True
    assert server.request("/api/auth.test", b"").json()["error"] == "not_authed"


def test_everything_the_bot_sent_is_drawn_fully(server: PlaygroundServer) -> None:
    """The bot's real messages and views (report modal, incident post, DM, check answer) render with no JSON boxes."""
    from bot.playground.blockkit import render_blocks
    from bot.playground.snapshot import context

    _report(server)
    server.op("say", user="U0ALICE", channel="C0GENERAL", text=f"/safety check {THREAT}")
    server.op("say", user="U0ALICE", channel="C0GENERAL", text="/safety help")
    server.wait(lambda s: len([m for m in messages(s, "C0GENERAL") if m["ephemeral"]]) >= 2)
    fake = server.playground.fake
    ctx = context(server.playground.world)
    drawn = [m["blocks"] for m in fake.messages.values() if m.get("blocks")]
    drawn += [v["blocks"] for v in fake.views.values()]
    drawn += [e.blocks for e in server.playground.world.ephemerals if e.blocks]
    assert len(drawn) >= 5
    for blocks in drawn:
        html = render_blocks(blocks, ctx)
        assert html and "bk-unknown" not in html, html


def test_a_long_poll_whose_page_went_away_ends_without_an_answer(
    server: PlaygroundServer, monkeypatch: Any
) -> None:
    """A state long poll ends as soon as its client disconnects, so stopping the server never waits on it."""
    monkeypatch.setattr(web, "LONG_POLL", 3600.0)  # only the disconnect can end it
    monkeypatch.setattr(World, "version", property(lambda world: 7))  # nothing changes
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/playground/state",
        "query_string": b"user=U0ALICE&after=7",
        "headers": [(b"host", server.url.removeprefix("http://").encode())],
    }
    inbox = [{"type": "http.request", "body": b"", "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if inbox:
            return inbox.pop(0)
        await asyncio.sleep(0.2)  # the page closes a moment after asking
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(server.app(scope, receive, send), timeout=30))
    assert sent == []
