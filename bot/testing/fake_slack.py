"""A fake Slack Web API: a real HTTP server on 127.0.0.1 for tests and local play.

Point ``slack_sdk.WebClient(base_url=fake.start(), token="xoxb-test")`` at it. It
records every call, checks what Slack checks (auth, required arguments, Block Kit
via :mod:`bot.slack.block_limits`, trigger ids) and can be told to fail::

    with FakeSlackAPI() as fake:
        fake.add_channel("C1", name="triage", is_private=True)
        client = WebClient(base_url=fake.url, token="xoxb-test")
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.calls_to("chat.postMessage")[0].args["text"] == "hi"

Nothing starts until :meth:`FakeSlackAPI.start`. The tests and the playground both run the
real bot against it. This module is the server: its lifecycle, scripted faults, the record
of calls and the table of methods. The methods live by family (``fake_slack_chat``,
``fake_slack_views``, ``fake_slack_directory``) over the state in ``fake_slack_state``;
HTTP encoding is ``fake_slack_wire``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.testing.fake_slack_chat import ChatMethods
from bot.testing.fake_slack_directory import DirectoryMethods
from bot.testing.fake_slack_files import FILES_PATH, FileMethods
from bot.testing.fake_slack_state import BOT_ID, BOT_USER
from bot.testing.fake_slack_uploads import UPLOAD, UploadMethods
from bot.testing.fake_slack_views import TRIGGER_TTL, ViewMethods
from bot.testing.fake_slack_wire import (
    Answer,
    Args,
    Fault,
    Reply,
    SlackError,
    decode_args,
    handler_for,
    status_reply,
)
from bot.testing.loopback import Loopback

__all__ = [
    "BOT_ID",
    "BOT_USER",
    "RESPONSE_URL",
    "TRIGGER_TTL",
    "Call",
    "FakeSlackAPI",
    "HttpReply",
    "SlackError",
]

RESPONSE_URL = "response_url"
HttpReply = Reply

_REQUIRED: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("channel",),
    "chat.postEphemeral": ("channel", "user"),
    "chat.update": ("channel", "ts"),
    "chat.delete": ("channel", "ts"),
    "chat.getPermalink": ("channel", "message_ts"),
    "views.open": ("trigger_id", "view"),
    "views.push": ("trigger_id", "view"),
    "views.update": ("view",),
    "views.publish": ("user_id", "view"),
    "users.info": ("user",),
    "conversations.info": ("channel",),
    "conversations.members": ("channel",),
    "conversations.open": ("users",),
    "conversations.history": ("channel",),
    "conversations.replies": ("channel", "ts"),
    "usergroups.users.list": ("usergroup",),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
    "files.info": ("file",),
}


@dataclass(frozen=True)
class Call:
    """One request the fake received, with what it answered.

    ``args`` are the decoded arguments (``blocks``, ``view`` and the like parsed from
    JSON). A ``response_url`` call also has ``args["response_url_name"]``.
    """

    method: str
    args: Args
    headers: dict[str, str]
    at: float
    status: int = 200
    response: Answer = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether the fake answered this call with success."""
        return self.status == 200 and bool(self.response.get("ok"))


