"""Fetching a report's files from Slack: ``files.info``, then the download of ``url_private``
with the bot token. What is read of them, and how, is ``bot.incidents.attachments``.

Every failure becomes a reference with a note (no scope, a deleted file, a failed download):
a report never fails because of a file.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents import attachments
from bot.incidents.attachments import ReadFile, SlackFile

log = logging.getLogger(__name__)
DOWNLOAD_TIMEOUT = 30.0
_CHUNK = 1024 * 1024


class DownloadError(Exception):
    """A file's bytes could not be downloaded; the message says why, for the reporter."""


class InfoRefused(Exception):
    """``files.info`` refused the file; ``error`` is Slack's code (``missing_scope``, …)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but sends the bot token only to the host it was meant for."""

    def redirect_request(
        self, req: Any, fp: Any, code: Any, msg: Any, headers: Any, newurl: str
    ) -> Any:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_SameHostRedirects)


def file_ids(files: Iterable[Any]) -> list[str]:
    """The ids of the file objects in a message's ``files`` or a ``file_input``'s state."""
    return [str(f["id"]) for f in files if isinstance(f, dict) and f.get("id")]


def read_files(client: WebClient, ids: Iterable[str], *, used: int = 0) -> list[ReadFile]:
    """Each file of ``ids``, in order: read into text within the caps (``used`` bytes of the
    report's cap are already taken), or kept as a reference saying why not."""
    read: list[ReadFile] = []
    for file_id in ids:
        one = read_file(client, file_id, budget=attachments.budget_left(used))
        used += one.used
        read.append(one)
    return read


def file_info(client: WebClient, file_id: str) -> SlackFile:
    """What ``files.info`` says of ``file_id``; ``InfoRefused`` when Slack refuses it."""
    try:
        info = client.files_info(file=file_id).get("file") or {}
    except SlackApiError as exc:
        raise InfoRefused(str(exc.response.get("error") or "unknown_error")) from None
    return SlackFile.of(info, file_id)


def read_file(client: WebClient, file_id: str, *, budget: int) -> ReadFile:
    """The file ``file_id``, read with at most ``budget`` bytes of text."""
    try:
        file = file_info(client, file_id)
    except InfoRefused as refused:
        log.info("file %s not read: files.info answered %s", file_id, refused.error)
        return attachments.failure(SlackFile(id=file_id, name=file_id), refused.error)
    kind = attachments.kind_of(file)
    if kind == "image":
        return attachments.reference(file, attachments.NOT_AN_IMAGE_NOTE)
    if kind == "binary":
        return attachments.reference(file, attachments.BINARY_NOTE)
    if budget <= 0:
        return attachments.reference(file, attachments.REPORT_FULL_NOTE)
    try:
        data, complete = download(file.url, str(client.token or ""), expected=file.mimetype)
    except DownloadError as exc:
        log.info("file %s not read: %s", file_id, exc)
        return attachments.download_failure(file, str(exc))
    return attachments.read(file, data, budget=budget, complete=complete)


def download(
    url: str | None,
    token: str,
    *,
    expected: str = "",
    limit: int = attachments.DOWNLOAD_LIMIT,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> tuple[bytes, bool]:
    """The first ``limit`` bytes at ``url``, fetched with the bot ``token``, and whether that
    is all of it; ``DownloadError`` saying why not."""
    if not url or urlsplit(url).scheme not in ("https", "http"):
        raise DownloadError("Slack gave no address to download it from")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            kind = str(response.headers.get("Content-Type") or "")
            if "text/html" in kind and "html" not in expected:
                raise DownloadError("Slack answered a sign-in page: is files:read granted?")
            return _read_limited(response, limit)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(str(getattr(exc, "reason", exc))[:100]) from exc


def _read_limited(response: Any, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:limit], False
