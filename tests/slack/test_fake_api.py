"""Tests for the fake Slack Web API, driven by a real slack_sdk WebClient."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.testing.fake_slack import FakeSlackAPI

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}
MODAL = {
    "type": "modal",
    "callback_id": "report",
    "title": {"type": "plain_text", "text": "Report"},
    "blocks": [SECTION],
}
HOME = {"type": "home", "blocks": [SECTION]}


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """A controllable clock for trigger-id expiry."""
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeSlackAPI]:
    """A started fake with one public and one private channel, two users and a group."""
    api = FakeSlackAPI(clock=clock)
    api.add_channel("C1", name="general", members=["U1", "U2"])
    api.add_channel("G1", name="triage", is_private=True)
    api.add_channel("C2", name="elsewhere", is_member=False)
    api.add_user("U1", name="alice")
    api.add_user("U2", name="bob")
    api.add_usergroup("S1", ["U1", "U2"])
    with api:
        yield api


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    """A real WebClient pointed at the fake."""
    return WebClient(base_url=fake.url, token="xoxb-test", timeout=5)


def error_of(call: Any, **kwargs: Any) -> str:
    """Call a WebClient method expecting a SlackApiError; return its ``error``."""
    with pytest.raises(SlackApiError) as info:
        call(**kwargs)
    return str(info.value.response["error"])


# ---------------------------------------------------------------- basics


def test_start_returns_local_api_url(fake: FakeSlackAPI) -> None:
    """The base URL is on 127.0.0.1 with a real port and ends in /api/."""
    assert fake.url.startswith("http://127.0.0.1:")
    assert fake.url.endswith("/api/")
    assert fake.start() == fake.url


def test_nothing_listens_before_start() -> None:
    """Constructing the fake starts no server."""
    with pytest.raises(RuntimeError):
        _ = FakeSlackAPI().url


def test_auth_test_answers_bot_identity(client: WebClient) -> None:
    """auth.test answers the fake bot's user and team."""
    assert client.auth_test()["user_id"] == "U0BOT"


def test_missing_token_is_not_authed(fake: FakeSlackAPI) -> None:
    """A request without a token gets not_authed."""
    assert error_of(WebClient(base_url=fake.url).auth_test) == "not_authed"


def test_unknown_token_is_invalid_auth(fake: FakeSlackAPI) -> None:
    """A request with an unregistered token gets invalid_auth."""
    client = WebClient(base_url=fake.url, token="xoxb-other")
    assert error_of(client.auth_test) == "invalid_auth"


def test_unknown_method(client: WebClient) -> None:
    """A method the fake does not implement answers unknown_method."""
    assert error_of(client.api_call, api_method="pins.add") == "unknown_method"


def test_calls_record_method_args_and_headers(fake: FakeSlackAPI, client: WebClient) -> None:
    """Every call is recorded with its decoded arguments and headers."""
    client.chat_postMessage(channel="C1", text="hi", blocks=[SECTION])
    (call,) = fake.calls_to("chat.postMessage")
    assert call.args == {"channel": "C1", "text": "hi", "blocks": [SECTION]}
    assert call.headers["authorization"] == "Bearer xoxb-test"
    assert call.ok and call.response["ts"]


def test_form_encoded_requests_are_decoded(fake: FakeSlackAPI, client: WebClient) -> None:
    """Form-encoded bodies and GET query strings decode like JSON bodies."""
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps([SECTION])})
    client.users_info(user="U1")
    assert fake.calls_to("users.info")[0].args == {"user": "U1"}
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [SECTION]


def test_malformed_json_is_refused(fake: FakeSlackAPI, client: WebClient) -> None:
    """A blocks argument that is not JSON gets invalid_json."""
    params = {"channel": "C1", "blocks": "[{"}
    assert error_of(client.api_call, api_method="chat.postMessage", params=params) == (
        "invalid_json"
    )


def test_malformed_arguments_get_an_error_answer(fake: FakeSlackAPI, client: WebClient) -> None:
    """Arguments of the wrong type get an error answer instead of a dropped connection."""
    body = {"channel": "C1", "ts": ["not", "a", "string"], "text": "x"}
    assert error_of(client.api_call, api_method="chat.update", json=body) == "internal_error"


