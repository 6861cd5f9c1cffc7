"""What only a Slack client knows: response_url routing, ephemeral messages, modal stacks."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.playground.workspace import load_workspace, seed
from bot.playground.world import Route, World
from bot.testing.fake_slack import FakeSlackAPI

TOKEN = "xoxb-test"


@pytest.fixture
def world() -> Iterator[World]:
    """A started fake seeded with the demo workspace, and the world over it."""
    fake = FakeSlackAPI(tokens=(TOKEN,))
    seed(fake, load_workspace())
    with fake:
        yield World(fake, load_workspace())


def _respond(world: World, url: str, **body: Any) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["ok"]
    world.sync()


def test_command_response_is_ephemeral_unless_in_channel(world: World) -> None:
    """A response_url post is shown only to the person; `in_channel` posts it for everyone."""
    url = world.response_url(Route(channel="C0GENERAL", user="U0ALICE"))
    _respond(world, url, text="just you")
    assert [(e.user, e.text) for e in world.ephemerals] == [("U0ALICE", "just you")]
    before = len(world.fake.messages)
    _respond(world, url, text="everyone", response_type="in_channel")
    assert len(world.fake.messages) == before + 1


def test_replace_and_delete_original(world: World) -> None:
    """From a message's button, a response replaces the message by default and can delete it."""
    ts = world.fake.post_message("C0GENERAL", user="U0BEN", text="original")
    url = world.response_url(Route(channel="C0GENERAL", user="U0ALICE", source_ts=ts))
    _respond(world, url, text="replaced")
    assert world.fake.messages[("C0GENERAL", ts)]["text"] == "replaced"
    _respond(world, url, text="aside", response_type="ephemeral", replace_original=False)
    assert (
        world.fake.messages[("C0GENERAL", ts)]["text"] == "replaced"
        and world.ephemerals[-1].text == "aside"
    )
    _respond(world, url, delete_original=True)
    assert ("C0GENERAL", ts) not in world.fake.messages


def test_ephemeral_source_is_replaced_in_place(world: World) -> None:
    """A button on an ephemeral message replaces that ephemeral message, not a channel message."""
    note = world.add_ephemeral(Route(channel="C0GENERAL", user="U0ALICE"), text="old")
    url = world.response_url(Route(channel="C0GENERAL", user="U0ALICE", ephemeral_id=note.id))
    _respond(world, url, text="new", replace_original=True)
    assert [e.text for e in world.ephemerals] == ["new"]


def test_views_open_and_push_build_the_trigger_owners_stack(world: World) -> None:
    """A modal opened with someone's trigger goes on their stack; push adds; open starts over."""
    client = WebClient(base_url=world.fake.url, token=TOKEN)
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "T"},
        "blocks": [{"type": "divider"}],
    }
    opened = client.views_open(trigger_id=world.trigger_for("U0ALICE"), view=view)
    pushed = client.views_push(trigger_id=world.trigger_for("U0ALICE"), view=view)
    world.sync()
    assert [m.view_id for m in world.stack("U0ALICE")] == [
        opened["view"]["id"],
        pushed["view"]["id"],
    ]
    assert world.stack("U0BEN") == []
    again = client.views_open(trigger_id=world.trigger_for("U0ALICE"), view=view)
    world.sync()
    assert [m.view_id for m in world.stack("U0ALICE")] == [again["view"]["id"]]


def test_bot_ephemeral_and_failed_calls_are_recorded(world: World) -> None:
    """chat.postEphemeral shows to its user in the DM or channel; a refused call is a bad log line."""
    client = WebClient(base_url=world.fake.url, token=TOKEN)
    client.chat_postEphemeral(channel="C0GENERAL", user="U0BEN", text="psst")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="CNOPE", text="x")
    world.sync()
    assert [(e.channel, e.user, e.text) for e in world.ephemerals] == [
        ("C0GENERAL", "U0BEN", "psst")
    ]
    bad = [e for e in world.log if not e.ok]
    assert bad and "channel_not_found" in bad[-1].detail
