"""The fake Web API's external upload flow, driven by slack_sdk's ``files_upload_v2``."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.testing.fake_slack import FakeSlackAPI

CONTENT = "line one\nline two ünïcode\n" * 1_000


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A started fake with a channel the bot is in and one it is not in."""
    api = FakeSlackAPI()
    api.add_channel("G1", name="triage", is_private=True)
    api.add_channel("C2", name="elsewhere", is_member=False)
    with api:
        yield api


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    """A real WebClient pointed at the fake."""
    return WebClient(base_url=fake.url, token="xoxb-test", timeout=5)


def test_an_upload_is_shared_in_the_thread_with_its_bytes(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    """files_upload_v2 reserves, sends the bytes, completes; the fake keeps all three."""
    parent = client.chat_postMessage(channel="G1", text="post")["ts"]
    answer = client.files_upload_v2(
        channel="G1",
        thread_ts=parent,
        filename="AIS-1-evidence.txt",
        title="AIS-1 evidence",
        content=CONTENT.encode("utf-8"),
        initial_comment="the whole evidence",
    )
    [shared] = fake.shared_files()
    assert shared.content == CONTENT.encode("utf-8")
    assert (shared.channel, shared.thread_ts, shared.title) == ("G1", parent, "AIS-1 evidence")
    assert answer["file"]["id"] == shared.file_id and shared.file_id in answer["file"]["permalink"]
    assert len(fake.calls_to("upload")) == 1
    thread = client.conversations_replies(channel="G1", ts=parent)["messages"]
    assert [m["files"][0]["name"] for m in thread if m.get("files")] == ["AIS-1-evidence.txt"]
    assert thread[-1]["text"] == "the whole evidence"


def test_completing_an_unknown_or_unsent_file_is_refused(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    """A file id never reserved, or whose bytes never arrived, cannot be completed."""
    with pytest.raises(SlackApiError) as unknown:
        client.files_completeUploadExternal(files=[{"id": "F404"}], channel_id="G1")
    assert unknown.value.response["error"] == "file_not_found"
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=3)
    with pytest.raises(SlackApiError) as unsent:
        client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}], channel_id="G1")
    assert unsent.value.response["error"] == "file_not_found"
    assert fake.shared_files() == []


def test_bytes_of_another_length_than_reserved_are_refused(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    """Completing a file whose bytes differ in length from the reservation fails."""
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=3)
    request = urllib.request.Request(reserved["upload_url"], data=b"four", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    with pytest.raises(SlackApiError) as info:
        client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}], channel_id="G1")
    assert info.value.response["error"] == "file_size_mismatch"


def test_sharing_where_the_bot_is_not_shares_nothing(fake: FakeSlackAPI, client: WebClient) -> None:
    """A channel the bot is not in answers not_in_channel and the file is not completed."""
    with pytest.raises(SlackApiError) as info:
        client.files_upload_v2(channel="C2", filename="a.txt", content=b"abc")
    assert info.value.response["error"] == "not_in_channel"
    assert fake.shared_files() == [] and not any(m.get("files") for m in fake.messages.values())


def test_a_failed_upload_url_is_an_http_error(fake: FakeSlackAPI, client: WebClient) -> None:
    """A scripted 500 on the upload URL reaches the client as an HTTP error; nothing shared."""
    fake.fail_with_status("upload", 500)
    with pytest.raises(urllib.error.HTTPError):
        client.files_upload_v2(channel="G1", filename="a.txt", content=b"abc")
    assert fake.calls_to("files.completeUploadExternal") == [] and fake.shared_files() == []


def test_upload_urls_are_served_through_handle_request() -> None:
    """A fake served by another server (the playground) hands out and takes upload URLs too."""
    api = FakeSlackAPI(root="http://play.example")
    form = {
        "content-type": "application/x-www-form-urlencoded",
        "authorization": "Bearer xoxb-test",
    }
    reserved = api.handle_request(
        "/api/files.getUploadURLExternal", b"filename=a.txt&length=3", form
    )
    url = str(reserved.body["upload_url"])
    assert url.startswith("http://play.example/upload/")
    sent = api.handle_request(urlsplit(url).path, b"a=b", {"content-type": form["content-type"]})
    assert sent.status == 200 and api.uploads[reserved.body["file_id"]].content == b"a=b"
