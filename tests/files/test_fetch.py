"""Fetching files from the (fake) Web API: files.info, the download with the bot token, and
every failure kept as a reference with its note."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.incidents import attachments
from bot.slack.files import DownloadError, download, read_files
from bot.testing.fake_slack import FakeSlackAPI

TOKEN = "xoxb-test"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Web API that knows the bot token."""
    with FakeSlackAPI(tokens=(TOKEN,)) as api:
        yield api


def _client(fake: FakeSlackAPI, token: str = TOKEN) -> WebClient:
    return WebClient(base_url=fake.url, token=token)


def test_files_are_read_in_order_within_the_report_cap(fake: FakeSlackAPI) -> None:
    """Two files are read in order; the second gets only what the report's cap leaves."""
    one = fake.add_file("one.txt", b"first")
    two = fake.add_file("two.txt", b"second")
    read = read_files(_client(fake), [one["id"], two["id"]], used=attachments.REPORT_CAP - 8)
    assert [r.text for r in read] == ["first", "sec"]
    assert read[1].file.note and "a report reads at most 10 MB" in read[1].file.note


def test_a_download_without_the_token_is_refused(fake: FakeSlackAPI) -> None:
    """Slack answers a sign-in page to a download without the bot token: that is no text."""
    url = fake.add_file("a.txt", b"text")["url_private"]
    with pytest.raises(DownloadError, match="sign-in page"):
        download(url, "xoxb-wrong")
    assert download(url, TOKEN) == (b"text", True)


def test_a_failed_download_is_a_reference_with_its_reason(fake: FakeSlackAPI) -> None:
    """A download answered with HTTP 500 keeps the file as a reference saying why."""
    broken = fake.add_file("b.txt", b"text")
    fake.download_status(broken["id"], 500)
    [read] = read_files(_client(fake), [broken["id"]])
    assert read.text is None and read.file.note == "not read: the download failed (HTTP 500)"


def test_a_deleted_file_is_a_reference(fake: FakeSlackAPI) -> None:
    """A file files.info does not find is kept by its id, with a note saying it is gone."""
    [read] = read_files(_client(fake), ["F404"])
    assert read.file.slack_file_id == "F404" and not read.file.read
    assert read.file.note == attachments.FAILURES["file_not_found"]


def test_only_web_addresses_are_downloaded() -> None:
    """A file: address is never opened with the token."""
    with pytest.raises(DownloadError):
        download("file:///etc/passwd", TOKEN)


def test_a_download_stops_at_its_limit(fake: FakeSlackAPI) -> None:
    """A download longer than the limit keeps the limit's bytes and says it is not whole."""
    url = fake.add_file("c.txt", b"z" * 5000)["url_private"]
    assert download(url, TOKEN, limit=1000) == (b"z" * 1000, False)
