"""Files in the fake Slack Web API: ``files.info``, and the downloads of ``url_private``.

A test adds a file with :meth:`FileMethods.add_file` (its name, type, bytes, and ``mode``:
``"snippet"`` for what Slack makes of a long paste) and puts the object it returns in a
message's ``files`` or a ``file_input``'s state. :meth:`FileMethods.fail_file` makes
``files.info`` answer an error for one file (``missing_scope``, ``file_not_found``), and
``download_status`` makes its download answer an HTTP error. A download needs the bot token
as ``Authorization: Bearer``, as Slack's does; without it Slack answers a sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.testing.fake_slack_state import FakeWorkspace
from bot.testing.fake_slack_wire import Answer, Args, Reply, SlackError

FILES_PATH = "files-pri"
TEAM = "T0FAKE"


class FileMethods(FakeWorkspace):
    """Stored files, ``files.info`` and the file downloads."""

    tokens: set[str]
    if TYPE_CHECKING:

        @property
        def root(self) -> str:
            """The server's root URL (``FakeSlackAPI.root``)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__(clock)
        self.files: dict[str, tuple[Args, bytes]] = {}
        self.downloads: list[str] = []  # the file ids downloaded, in order
        self._file_errors: dict[str, str] = {}
        self._download_errors: dict[str, int] = {}

    def add_file(
        self,
        name: str,
        content: bytes,
        *,
        filetype: str = "text",
        mimetype: str = "text/plain",
        mode: str = "hosted",
        file_id: str | None = None,
    ) -> Args:
        """Store a file; returns its Slack file object (as a message's ``files`` hold it)."""
        with self._cond:
            file_id = file_id or f"F{next(self._ids):08d}"
            url = f"{self.root}/{FILES_PATH}/{TEAM}-{file_id}/{name}"
            stored = {
                "id": file_id,
                "name": name,
                "title": name,
                "filetype": filetype,
                "mimetype": mimetype,
                "mode": mode,
                "size": len(content),
                "url_private": url,
                "url_private_download": f"{url}?download=1",
                "permalink": f"https://fake.slack.test/files/U0/{file_id}/{name}",
            }
            self.files[file_id] = (stored, content)
            return dict(stored)

    def fail_file(self, file_id: str, error: str = "file_not_found") -> None:
        """Answer ``files.info`` for ``file_id`` with ``error`` from now on."""
        with self._cond:
            self._file_errors[file_id] = error

    def download_status(self, file_id: str, status: int) -> None:
        """Answer the download of ``file_id`` with HTTP ``status`` from now on."""
        with self._cond:
            self._download_errors[file_id] = status

    def _files_info(self, args: Args) -> Answer:
        """The file object of ``file``, or Slack's error for it."""
        file_id = str(args.get("file") or "")
        error = self._file_errors.get(file_id)
        if error:
            raise SlackError(error)
        found = self.files.get(file_id)
        if found is None:
            raise SlackError("file_not_found")
        return {"ok": True, "file": dict(found[0]), "comments": []}

    def download(self, path: str, headers: dict[str, str]) -> Reply:
        """Answer a GET of a file's ``url_private`` (``/files-pri/TEAM-ID/NAME``)."""
        segments = path.split("?")[0].strip("/").split("/")
        file_id = segments[1].split("-", 1)[-1] if len(segments) >= 2 else ""
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        with self._cond:
            found = self.files.get(file_id)
            status = self._download_errors.get(file_id)
            self.downloads.append(file_id)
            self._cond.notify_all()
        if token not in self.tokens:  # Slack answers a sign-in page, with status 200
            page = b"<html><body>Sign in to Slack</body></html>"
            return Reply(200, {}, {"Content-Type": "text/html"}, raw=page)
        if found is None or status:
            return Reply(status or 404, {"ok": False, "error": "file_not_found"})
        stored, content = found
        return Reply(200, {}, {"Content-Type": str(stored["mimetype"])}, raw=content)


def file_object(file: dict[str, Any]) -> dict[str, Any]:
    """The short file object a message or a ``file_input`` state carries (Slack sends more)."""
    return {k: file[k] for k in ("id", "name", "mimetype", "filetype") if k in file}