class FakeSlackAPI(ChatMethods, ViewMethods, DirectoryMethods, UploadMethods, FileMethods):
    """A threaded HTTP server that answers like the Slack Web API and records every call."""

    def __init__(
        self,
        *,
        tokens: Iterable[str] = ("xoxb-test",),
        clock: Callable[[], float] = time.monotonic,
        client_timeout: float = 1.0,
        root: str | None = None,
    ) -> None:
        """Configure the fake; ``client_timeout`` is how long a simulated timeout exceeds.

        ``root`` is the public root URL when another server (the playground's ASGI app)
        serves the fake through :meth:`handle_request` instead of :meth:`start`.
        """
        super().__init__(clock)
        self.tokens = set(tokens)
        self._root = root.rstrip("/") if root else None
        self.client_timeout = client_timeout
        self.calls: list[Call] = []
        self._faults: dict[str, list[Fault]] = {}
        self._delays: dict[str, float] = {}
        self._random: tuple[float, random.Random, tuple[str, ...]] | None = None
        self._loopback: Loopback | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> str:
        """Start serving on a free port of 127.0.0.1; return the API base URL."""
        if self._loopback is None:
            self._loopback = Loopback(handler_for(self.handle_request), name="fake-slack-api")
        return self.url

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._loopback is not None:
            self._loopback.close()
        self._loopback = None

    def __enter__(self) -> FakeSlackAPI:
        """Start the server."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server."""
        self.stop()

    @property
    def root(self) -> str:
        """The server's root URL, ``http://127.0.0.1:PORT``."""
        if self._root is not None:
            return self._root
        if self._loopback is None:
            raise RuntimeError("FakeSlackAPI is not started")
        return self._loopback.root

    @property
    def url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)``."""
        return f"{self.root}/api/"

    def response_url(self, name: str) -> str:
        """Return a ``response_url`` on this server; its POSTs are recorded as ``response_url``."""
        return f"{self.root}/{RESPONSE_URL}/{name}"

    # ------------------------------------------------------------ faults

    def fail_next(self, method: str, error: str = "not_in_channel", count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        with self._cond:
            self._faults.setdefault(method, []).append(Fault(count=count, error=error))

    def fail_with_status(
        self, method: str, status: int = 500, retry_after: int = 1, count: int = 1
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with HTTP ``status`` (429: Retry-After)."""
        with self._cond:
            fault = Fault(count=count, status=status, retry_after=retry_after)
            self._faults.setdefault(method, []).append(fault)

    def delay(self, method: str, seconds: float) -> None:
        """Wait ``seconds`` before answering every call of ``method`` (0 to stop)."""
        with self._cond:
            self._delays[method] = seconds

    def fail_rate(
        self, rate: float, seed: int, kinds: Iterable[str] = ("429", "500", "timeout")
    ) -> None:
        """Fail a ``rate`` share of all calls, chosen by a seeded generator, with ``kinds``.

        ``"429"`` and ``"500"`` answer that status; ``"timeout"`` waits longer than
        ``client_timeout`` and then answers normally. ``rate=0`` turns it off.
        """
        with self._cond:
            self._random = (rate, random.Random(seed), tuple(kinds)) if rate > 0 else None

    # ------------------------------------------------------------ records

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of ``method``, oldest first."""
        with self._cond:
            return [call for call in self.calls if call.method == method]

    def calls_since(self, index: int) -> list[Call]:
        """Return the calls recorded after the first ``index`` ones, oldest first."""
        with self._cond:
            return self.calls[index:]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until ``method`` was called ``count`` times; return its calls.

        Raises ``TimeoutError`` naming the calls seen when that does not happen in time.
        """
        with self._cond:
            done = self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout)
            if not done:
                seen = [call.method for call in self.calls]
                raise TimeoutError(f"{count} x {method} not seen in {timeout}s; calls: {seen}")
            return self.calls_to(method)

    def reset(self) -> None:
        """Forget calls, faults, delays, messages and views; keep the workspace."""
        with self._cond:
            self.calls.clear()
            self.messages.clear()
            self.views.clear()
            self.homes.clear()
            self._faults.clear()
            self._delays.clear()
            self._random = None

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, args: Args, headers: dict[str, str]) -> Reply:
        """Answer one request and record it (called by the HTTP handler)."""
        with self._cond:
            at = self.clock()
            reply = self._reply(method, args, headers)
            call = Call(method, args, headers, at, reply.status, reply.body)
            self.calls.append(call)
            self._cond.notify_all()
        return reply

    def handle_request(self, path: str, raw: bytes, headers: dict[str, str]) -> Reply:
        """Answer one HTTP request for ``/api/METHOD`` or ``/response_url/NAME``.

        ``path`` may carry a query string; ``headers`` have lower-case names. Any HTTP
        server can serve the fake through this (the threaded one here, or an ASGI app).
        """
        parts = urlsplit(path)
        segments = parts.path.strip("/").split("/")
        if len(segments) == 2 and segments[0] == UPLOAD:  # a file's bytes, not arguments
            return self.handle(UPLOAD, {"file_id": segments[1], "content": raw}, headers)
        if segments[0] == FILES_PATH:
            return self.download(parts.path, headers)
        if len(segments) != 2 or segments[0] not in ("api", RESPONSE_URL):
            return Reply(404, {"ok": False, "error": "not_found"})
        try:
            args = decode_args(raw, headers.get("content-type", ""), parts.query)
        except (ValueError, UnicodeDecodeError):
            return Reply(200, {"ok": False, "error": "invalid_json"})
        if segments[0] == RESPONSE_URL:
            args["response_url_name"] = segments[1]
        method = segments[1] if segments[0] == "api" else RESPONSE_URL
        return self.handle(method, args, headers)

    def _reply(self, method: str, args: Args, headers: dict[str, str]) -> Reply:
        """Decide the reply: scripted faults first, then auth, then the method itself."""
        delay = self._delays.get(method, 0.0)
        fault = self._take_fault(method) or self._random_fault()
        if fault is not None and fault.status == 0:
            delay += self.client_timeout + 0.5
        elif fault is not None and fault.status != 200:
            return status_reply(fault, delay)
        elif fault is not None:
            return Reply(200, SlackError(fault.error or "fatal_error").answer(), delay=delay)
        try:
            body = self._answer(method, args, headers)
        except SlackError as error:
            body = error.answer()
        except Exception as exc:  # a malformed request the fake did not foresee
            body = {"ok": False, "error": "internal_error", "detail": repr(exc)}
        return Reply(200, body, delay=delay)

    def _take_fault(self, method: str) -> Fault | None:
        """Consume one scripted fault for ``method``, if any."""
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

    def _random_fault(self) -> Fault | None:
        """Draw a random fault when :meth:`fail_rate` is on; status 0 means a timeout."""
        if self._random is None:
            return None
        rate, rng, kinds = self._random
        if rng.random() >= rate or not kinds:
            return None
        kind = rng.choice(kinds)
        return Fault(count=1, status=0 if kind == "timeout" else int(kind))

    def _answer(self, method: str, args: Args, headers: dict[str, str]) -> Answer:
        """Check auth and arguments, then run the method's handler."""
        if method == RESPONSE_URL:
            return self._response_url(args)
        if method == UPLOAD:
            return self._receive_upload(args)
        handler = self._handlers().get(method)
        if handler is None:
            raise SlackError("unknown_method")
        self._check_auth(args, headers)
        missing = [name for name in _REQUIRED.get(method, ()) if not args.get(name)]
        if "channel" in missing and method.startswith("chat."):
            raise SlackError("channel_not_found")
        if missing:
            raise SlackError(
                "invalid_arguments", [f"[ERROR] missing required field: {n}" for n in missing]
            )
        return handler(args)

    def _handlers(self) -> dict[str, Callable[[Args], Answer]]:
        """Map each supported Web API method to its handler."""
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_postMessage,
            "chat.postEphemeral": self._chat_postEphemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_getPermalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "usergroups.users.list": self._usergroups_users_list,
            "files.getUploadURLExternal": self._files_getUploadURLExternal,
            "files.completeUploadExternal": self._files_completeUploadExternal,
            "files.info": self._files_info,
        }

    def _check_auth(self, args: Args, headers: dict[str, str]) -> None:
        """Raise ``not_authed`` without a token, ``invalid_auth`` with an unknown one."""
        bearer = headers.get("authorization", "")
        token = bearer.removeprefix("Bearer ").strip() if bearer else args.get("token", "")
        if not token:
            raise SlackError("not_authed")
        if token not in self.tokens:
            raise SlackError("invalid_auth")
