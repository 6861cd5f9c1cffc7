"""What the fake Slack Web API knows: the workspace (channels, people, user groups), the
messages and views stored so far, and the trigger ids it issued. The method families
(``fake_slack_chat``, ``fake_slack_views``, ``fake_slack_directory``) work on this state;
every change holds :attr:`FakeWorkspace.lock`."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable

from bot.testing.fake_slack_wire import Args, SlackError

BOT_USER = "U0BOT"
BOT_ID = "B0BOT"


class FakeWorkspace:
    """The state behind the fake Web API, and the ways tests and the playground change it."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """An empty workspace; ``clock`` times trigger ids."""
        self.clock = clock
        self.channels: dict[str, Args] = {}
        self.users: dict[str, Args] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.messages: dict[tuple[str, str], Args] = {}
        self.views: dict[str, Args] = {}
        self.homes: dict[str, str] = {}
        self._cond = threading.Condition(threading.RLock())
        self._ids = itertools.count(1)
        self._triggers: dict[str, float] = {}
        self._used_triggers: set[str] = set()

    @property
    def lock(self) -> threading.Condition:
        """The lock every change to the fake's state holds (re-entrant); hold it to read state."""
        return self._cond

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
