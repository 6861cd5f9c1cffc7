"""What every playground operation shares: the lookups that refuse what a person may not
touch (unknown people, channels, messages, views) and the way the bot's answer is reported
(Slack's own note when it failed, a line in the page's log)."""

from __future__ import annotations

from typing import Any

from bot.playground import payloads
from bot.playground.payloads import Actor, Chosen
from bot.playground.sender import BotReply, Sender
from bot.playground.workspace import Workspace, escape
from bot.playground.world import Ephemeral, Route, World
from bot.testing.fake_slack import BOT_ID, FakeSlackAPI

Json = dict[str, Any]
Values = dict[str, dict[str, Chosen]]


class PlaygroundError(Exception):
    """Input the playground refuses; ``status`` is the HTTP status the page gets."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Operations:
    """The state an operation works on, its lookups, and how it reports an answer."""

    def __init__(self, *, fake: FakeSlackAPI, workspace: Workspace, sender: Sender) -> None:
        self.fake = fake
        self.workspace = workspace
        self.world = World(fake, workspace)
        self.sender = sender

    def actor(self, user: str) -> Actor:
        """The acting person; an unknown id is refused."""
        person = self.workspace.person(user)
        if person is None:
            raise PlaygroundError(f"unknown person {user!r}")
        ws = self.workspace
        return Actor(person.id, person.name, ws.team_id, ws.team_domain, ws.app_id)

    def _channel(self, user: str, channel: str) -> tuple[str, str]:
        """A channel ``user`` may write in, as ``(id, name)``."""
        info = self.fake.channels.get(channel)
        dm = self.fake.dm_channel(user)
        if info is None or (channel != dm and info["is_private"] and user not in info["members"]):
            raise PlaygroundError(f"no channel {channel!r} for this person", 404)
        return channel, str(info["name"])

    def _message(self, channel: str, ts: str) -> Json:
        message = self.fake.messages.get((channel, ts))
        if message is None:
            raise PlaygroundError("that message is gone", 404)
        return message

    def _element(self, blocks: list[Any], block_id: str, action_id: str) -> Json:
        found = payloads.find_element(blocks, block_id, action_id)
        if found is None:
            raise PlaygroundError("that button or menu is no longer there", 409)
        return found[1]

    def _ephemeral(self, user: str, note_id: str) -> Ephemeral:
        with self.world.lock:
            for note in self.world.ephemerals:
                if note.id == note_id and note.user == user:
                    return note
        raise PlaygroundError("that message is gone", 404)

    def _own_view(self, user: str, view_id: str) -> Json:
        """A view ``user`` has open: a modal on their stack or their home tab."""
        with self.world.lock:
            mine = {m.view_id for m in self.world.stack(user)} | {self.fake.homes.get(user)}
            view = self.fake.views.get(view_id)
            if view is None or view_id not in mine:
                raise PlaygroundError("that view is no longer open", 409)
            return dict(view)

    def _with_state(self, view: Json, values: Values) -> Json:
        ws = self.workspace
        submitted = {
            **view,
            "team_id": ws.team_id,
            "app_id": ws.app_id,
            "bot_id": BOT_ID,
            "state": {"values": payloads.state_values(view, values)},
        }
        return submitted

    def _failed(self, reply: BotReply, route: Route, what: str) -> bool:
        """Show Slack's note when the bot did not answer in time or answered an error."""
        if reply.too_slow:
            self.world.slackbot(
                route,
                f'{escape(what)} failed with the error "operation_timeout" (the app took {reply.seconds:.1f} s; Slack waits 3 s).',
            )
            return True
        if reply.status != 200:
            error = "dispatch_failed" if reply.status == 0 else f"http_error_{reply.status}"
            self.world.slackbot(route, f'{escape(what)} failed with the error "{error}".')
            return True
        return False

    def _log(self, summary: str, reply: BotReply) -> None:
        detail = f"HTTP {reply.status} in {reply.seconds * 1000:.0f} ms"
        if reply.status != 200:
            detail += ": " + reply.body.decode("utf-8", "replace")[:300]
        self.world.record("to bot", summary, reply.status == 200 and not reply.too_slow, detail)
