"""What the playground added to the fake Web API, kept backward compatible."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.testing.fake_slack import BOT_ID, BOT_USER, FakeSlackAPI, SlackError


def test_root_can_be_another_servers() -> None:
    """With `root`, URLs point at the server that serves the fake, without starting its own."""
    fake = FakeSlackAPI(root="http://127.0.0.1:3000/")
    assert fake.url == "http://127.0.0.1:3000/api/"
    assert fake.response_url("r1") == "http://127.0.0.1:3000/response_url/r1"


def test_handle_request_routes_paths_like_the_threaded_server() -> None:
    """`handle_request` answers /api/METHOD and /response_url/NAME; other paths are 404."""
    fake = FakeSlackAPI(tokens=("xoxb-t",))
    fake.add_channel("C1")
    ok = fake.handle_request(
        "/api/chat.postMessage?channel=C1",
        b"text=hi",
        {"content-type": "application/x-www-form-urlencoded", "authorization": "Bearer xoxb-t"},
    )
    assert ok.status == 200 and ok.body["ok"] and ok.body["channel"] == "C1"
    assert fake.handle_request("/elsewhere", b"", {}).status == 404
    assert (
        fake.handle_request("/api/auth.test", b"{", {"content-type": "application/json"}).body[
            "error"
        ]
        == "invalid_json"
    )
    posted = fake.handle_request(
        "/response_url/r9", json.dumps({"text": "x"}).encode(), {"content-type": "application/json"}
    )
    assert posted.body["ok"] and fake.calls[-1].args["response_url_name"] == "r9"


def test_messages_record_their_author_and_edits() -> None:
    """Bot posts carry the bot's ids; people's posts theirs; updates mark the message edited; delete removes."""
    with FakeSlackAPI() as fake:
        fake.add_channel("C1")
        fake.add_user("U1")
        client = WebClient(base_url=fake.url, token="xoxb-test")
        ts = client.chat_postMessage(channel="C1", text="hi")["ts"]
        assert (
            fake.messages[("C1", ts)]["user"] == BOT_USER
            and fake.messages[("C1", ts)]["bot_id"] == BOT_ID
        )
        mine = fake.post_message("C1", user="U1", text="me", thread_ts=ts)
        assert fake.messages[("C1", mine)] == {
            "ts": mine,
            "text": "me",
            "blocks": [],
            "thread_ts": ts,
            "user": "U1",
        }
        fake.update_message("C1", mine, text="edited")
        assert fake.messages[("C1", mine)]["edited"] is True
        client.chat_delete(channel="C1", ts=ts)
        assert ("C1", ts) not in fake.messages
        with pytest.raises(SlackApiError, match="message_not_found"):
            client.chat_delete(channel="C1", ts=ts)
        with pytest.raises(SlackError):
            fake.update_message("C1", "9.9", text="x")
        assert fake.calls_since(1)[0].method == "chat.delete"


def test_put_view_validates_and_dm_channel_is_stable() -> None:
    """`put_view` refuses what Slack refuses; a user's DM channel id is the same every time."""
    fake = FakeSlackAPI()
    fake.add_user("U1")
    stored = fake.put_view(
        {
            "type": "modal",
            "title": {"type": "plain_text", "text": "T"},
            "blocks": [{"type": "divider"}],
        }
    )
    assert stored["id"] in fake.views and stored["hash"]
    with pytest.raises(SlackError):
        fake.put_view(
            {
                "type": "modal",
                "title": {"type": "plain_text", "text": "x" * 30},
                "blocks": [{"type": "divider"}],
            }
        )
    assert fake.dm_channel("U1") == fake.dm_channel("U1") == "D1"
