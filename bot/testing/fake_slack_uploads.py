"""Slack's external upload flow in the fake Web API: ``files.getUploadURLExternal``, the
upload URL that receives the file's bytes, and ``files.completeUploadExternal``, which
shares the file in a channel or a thread as a message carrying it.

Tests read back what was uploaded from :attr:`UploadMethods.uploads` (or only the shared
ones, :meth:`UploadMethods.shared_files`): the bytes, the channel, the thread. The upload
URL is served by the fake's own server (``/upload/<file id>``), takes no token (it is
pre-signed, as Slack's is) and is recorded as calls of the method ``"upload"``, so
``fail_with_status("upload", 500)`` fails it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.testing.fake_slack_state import BOT_ID, BOT_USER, FakeWorkspace
from bot.testing.fake_slack_wire import Answer, Args, SlackError

UPLOAD = "upload"  # the upload URL's first path segment, and the method its calls record


@dataclass
class FakeUpload:
    """One file in the external upload flow, from the URL asked for to its share."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str = ""
    completed: bool = False  # by files.completeUploadExternal (shared, given a channel)


class UploadMethods(FakeWorkspace):
    """Hand out upload URLs, take the bytes, complete and share files."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """No uploads yet."""
        super().__init__(clock)
        self.uploads: dict[str, FakeUpload] = {}

    @property
    def root(self) -> str:
        """The root URL of the server that serves the upload URLs (``FakeSlackAPI``'s)."""
        raise NotImplementedError

    def shared_files(self) -> list[FakeUpload]:
        """The uploads that were completed (and so shared), oldest first."""
        with self._cond:
            return [u for u in self.uploads.values() if u.completed]

    def _files_getUploadURLExternal(self, args: Args) -> Answer:
        """Reserve a file id and the URL its bytes are POSTed to."""
        try:
            length = int(args["length"])
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments", ["[ERROR] length must be a number"]) from exc
        if length < 0:
            raise SlackError("invalid_arguments", ["[ERROR] length must not be negative"])
        file_id = f"F{len(self.uploads) + 1:07d}"
        self.uploads[file_id] = FakeUpload(file_id, str(args["filename"]), length)
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.root}/{UPLOAD}/{file_id}"}

    def _receive_upload(self, args: Args) -> Answer:
        """Take the bytes POSTed to an upload URL."""
        upload = self.uploads.get(str(args.get("file_id")))
        if upload is None or upload.completed:
            raise SlackError("file_not_found")
        upload.content = bytes(args.get("content") or b"")
        return {"ok": True}

    def _files_completeUploadExternal(self, args: Args) -> Answer:
        """Complete uploaded files; with ``channel_id``, share them (in ``thread_ts``)."""
        items = args["files"]
        if isinstance(items, str):
            try:
                items = json.loads(items)
            except ValueError as exc:
                raise SlackError("invalid_arguments", ["[ERROR] files is not JSON"]) from exc
        if not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments", ["[ERROR] files must be a non-empty array"])
        uploads = [self._uploaded(item) for item in items]
        channel = args.get("channel_id") or None
        if channel is not None:
            channel = self._writable_channel(str(channel))["id"]
        for upload, item in zip(uploads, items, strict=True):
            upload.title = str(item.get("title") or upload.filename)
            upload.completed = True
        if channel is not None:
            self._share(uploads, channel, args)
        return {"ok": True, "files": [self._file_object(u) for u in uploads]}

    def _uploaded(self, item: object) -> FakeUpload:
        """The upload an item of ``files`` names: reserved, its bytes received, not completed."""
        if not isinstance(item, dict) or not item.get("id"):
            raise SlackError("invalid_arguments", ["[ERROR] each file needs an id"])
        upload = self.uploads.get(str(item["id"]))
        if upload is None or upload.content is None or upload.completed:
            raise SlackError("file_not_found")
        if len(upload.content) != upload.length:
            raise SlackError("file_size_mismatch")
        return upload

    def _share(self, uploads: list[FakeUpload], channel: str, args: Args) -> None:
        """Post the message that carries the files, in the thread when one is given."""
        thread_ts = args.get("thread_ts") or None
        comment = str(args.get("initial_comment") or "")
        ts = self.next_ts()
        for upload in uploads:
            upload.channel, upload.thread_ts = channel, thread_ts
            upload.initial_comment = comment
        self.messages[(channel, ts)] = {
            "ts": ts,
            "text": comment,
            "blocks": [],
            "thread_ts": thread_ts,
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "files": [self._file_object(u) for u in uploads],
            "upload": True,
        }
        self._cond.notify_all()

    @staticmethod
    def _file_object(upload: FakeUpload) -> Args:
        """A file as Slack describes it."""
        return {
            "id": upload.file_id,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": "text/plain",
            "filetype": "text",
            "size": len(upload.content or b""),
            "user": BOT_USER,
            "permalink": f"https://fake.slack.com/files/{BOT_USER}/{upload.file_id}/"
            f"{upload.filename}",
        }
