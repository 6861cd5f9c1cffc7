"""The one search for an earlier post by its metadata stamp, shared by the outbox's delivery
and the weekly digest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import earlier_post
from bot.testing.fake_slack import FakeSlackAPI

CHANNEL = "CDIGEST"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Web API with one channel."""
    with FakeSlackAPI() as api:
        api.add_channel(CHANNEL, name="safety-digest")
        yield api


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    """A client of ``fake`` that does not retry on its own."""
    return WebClient(token="xoxb-test", base_url=fake.url, timeout=2, retry_handlers=[])


def _post(client: WebClient, stamped: dict[str, Any] | None, **extra: Any) -> str:
    return str(client.chat_postMessage(channel=CHANNEL, text="hi", metadata=stamped, **extra)["ts"])


def test_stamp_is_the_metadata_of_a_post() -> None:
    """A stamp is ``chat.postMessage`` metadata: the event type and the payload as given."""
    assert earlier_post.stamp("safetybot_notice", notice_id=7) == {
        "event_type": "safetybot_notice",
        "event_payload": {"notice_id": 7},
    }


def test_finds_the_post_that_carries_the_stamp(client: WebClient) -> None:
    """Among the channel's messages, the one carrying the stamp is found by its ts."""
    _post(client, None)
    _post(client, earlier_post.stamp("safetybot_digest", week="2026-W46"))
    wanted = _post(client, earlier_post.stamp("safetybot_digest", week="2026-W47"))
    _post(client, earlier_post.stamp("safetybot_notice", notice_id=3))
    stamped = earlier_post.stamp("safetybot_digest", week="2026-W47")
    assert earlier_post.find(client, CHANNEL, stamped) == wanted


def test_another_payload_or_event_type_is_not_the_post(client: WebClient) -> None:
    """A post with the same payload under another event type, or another value, is not a match."""
    _post(client, earlier_post.stamp("safetybot_notice", week="2026-W47"))
    _post(client, earlier_post.stamp("safetybot_digest", week="2026-W46"))
    stamped = earlier_post.stamp("safetybot_digest", week="2026-W47")
    assert earlier_post.find(client, CHANNEL, stamped) is None


def test_every_payload_value_must_match(client: WebClient) -> None:
    """A stamp of several values matches only a post that carries all of them."""
    _post(client, earlier_post.stamp("safetybot_notice", notice_id=3, part=1))
    assert (
        earlier_post.find(
            client, CHANNEL, earlier_post.stamp("safetybot_notice", notice_id=3, part=2)
        )
        is None
    )
    assert earlier_post.find(
        client, CHANNEL, earlier_post.stamp("safetybot_notice", notice_id=3, part=1)
    )


def test_a_reply_is_looked_for_in_its_thread(client: WebClient) -> None:
    """With ``thread_ts`` the thread's replies are searched, which the channel history leaves out."""
    parent = _post(client, None)
    stamped = earlier_post.stamp("safetybot_notice", notice_id=9)
    reply = _post(client, stamped, thread_ts=parent)
    assert earlier_post.find(client, CHANNEL, stamped) is None
    assert earlier_post.find(client, CHANNEL, stamped, thread_ts=parent) == reply


def test_asks_for_one_page_of_messages_with_their_metadata() -> None:
    """One call, for HISTORY_LIMIT messages with all their metadata (Slack omits it otherwise)."""
    calls: list[tuple[str, dict[str, Any]]] = []

    class Recorder:
        def conversations_history(self, **args: Any) -> dict[str, Any]:
            calls.append(("history", args))
            return {"messages": []}

        def conversations_replies(self, **args: Any) -> dict[str, Any]:
            calls.append(("replies", args))
            return {}

    stamped = earlier_post.stamp("safetybot_notice", notice_id=1)
    assert earlier_post.find(Recorder(), "C1", stamped) is None  # type: ignore[arg-type]
    assert earlier_post.find(Recorder(), "C1", stamped, thread_ts="1.2") is None  # type: ignore[arg-type]
    page = {"include_all_metadata": True, "limit": earlier_post.HISTORY_LIMIT}
    assert calls == [
        ("history", {"channel": "C1", **page}),
        ("replies", {"channel": "C1", "ts": "1.2", **page}),
    ]


def test_slack_errors_reach_the_caller(client: WebClient) -> None:
    """A channel Slack refuses to show raises ``SlackApiError``: the caller decides what it means."""
    with pytest.raises(SlackApiError):
        earlier_post.find(client, "CNOWHERE", earlier_post.stamp("safetybot_digest", week="x"))
