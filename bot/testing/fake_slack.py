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
real bot against it. It is one module although long: it is one thing, the part of Slack's
Web API the bot calls, with Slack's own checks and failure modes, served as one server.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.slack.block_limits import BlockKitError, validate_blocks, validate_view

Args = dict[str, Any]
Answer = dict[str, Any]

TRIGGER_TTL = 3.0
RESPONSE_URL = "response_url"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
_JSON_ARGS = ("blocks", "attachments", "view", "metadata")
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


@dataclass
class _Fault:
    """A scripted failure for the next ``count`` calls of one method."""

    count: int
    error: str | None = None
    status: int = 200
    retry_after: int = 1


@dataclass
class _Reply:
    """What the server sends back: status, JSON body, extra headers, delay before sending."""

    status: int
    body: Answer
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class SlackError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, messages: Iterable[str] = ()) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)

    def answer(self) -> Answer:
        """Return the JSON body Slack sends for this error."""
        body: Answer = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


class FakeSlackAPI:
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
        self.tokens = set(tokens)
        self._root = root.rstrip("/") if root else None
        self.clock = clock
        self.client_timeout = client_timeout
        self.channels: dict[str, Args] = {}
        self.users: dict[str, Args] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.messages: dict[tuple[str, str], Args] = {}
        self.views: dict[str, Args] = {}
        self.homes: dict[str, str] = {}
        self.calls: list[Call] = []
        self._cond = threading.Condition(threading.RLock())
        self._ids = itertools.count(1)
        self._triggers: dict[str, float] = {}
        self._used_triggers: set[str] = set()
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._random: tuple[float, random.Random, tuple[str, ...]] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> str:
        """Start serving on a free port of 127.0.0.1; return the API base URL."""
        if self._server is None:
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
            self._server.daemon_threads = True
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fake-slack-api",
                daemon=True,
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlackAPI:
        """Start the server."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server."""
        self.stop()

    @property
    def lock(self) -> threading.Condition:
        """The lock every change to the fake's state holds (re-entrant); hold it to read state."""
        return self._cond

    @property
    def root(self) -> str:
        """The server's root URL, ``http://127.0.0.1:PORT``."""
        if self._root is not None:
            return self._root
        if self._server is None:
            raise RuntimeError("FakeSlackAPI is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)``."""
        return f"{self.root}/api/"

    # ------------------------------------------------------------ workspace

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        is_member: bool = True,
        members: Iterable[str] = (),
    ) -> None:
        """Register a channel; posting to a channel the bot is not in fails ``not_in_channel``."""
        with self._cond:
            self.channels[channel_id] = {
                "id": channel_id,
                "name": name or channel_id.lower(),
                "is_channel": True,
                "is_private": is_private,
                "is_member": is_member,
                "members": list(members),
            }

    def add_user(
        self, user_id: str, *, name: str | None = None, is_bot: bool = False, tz: str = "UTC"
    ) -> None:
        """Register a user; users can also be the ``channel`` of a post (a DM)."""
        name = name or user_id.lower()
        with self._cond:
            self.users[user_id] = {
                "id": user_id,
                "name": name,
                "real_name": name,
                "is_bot": is_bot,
                "tz": tz,
                "profile": {"real_name": name, "display_name": name},
            }

    def add_usergroup(self, usergroup_id: str, members: Iterable[str]) -> None:
        """Register a user group and its members."""
        with self._cond:
            self.usergroups[usergroup_id] = list(members)

    def post_message(
        self,
        channel: str,
        *,
        user: str | None,
        text: str = "",
        blocks: list[Args] | None = None,
        thread_ts: str | None = None,
        bot_id: str | None = None,
    ) -> str:
        """Store a message by a person (``user``) or another app (``bot_id``); return its ``ts``."""
        with self._cond:
            channel_id = self._channel(channel)["id"]
            ts = self.next_ts()
            message: Args = {"ts": ts, "text": text, "blocks": list(blocks or [])}
            message["thread_ts"] = thread_ts
            message.update({k: v for k, v in (("user", user), ("bot_id", bot_id)) if v})
            self.messages[(channel_id, ts)] = message
            self._cond.notify_all()
            return ts

    def update_message(
        self, channel: str, ts: str, *, text: str = "", blocks: list[Args] | None = None
    ) -> None:
        """Replace a stored message's text and blocks (as ``replace_original`` does)."""
        with self._cond:
            message = self.messages.get((self._channel(channel)["id"], ts))
            if message is None:
                raise SlackError("message_not_found")
            message.update(text=text, blocks=list(blocks or []), edited=True)
            self._cond.notify_all()

    def delete_message(self, channel: str, ts: str) -> None:
        """Remove a stored message, if it is there (as ``delete_original`` does)."""
        with self._cond:
            self.messages.pop((self._channel(channel)["id"], ts), None)
            self._cond.notify_all()

    def dm_channel(self, user_id: str) -> str:
        """Return the id of the bot's direct-message channel with a known user."""
        with self._cond:
            return str(self._channel(user_id)["id"])

    def put_view(self, view: Args, view_id: str | None = None) -> Args:
        """Validate and store a view under a new or given id (as a ``response_action`` does)."""
        with self._cond:
            return dict(self._store_view(self._check_view(view), view_id)["view"])

    def issue_trigger_id(self) -> str:
        """Return a new trigger id, valid for 3 s of :attr:`clock` and usable once."""
        with self._cond:
            trigger_id = f"{next(self._ids)}.{int(self.clock() * 1000)}.faketrigger"
            self._triggers[trigger_id] = self.clock()
            return trigger_id

    def response_url(self, name: str) -> str:
        """Return a ``response_url`` on this server; its POSTs are recorded as ``response_url``."""
        return f"{self.root}/{RESPONSE_URL}/{name}"

    # ------------------------------------------------------------ faults

    def fail_next(self, method: str, error: str = "not_in_channel", count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        with self._cond:
            self._faults.setdefault(method, []).append(_Fault(count=count, error=error))

    def fail_with_status(
        self, method: str, status: int = 500, retry_after: int = 1, count: int = 1
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with HTTP ``status`` (429: Retry-After)."""
        with self._cond:
            fault = _Fault(count=count, status=status, retry_after=retry_after)
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

    def handle(self, method: str, args: Args, headers: dict[str, str]) -> _Reply:
        """Answer one request and record it (called by the HTTP handler)."""
        with self._cond:
            at = self.clock()
            reply = self._reply(method, args, headers)
            call = Call(method, args, headers, at, reply.status, reply.body)
            self.calls.append(call)
            self._cond.notify_all()
        return reply

    def handle_request(self, path: str, raw: bytes, headers: dict[str, str]) -> _Reply:
        """Answer one HTTP request for ``/api/METHOD`` or ``/response_url/NAME``.

        ``path`` may carry a query string; ``headers`` have lower-case names. Any HTTP
        server can serve the fake through this (the threaded one here, or an ASGI app).
        """
        parts = urlsplit(path)
        segments = parts.path.strip("/").split("/")
        if len(segments) != 2 or segments[0] not in ("api", RESPONSE_URL):
            return _Reply(404, {"ok": False, "error": "not_found"})
        try:
            args = _decode_args(raw, headers.get("content-type", ""), parts.query)
        except (ValueError, UnicodeDecodeError):
            return _Reply(200, {"ok": False, "error": "invalid_json"})
        if segments[0] == RESPONSE_URL:
            args["response_url_name"] = segments[1]
        method = segments[1] if segments[0] == "api" else RESPONSE_URL
        return self.handle(method, args, headers)

    def _reply(self, method: str, args: Args, headers: dict[str, str]) -> _Reply:
        """Decide the reply: scripted faults first, then auth, then the method itself."""
        delay = self._delays.get(method, 0.0)
        fault = self._take_fault(method) or self._random_fault()
        if fault is not None and fault.status == 0:
            delay += self.client_timeout + 0.5
        elif fault is not None and fault.status != 200:
            return _status_reply(fault, delay)
        elif fault is not None:
            return _Reply(200, SlackError(fault.error or "fatal_error").answer(), delay=delay)
        try:
            body = self._answer(method, args, headers)
        except SlackError as error:
            body = error.answer()
        except Exception as exc:  # a malformed request the fake did not foresee
            body = {"ok": False, "error": "internal_error", "detail": repr(exc)}
        return _Reply(200, body, delay=delay)

    def _take_fault(self, method: str) -> _Fault | None:
        """Consume one scripted fault for ``method``, if any."""
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

    def _random_fault(self) -> _Fault | None:
        """Draw a random fault when :meth:`fail_rate` is on; status 0 means a timeout."""
        if self._random is None:
            return None
        rate, rng, kinds = self._random
        if rng.random() >= rate or not kinds:
            return None
        kind = rng.choice(kinds)
        return _Fault(count=1, status=0 if kind == "timeout" else int(kind))

    def _answer(self, method: str, args: Args, headers: dict[str, str]) -> Answer:
        """Check auth and arguments, then run the method's handler."""
        if method == RESPONSE_URL:
            return self._response_url(args)
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
        }

    def _check_auth(self, args: Args, headers: dict[str, str]) -> None:
        """Raise ``not_authed`` without a token, ``invalid_auth`` with an unknown one."""
        bearer = headers.get("authorization", "")
        token = bearer.removeprefix("Bearer ").strip() if bearer else args.get("token", "")
        if not token:
            raise SlackError("not_authed")
        if token not in self.tokens:
            raise SlackError("invalid_auth")

    # ------------------------------------------------------------ helpers

    def next_ts(self) -> str:
        """Return a message timestamp, unique and increasing."""
        n = next(self._ids)
        return f"{1_700_000_000 + n}.{n:06d}"

    _next_ts = next_ts

    def _channel(self, channel: str) -> Args:
        """Return a known channel, or a DM channel for a known user; else ``channel_not_found``."""
        if channel in self.channels:
            return self.channels[channel]
        if channel in self.users:
            dm_id = "D" + channel[1:]
            self.add_channel(dm_id, name=channel, is_private=True, members=[channel])
            return self.channels[dm_id]
        raise SlackError("channel_not_found")

    def _writable_channel(self, channel: str) -> Args:
        """Return a channel the bot may post to, or raise ``not_in_channel``."""
        info = self._channel(channel)
        if not info["is_member"]:
            raise SlackError("not_in_channel")
        return info

    def _check_content(self, args: Args) -> None:
        """Require text or blocks, and blocks that Slack accepts."""
        if not args.get("text") and not args.get("blocks") and not args.get("attachments"):
            raise SlackError("no_text")
        if isinstance(args.get("text"), str) and len(args["text"]) > 40_000:
            raise SlackError("msg_too_long")
        if "blocks" in args:
            try:
                validate_blocks(args["blocks"], surface="message")
            except BlockKitError as exc:
                raise SlackError(exc.code, [f"[ERROR] {exc}"]) from exc

    def _check_view(self, view: Any, kind: str | None = None) -> Args:
        """Validate a view (``invalid_arguments`` when Slack would reject it)."""
        try:
            validate_view(view)
        except BlockKitError as exc:
            raise SlackError("invalid_arguments", [f"[ERROR] {exc}"]) from exc
        if kind is not None and view["type"] != kind:
            raise SlackError("invalid_arguments", [f"[ERROR] view type must be {kind}"])
        return view

    def _use_trigger(self, trigger_id: str) -> None:
        """Accept a trigger id once, within 3 s of being issued."""
        issued = self._triggers.get(trigger_id)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("trigger_exchanged")
        if self.clock() - issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        self._used_triggers.add(trigger_id)

    def _store_view(self, view: Args, view_id: str | None = None) -> Answer:
        """Store a view under a new or given id; answer it as Slack does."""
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"{next(self._ids)}.fakehash"}
        stored.setdefault("state", {"values": {}})
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    # ------------------------------------------------------------ methods

    def _response_url(self, args: Args) -> Answer:
        """Accept a response_url POST; its blocks must be valid like a message's."""
        if "blocks" in args:
            try:
                validate_blocks(args["blocks"], surface="message")
            except BlockKitError as exc:
                raise SlackError(exc.code, [f"[ERROR] {exc}"]) from exc
        return {"ok": True}

    def _auth_test(self, args: Args) -> Answer:
        """Answer ``auth.test`` for the fake workspace's bot."""
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "safetybot",
            "team_id": "T0FAKE",
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
        }

    def _chat_postMessage(self, args: Args) -> Answer:
        """Post a message; answer its ``channel`` and a new ``ts``."""
        channel = self._writable_channel(args["channel"])["id"]
        self._check_content(args)
        ts = self._next_ts()
        message = {"ts": ts, "text": args.get("text", ""), "blocks": args.get("blocks", [])}
        self.messages[(channel, ts)] = {
            **message,
            "thread_ts": args.get("thread_ts"),
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "metadata": args.get("metadata"),
        }
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_postEphemeral(self, args: Args) -> Answer:
        """Post an ephemeral message (not stored); answer its ``message_ts``."""
        self._writable_channel(args["channel"])
        self._check_content(args)
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: Args) -> Answer:
        """Replace a stored message's text and blocks."""
        channel = self._channel(args["channel"])["id"]
        key = (channel, args["ts"])
        if key not in self.messages:
            raise SlackError("message_not_found")
        self._check_content(args)
        self.messages[key].update(
            text=args.get("text", ""), blocks=args.get("blocks", []), edited=True
        )
        return {"ok": True, "channel": channel, "ts": args["ts"], "text": args.get("text", "")}

    def _chat_delete(self, args: Args) -> Answer:
        """Delete a stored message."""
        channel = self._channel(args["channel"])["id"]
        if self.messages.pop((channel, args["ts"]), None) is None:
            raise SlackError("message_not_found")
        return {"ok": True, "channel": channel, "ts": args["ts"]}

    def _chat_getPermalink(self, args: Args) -> Answer:
        """Answer a permalink built from channel and ts."""
        channel = self._channel(args["channel"])["id"]
        ts = args["message_ts"]
        permalink = f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _views_open(self, args: Args) -> Answer:
        """Open a modal for a fresh trigger id."""
        self._use_trigger(args["trigger_id"])
        return self._store_view(self._check_view(args["view"], "modal"))

    def _views_push(self, args: Args) -> Answer:
        """Push a modal onto the stack for a fresh trigger id."""
        self._use_trigger(args["trigger_id"])
        return self._store_view(self._check_view(args["view"], "modal"))

    def _views_update(self, args: Args) -> Answer:
        """Replace a stored view, by ``view_id`` or ``external_id``, honouring ``hash``."""
        view = self._check_view(args["view"])
        if not args.get("view_id") and not args.get("external_id"):
            raise SlackError("invalid_arguments", ["[ERROR] view_id or external_id required"])
        view_id = args.get("view_id") or self._view_id_for(args["external_id"])
        if not view_id or view_id not in self.views:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        return self._store_view(view, view_id)

    def _view_id_for(self, external_id: str) -> str | None:
        """Find the id of the stored view with ``external_id``."""
        found = (vid for vid, v in self.views.items() if v.get("external_id") == external_id)
        return next(found, None)

    def _views_publish(self, args: Args) -> Answer:
        """Publish a user's home tab; each user keeps one home view id."""
        view = self._check_view(args["view"], "home")
        answer = self._store_view(view, self.homes.get(args["user_id"]))
        self.homes[args["user_id"]] = answer["view"]["id"]
        return answer

    def _users_info(self, args: Args) -> Answer:
        """Answer a registered user, or ``user_not_found``."""
        user = self.users.get(args["user"])
        if user is None:
            raise SlackError("user_not_found")
        return {"ok": True, "user": user}

    def _conversations_info(self, args: Args) -> Answer:
        """Answer a registered channel (without its member list)."""
        info = {k: v for k, v in self._channel(args["channel"]).items() if k != "members"}
        return {"ok": True, "channel": info}

    def _conversations_open(self, args: Args) -> Answer:
        """Open (or find) the DM with one user; answer its channel."""
        return {"ok": True, "channel": {"id": self._channel(args["users"])["id"]}}

    def _conversations_history(self, args: Args) -> Answer:
        """Answer a channel's top-level messages newer than ``oldest``, newest first."""
        channel = self._channel(args["channel"])["id"]
        oldest = float(args.get("oldest") or 0)
        found = [
            self._public(ts, m)
            for (c, ts), m in self.messages.items()
            if c == channel and not m.get("thread_ts") and float(ts) > oldest
        ]
        return {"ok": True, "messages": sorted(found, key=lambda m: m["ts"], reverse=True)}

    def _conversations_replies(self, args: Args) -> Answer:
        """Answer a thread: its parent and replies, oldest first."""
        channel = self._channel(args["channel"])["id"]
        parent = args["ts"]
        found = [
            self._public(ts, m)
            for (c, ts), m in self.messages.items()
            if c == channel and (ts == parent or m.get("thread_ts") == parent)
        ]
        return {"ok": True, "messages": sorted(found, key=lambda m: m["ts"])}

    @staticmethod
    def _public(ts: str, message: Args) -> Args:
        """A stored message as the history methods show it."""
        return {k: v for k, v in {**message, "ts": ts}.items() if v is not None}

    def _conversations_members(self, args: Args) -> Answer:
        """Answer a channel's members, all on one page."""
        members = self._channel(args["channel"])["members"]
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _usergroups_users_list(self, args: Args) -> Answer:
        """Answer a user group's members, or ``no_such_subteam``."""
        members = self.usergroups.get(args["usergroup"])
        if members is None:
            raise SlackError("no_such_subteam")
        return {"ok": True, "users": members}