def test_reset_forgets_calls(fake: FakeSlackAPI, client: WebClient) -> None:
    """reset() empties the call log."""
    client.auth_test()
    fake.reset()
    assert fake.calls == []


# ---------------------------------------------------------------- chat


def test_post_message_ts_is_unique_and_increasing(client: WebClient) -> None:
    """Each post gets a new ts, greater than the previous one, and its channel."""
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5
    assert client.chat_postMessage(channel="G1", text="x")["channel"] == "G1"


def test_post_message_to_user_opens_dm(client: WebClient) -> None:
    """Posting to a user id answers a DM channel id."""
    assert client.chat_postMessage(channel="U1", text="hi")["channel"] == "D1"


def test_post_message_requires_known_channel(client: WebClient) -> None:
    """A missing or unknown channel gets channel_not_found."""
    assert error_of(client.chat_postMessage, channel="C404", text="x") == "channel_not_found"
    assert error_of(client.api_call, api_method="chat.postMessage") == "channel_not_found"


def test_post_message_when_not_in_channel(client: WebClient) -> None:
    """Posting where the bot is not a member gets not_in_channel."""
    assert error_of(client.chat_postMessage, channel="C2", text="x") == "not_in_channel"


def test_post_message_requires_text_or_blocks(client: WebClient) -> None:
    """A post with neither text nor blocks gets no_text."""
    body = {"channel": "C1"}
    assert error_of(client.api_call, api_method="chat.postMessage", json=body) == "no_text"


def test_post_message_rejects_invalid_blocks(fake: FakeSlackAPI, client: WebClient) -> None:
    """Blocks that fail validate_blocks get invalid_blocks with the path in the messages."""
    bad = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    assert error_of(client.chat_postMessage, channel="C1", text="x", blocks=[bad]) == (
        "invalid_blocks"
    )
    messages = fake.calls[-1].response["response_metadata"]["messages"]
    assert "blocks[0].text.text: 3001 chars > 3000" in messages[0]


def test_post_message_rejects_too_much_block_text(client: WebClient) -> None:
    """Over about 12,000 characters of block text gets msg_blocks_too_long."""
    long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}
    blocks = [long] * 5
    error = error_of(client.chat_postMessage, channel="C1", text="x", blocks=blocks)
    assert error == "msg_blocks_too_long"


def test_post_ephemeral_needs_user(client: WebClient) -> None:
    """chat.postEphemeral needs channel and user and answers a message_ts."""
    assert client.chat_postEphemeral(channel="C1", user="U1", text="x")["message_ts"]
    assert error_of(client.api_call, api_method="chat.postEphemeral", json={"channel": "C1"}) == (
        "invalid_arguments"
    )


def test_update_replaces_a_stored_message(fake: FakeSlackAPI, client: WebClient) -> None:
    """chat.update edits a posted message and refuses unknown ones."""
    ts = client.chat_postMessage(channel="C1", text="old")["ts"]
    client.chat_update(channel="C1", ts=ts, text="new", blocks=[SECTION])
    assert fake.messages[("C1", ts)]["text"] == "new"
    assert error_of(client.chat_update, channel="C1", ts="1.2", text="x") == "message_not_found"


def test_update_requires_channel_and_ts(client: WebClient) -> None:
    """chat.update without ts is refused as invalid_arguments."""
    error = error_of(client.api_call, api_method="chat.update", json={"channel": "C1"})
    assert error == "invalid_arguments"


def test_get_permalink_is_built_from_channel_and_ts(client: WebClient) -> None:
    """chat.getPermalink answers a link containing the channel and the ts without its dot."""
    link = client.chat_getPermalink(channel="C1", message_ts="1700000001.000001")["permalink"]
    assert link == "https://fake.slack.com/archives/C1/p1700000001000001"


# ---------------------------------------------------------------- views


def test_views_open_with_fresh_trigger(fake: FakeSlackAPI, client: WebClient) -> None:
    """A trigger id issued by the test opens a modal and the view gets an id."""
    view = client.views_open(trigger_id=fake.issue_trigger_id(), view=MODAL)["view"]
    assert view["id"] in fake.views and view["callback_id"] == "report"


