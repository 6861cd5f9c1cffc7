"""What the playground page shows: the fake Slack's messages and views, plus what only a
Slack client knows: ephemeral messages, each person's stack of open modals, where a
``response_url`` points, and a log of the protocol traffic.

The Web API calls the bot makes are read from :class:`FakeSlackAPI`'s record in order
(:meth:`World.sync`), so the fake stays the one place that answers the bot.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bot.playground.workspace import Workspace
from bot.testing.fake_slack import BOT_ID, BOT_USER, RESPONSE_URL, Call, FakeSlackAPI, SlackError

SLACKBOT = "USLACKBOT"
LOG_SIZE = 200
MAX_STACK = 3  # Slack allows three modals on a stack


@dataclass
class Route:
    """Where posts to one ``response_url`` go: the channel, the person, the source message."""

    channel: str
    user: str
    source_ts: str | None = None
    ephemeral_id: str | None = None
    thread_ts: str | None = None


@dataclass
class Ephemeral:
    """A message only ``user`` sees, in ``channel``."""

    id: str
    channel: str
    user: str
    ts: str
    text: str
    blocks: list[Any]
    author: str = BOT_USER
    thread_ts: str | None = None


@dataclass
class Modal:
    """An open modal on someone's stack, with the inline errors the bot answered."""

    view_id: str
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LogEntry:
    """One line of the protocol log: a request to the bot or a Web API call from it."""

    at: float
    direction: str
    summary: str
    ok: bool
    detail: str = ""