HttpReply = _Reply


def _status_reply(fault: _Fault, delay: float) -> _Reply:
    """Build an HTTP error reply: 429 with ``Retry-After``, or a 5xx."""
    if fault.status == 429:
        headers = {"Retry-After": str(fault.retry_after)}
        return _Reply(429, {"ok": False, "error": "ratelimited"}, headers, delay)
    return _Reply(fault.status, {"ok": False, "error": "internal_error"}, delay=delay)


def _decode_args(raw: bytes, content_type: str, query: str) -> Args:
    """Merge query string and body (form or JSON) into one dict; decode JSON-valued fields."""
    args: Args = dict(parse_qsl(query, keep_blank_values=True))
    text = raw.decode("utf-8") if raw else ""
    if "json" in content_type and text:
        loaded = json.loads(text)
        if not isinstance(loaded, dict):
            raise ValueError("JSON body must be an object")
        args.update(loaded)
    elif text:
        args.update(parse_qsl(text, keep_blank_values=True))
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def _handler_for(fake: FakeSlackAPI) -> type[BaseHTTPRequestHandler]:
    """Build a request handler class bound to ``fake``."""

    class Handler(BaseHTTPRequestHandler):
        """Turn HTTP requests into :meth:`FakeSlackAPI.handle` calls."""

        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            """Answer a Web API or response_url request."""
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._send(fake.handle_request(self.path, raw, headers))

        do_GET = do_POST

        def _send(self, reply: _Reply) -> None:
            """Wait for the reply's delay, then write it as JSON."""
            if reply.delay:
                time.sleep(reply.delay)
            body = json.dumps(reply.body).encode("utf-8")
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # fails when the client gave up (a simulated timeout)

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet; calls are recorded on the fake instead."""

    return Handler