def test_views_open_rejects_expired_trigger(
    fake: FakeSlackAPI, client: WebClient, clock: FakeClock
) -> None:
    """A trigger id older than 3 seconds gets expired_trigger_id."""
    trigger_id = fake.issue_trigger_id()
    clock.now += 3.1
    assert error_of(client.views_open, trigger_id=trigger_id, view=MODAL) == "expired_trigger_id"


def test_views_open_rejects_unknown_and_reused_triggers(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    """Unknown trigger ids are invalid and a trigger id works only once."""
    assert error_of(client.views_open, trigger_id="1.2.3", view=MODAL) == "invalid_trigger_id"
    trigger_id = fake.issue_trigger_id()
    client.views_open(trigger_id=trigger_id, view=MODAL)
    assert error_of(client.views_open, trigger_id=trigger_id, view=MODAL) == "trigger_exchanged"


def test_views_open_requires_view(fake: FakeSlackAPI, client: WebClient) -> None:
    """views.open without a view is refused, naming the missing field."""
    body = {"trigger_id": fake.issue_trigger_id()}
    assert error_of(client.api_call, api_method="views.open", json=body) == "invalid_arguments"
    assert "view" in fake.calls[-1].response["response_metadata"]["messages"][0]


def test_views_open_rejects_invalid_view(fake: FakeSlackAPI, client: WebClient) -> None:
    """A modal title over 24 characters is refused with the path in the messages."""
    view = {**MODAL, "title": {"type": "plain_text", "text": "t" * 25}}
    error = error_of(client.views_open, trigger_id=fake.issue_trigger_id(), view=view)
    assert error == "invalid_arguments"
    assert (
        "title.text: 25 chars > 24" in fake.calls[-1].response["response_metadata"]["messages"][0]
    )


def test_views_update_and_push(fake: FakeSlackAPI, client: WebClient) -> None:
    """views.update replaces a view by id, checks hash, and views.push needs a trigger."""
    opened = client.views_open(trigger_id=fake.issue_trigger_id(), view=MODAL)["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)["view"]
    assert updated["id"] == opened["id"]
    stale = opened["hash"]
    assert error_of(client.views_update, view_id=opened["id"], hash=stale, view=MODAL) == (
        "hash_conflict"
    )
    assert error_of(client.views_update, view_id="V404", view=MODAL) == "not_found"
    assert client.views_push(trigger_id=fake.issue_trigger_id(), view=MODAL)["ok"]


def test_views_update_by_external_id(fake: FakeSlackAPI, client: WebClient) -> None:
    """views.update finds a view by external_id and needs some id."""
    view = {**MODAL, "external_id": "report-1"}
    opened = client.views_open(trigger_id=fake.issue_trigger_id(), view=view)["view"]
    assert client.views_update(external_id="report-1", view=view)["view"]["id"] == opened["id"]
    assert error_of(client.views_update, external_id="nope", view=view) == "not_found"
    body = {"view": MODAL}
    assert error_of(client.api_call, api_method="views.update", json=body) == "invalid_arguments"


def test_views_publish_needs_home_view(fake: FakeSlackAPI, client: WebClient) -> None:
    """views.publish accepts a home view, keeps one view id per user and refuses a modal."""
    first = client.views_publish(user_id="U1", view=HOME)["view"]
    assert first["type"] == "home"
    assert client.views_publish(user_id="U1", view=HOME)["view"]["id"] == first["id"]
    assert error_of(client.views_publish, user_id="U1", view=MODAL) == "invalid_arguments"


# ---------------------------------------------------------------- directory


def test_users_info(client: WebClient) -> None:
    """users.info answers registered users and user_not_found otherwise."""
    assert client.users_info(user="U1")["user"]["name"] == "alice"
    assert error_of(client.users_info, user="U404") == "user_not_found"


def test_conversations_info_reports_privacy(client: WebClient) -> None:
    """conversations.info tells private channels from public ones."""
    assert client.conversations_info(channel="G1")["channel"]["is_private"] is True
    assert client.conversations_info(channel="C1")["channel"]["is_private"] is False
    assert error_of(client.conversations_info, channel="C404") == "channel_not_found"


def test_members_and_usergroups(client: WebClient) -> None:
    """conversations.members and usergroups.users.list answer configured members."""
    assert client.conversations_members(channel="C1")["members"] == ["U1", "U2"]
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
    assert error_of(client.usergroups_users_list, usergroup="S404") == "no_such_subteam"


def test_response_url_posts_are_recorded(fake: FakeSlackAPI) -> None:
    """POSTs to a response_url are recorded as response_url calls with their name."""
    response = WebhookClient(fake.response_url("cmd-1")).send(text="done", replace_original=True)
    assert response.status_code == 200
    (call,) = fake.calls_to("response_url")
    assert call.args["text"] == "done" and call.args["response_url_name"] == "cmd-1"


def test_bolt_app_starts_against_the_fake(fake: FakeSlackAPI, client: WebClient) -> None:
    """A Bolt App verifies its token with auth.test against the fake and learns its bot id."""
    app = App(signing_secret="secret", client=client)
    assert app.client.base_url == fake.url
    assert fake.calls_to("auth.test")


# ---------------------------------------------------------------- faults


def test_fail_next_answers_error_count_times(fake: FakeSlackAPI, client: WebClient) -> None:
    """fail_next makes the next calls fail with the given error, then recovers."""
    fake.fail_next("chat.postMessage", error="not_in_channel", count=2)
    for _ in range(2):
        assert error_of(client.chat_postMessage, channel="C1", text="x") == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_fail_with_status_500(fake: FakeSlackAPI, client: WebClient) -> None:
    """fail_with_status answers the HTTP status the client sees."""
    fake.fail_with_status("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 500


def test_fail_with_status_429_sends_retry_after(fake: FakeSlackAPI, client: WebClient) -> None:
    """A 429 carries Retry-After so the client can back off."""
    fake.fail_with_status("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"


def test_rate_limit_retry_handler_recovers(fake: FakeSlackAPI) -> None:
    """slack_sdk's rate-limit retry handler gets through after one 429."""
    handler = RateLimitErrorRetryHandler(max_retry_count=1)
    client = WebClient(base_url=fake.url, token="xoxb-test", retry_handlers=[handler])
    fake.fail_with_status("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


def test_delay_beyond_client_timeout_times_out(fake: FakeSlackAPI) -> None:
    """A delayed method makes a client with a shorter timeout give up."""
    fake.delay("auth.test", 2)
    client = WebClient(base_url=fake.url, token="xoxb-test", timeout=1)
    with pytest.raises(TimeoutError):
        client.auth_test()


def test_fail_rate_is_reproducible_with_a_seed() -> None:
    """The same seed gives the same sequence of random failures."""

    def statuses(seed: int) -> list[int]:
        with FakeSlackAPI() as api:
            api.fail_rate(0.5, seed=seed, kinds=("429", "500"))
            client = WebClient(base_url=api.url, token="xoxb-test")
            for _ in range(20):
                with contextlib.suppress(SlackApiError):
                    client.auth_test()
            return [call.status for call in api.calls]

    first = statuses(7)
    assert first == statuses(7)
    assert {429, 500, 200} <= set(first)


def test_fail_rate_timeout_outlasts_client_timeout() -> None:
    """A timeout failure waits longer than the client's timeout, then still acts."""
    with FakeSlackAPI(client_timeout=1) as api:
        api.add_channel("C1")
        api.fail_rate(1.0, seed=1, kinds=("timeout",))
        client = WebClient(base_url=api.url, token="xoxb-test", timeout=1)
        with pytest.raises(TimeoutError):
            client.chat_postMessage(channel="C1", text="x")
        assert len(api.messages) == 1


# ---------------------------------------------------------------- waiting


def test_wait_for_returns_calls_made_from_another_thread(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    """wait_for blocks until the calls arrive and returns them."""
    thread = threading.Thread(
        target=lambda: [client.chat_postMessage(channel="C1", text=str(i)) for i in range(3)]
    )
    thread.start()
    calls = fake.wait_for("chat.postMessage", count=3)
    thread.join()
    assert [call.args["text"] for call in calls] == ["0", "1", "2"]


def test_wait_for_raises_when_calls_do_not_come(fake: FakeSlackAPI) -> None:
    """wait_for raises TimeoutError naming what it waited for."""
    with pytest.raises(TimeoutError, match=r"chat\.update"):
        fake.wait_for("chat.update", timeout=0.05)