class World:
    """The state of the playground beyond the fake's messages; safe to use from any thread."""

    def __init__(self, fake: FakeSlackAPI, workspace: Workspace) -> None:
        self.fake = fake
        self.workspace = workspace
        self.lock = fake.lock  # one lock: the page never sees half of a Web API call
        self.ephemerals: list[Ephemeral] = []
        self.routes: dict[str, Route] = {}
        self.stacks: dict[str, list[Modal]] = {}
        self.log: deque[LogEntry] = deque(maxlen=LOG_SIZE)
        self.seen_at: dict[str, float] = {}
        self._owners: dict[str, str] = {}
        self._cursor = 0
        self._changes = 0
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ versions

    @property
    def version(self) -> int:
        """Grows whenever something the page shows may have changed."""
        with self.lock:
            return len(self.fake.calls) + self._changes

    def touch(self) -> None:
        """Note a change made here rather than through a Web API call."""
        with self.lock:
            self._changes += 1

    # ------------------------------------------------------------ issuing

    def trigger_for(self, user: str) -> str:
        """A fresh trigger id for an interaction by ``user``."""
        with self.lock:
            trigger = self.fake.issue_trigger_id()
            self._owners[trigger] = user
            return trigger

    def response_url(self, route: Route) -> str:
        """A new ``response_url`` whose posts go to ``route``."""
        with self.lock:
            name = f"r{next(self._ids)}"
            self.routes[name] = route
            return self.fake.response_url(name)

    def next_id(self, prefix: str) -> str:
        """A new id for something the playground makes (events, ephemeral messages)."""
        return f"{prefix}{next(self._ids):06d}"

    # ------------------------------------------------------------ changes by the page

    def add_ephemeral(
        self,
        route: Route,
        *,
        text: str = "",
        blocks: list[Any] | None = None,
        author: str = BOT_USER,
    ) -> Ephemeral:
        """Show a message only to ``route.user``."""
        with self.lock:
            note = Ephemeral(
                id=self.next_id("E"),
                channel=route.channel,
                user=route.user,
                ts=self.fake.next_ts(),
                text=text,
                blocks=list(blocks or []),
                author=author,
                thread_ts=route.thread_ts,
            )
            self.ephemerals.append(note)
            self.touch()
            return note

    def slackbot(self, route: Route, text: str) -> None:
        """An ephemeral note from Slackbot, as Slack shows when an app fails to answer."""
        self.add_ephemeral(route, text=text, author=SLACKBOT)

    def record(self, direction: str, summary: str, ok: bool, detail: str = "") -> None:
        """Add a line to the protocol log."""
        with self.lock:
            self.log.append(LogEntry(time.time(), direction, summary, ok, detail))
            self.touch()

    def stack(self, user: str) -> list[Modal]:
        """``user``'s open modals, bottom first."""
        with self.lock:
            return self.stacks.setdefault(user, [])

    def top_modal(self, user: str, view_id: str) -> Modal | None:
        """The top modal of ``user`` if it is ``view_id``."""
        with self.lock:
            stack = self.stack(user)
            return stack[-1] if stack and stack[-1].view_id == view_id else None

    # ------------------------------------------------------------ what the bot did

    def sync(self) -> None:
        """Apply the Web API calls the bot made since the last sync, in order."""
        with self.lock:
            calls = self.fake.calls_since(self._cursor)
            self._cursor += len(calls)
            for call in calls:
                self._apply(call)

    def _apply(self, call: Call) -> None:
        self._log_call(call)
        if not call.ok:
            return
        if call.method in ("views.open", "views.push"):
            self._opened(call)
        elif call.method == "chat.postEphemeral":
            self._posted_ephemeral(call)
        elif call.method == RESPONSE_URL:
            self._responded(call)

    def _log_call(self, call: Call) -> None:
        where = call.args.get("channel") or call.args.get("user_id") or ""
        summary = f"{call.method} {where}".strip()
        if call.method == RESPONSE_URL:
            summary = f"POST response_url {call.args.get('response_url_name', '')}"
        detail = "" if call.ok else _error_text(call)
        self.log.append(LogEntry(time.time(), "web api", summary, call.ok, detail))

    def _opened(self, call: Call) -> None:
        user = self._owners.get(str(call.args.get("trigger_id")))
        view_id = str(call.response.get("view", {}).get("id", ""))
        if user is None or not view_id:
            return
        stack = self.stack(user)
        if call.method == "views.open":
            stack.clear()
        if len(stack) < MAX_STACK:
            stack.append(Modal(view_id))

    def _posted_ephemeral(self, call: Call) -> None:
        channel = self._channel_id(str(call.args["channel"]))
        route = Route(
            channel=channel, user=str(call.args["user"]), thread_ts=call.args.get("thread_ts")
        )
        self.add_ephemeral(
            route, text=str(call.args.get("text") or ""), blocks=call.args.get("blocks")
        )

    def _responded(self, call: Call) -> None:
        route = self.routes.get(str(call.args.get("response_url_name")))
        if route is None:
            return
        args = call.args
        text, blocks = str(args.get("text") or ""), args.get("blocks") or []
        has_source = bool(route.source_ts or route.ephemeral_id)
        explicit_replace = _flag(args.get("replace_original"))
        if _flag(args.get("delete_original")) and has_source:
            self._delete_source(route)
        elif has_source and (
            explicit_replace is True or (explicit_replace is None and not args.get("response_type"))
        ):
            self._replace_source(route, text, blocks)
        elif args.get("response_type") == "in_channel":
            self.fake.post_message(
                route.channel,
                user=BOT_USER,
                bot_id=BOT_ID,
                text=text,
                blocks=blocks,
                thread_ts=args.get("thread_ts") or route.thread_ts,
            )
        else:
            self.add_ephemeral(route, text=text, blocks=blocks)

    def _replace_source(self, route: Route, text: str, blocks: list[Any]) -> None:
        if route.ephemeral_id:
            for note in self.ephemerals:
                if note.id == route.ephemeral_id:
                    note.text, note.blocks = text, list(blocks)
            return
        try:
            self.fake.update_message(route.channel, str(route.source_ts), text=text, blocks=blocks)
        except SlackError:
            self.record("web api", "response_url replace_original", False, "message_not_found")

    def _delete_source(self, route: Route) -> None:
        if route.ephemeral_id:
            self.ephemerals = [e for e in self.ephemerals if e.id != route.ephemeral_id]
        else:
            self.fake.delete_message(route.channel, str(route.source_ts))

    def _channel_id(self, channel: str) -> str:
        try:
            return self.fake.dm_channel(channel) if channel in self.fake.users else channel
        except SlackError:
            return channel


def _flag(value: Any) -> bool | None:
    """A JSON or form boolean; ``None`` when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _error_text(call: Call) -> str:
    error = str(call.response.get("error") or f"HTTP {call.status}")
    messages = (call.response.get("response_metadata") or {}).get("messages") or []
    return "; ".join([error, *map(str, messages)])
