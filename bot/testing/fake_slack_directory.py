"""Who and where, in the fake Slack Web API: ``auth.test``, ``users.info``, the
``conversations.*`` methods and ``usergroups.users.list``."""

from __future__ import annotations

from bot.testing.fake_slack_state import BOT_ID, BOT_USER, FakeWorkspace
from bot.testing.fake_slack_wire import Answer, Args, SlackError


class DirectoryMethods(FakeWorkspace):
    """Answer who the bot is, who people are, what channels hold and who is in a group."""

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
