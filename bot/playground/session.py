"""What a person can do on the playground page, turned into Slack's requests to the bot.

Each operation checks its input (unknown people, channels, messages or views are refused
with a clear message and change nothing), sends the signed request Slack would send, and
applies the bot's answer the way the Slack client does.

The operations are split by what they act on: block actions (``block_actions``), modals
(``modals``); the lookups and answers they share are ``operations``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.playground import payloads
from bot.playground.block_actions import BlockActions
from bot.playground.modals import ModalOperations
from bot.playground.operations import Json, PlaygroundError
from bot.playground.sender import BotReply, Sender
from bot.playground.workspace import Workspace, escape
from bot.playground.world import Route
from bot.testing.fake_slack import BOT_ID, FakeSlackAPI

__all__ = ["Playground", "PlaygroundError"]

log = logging.getLogger(__name__)
DigestPoster = Callable[[], str]


class Playground(BlockActions, ModalOperations):
    """The operations behind the page's buttons."""

    def __init__(
        self,
        *,
        fake: FakeSlackAPI,
        workspace: Workspace,
        sender: Sender,
        command: str,
        message_shortcuts: dict[str, str],
        global_shortcuts: dict[str, str],
        post_digest: DigestPoster | None = None,
    ) -> None:
        super().__init__(fake=fake, workspace=workspace, sender=sender)
        self.command_name = command
        self.message_shortcuts = message_shortcuts
        self.global_shortcuts = global_shortcuts
        self.digest = post_digest

    def app_info(self) -> Json:
        """What the app installs in the workspace: its slash command and shortcuts."""
        return {
            "command": self.command_name,
            "shortcuts": {
                "message": [
                    {"callback_id": k, "name": v} for k, v in self.message_shortcuts.items()
                ],
                "global": [{"callback_id": k, "name": v} for k, v in self.global_shortcuts.items()],
            },
        }

    # ------------------------------------------------------------ the composer

    def say(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Json:
        """Post what was typed, or run it as a slash command when it starts with ``/``."""
        if not text.strip():
            raise PlaygroundError("type a message first")
        if text.lstrip().startswith("/"):
            return self.slash(user, channel, text.strip(), thread_ts)
        self.actor(user)
        self._channel(user, channel)
        if thread_ts:
            self._message(channel, thread_ts)
        ts = self.fake.post_message(channel, user=user, text=escape(text), thread_ts=thread_ts)
        self.world.touch()
        return {"ok": True, "ts": ts}

    def slash(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> Json:
        """A slash command: the form, then the ack body shown as Slack shows it."""
        actor = self.actor(user)
        where = self._channel(user, channel)
        name, _, rest = text.partition(" ")
        route = Route(channel=channel, user=user, thread_ts=thread_ts)
        if name != self.command_name:
            self.world.slackbot(
                route,
                f"`{escape(name)}` is not a valid command. In the playground only `{self.command_name}` is installed.",
            )
            return {"ok": False}
        form = payloads.slash_command(
            actor,
            command=name,
            text=escape(rest.strip()),
            channel=where,
            response_url=self.world.response_url(route),
            trigger_id=self.world.trigger_for(user),
        )
        reply = self.sender.form(form)
        self._log(f"slash command {name} {rest.strip()[:40]}", reply)
        if self._failed(reply, route, name):
            return {"ok": False}
        self._show_ack_message(reply, route)
        return {"ok": True}

    def _show_ack_message(self, reply: BotReply, route: Route) -> None:
        """A slash command's immediate answer: ephemeral unless ``in_channel``."""
        body = reply.json()
        if body is None:
            text = reply.body.decode("utf-8", "replace").strip()
            if text:
                self.world.add_ephemeral(route, text=escape(text))
            return
        if not body.get("text") and not body.get("blocks"):
            return
        if body.get("response_type") == "in_channel":
            self.fake.post_message(
                route.channel,
                user=None,
                bot_id=BOT_ID,
                text=str(body.get("text") or ""),
                blocks=body.get("blocks"),
                thread_ts=route.thread_ts,
            )
            self.world.touch()
        else:
            self.world.add_ephemeral(
                route, text=str(body.get("text") or ""), blocks=body.get("blocks")
            )

    # ------------------------------------------------------------ shortcuts

    def message_shortcut(self, user: str, channel: str, ts: str, callback_id: str) -> Json:
        """A message shortcut from the "⋯" menu of a message."""
        actor = self.actor(user)
        where = self._channel(user, channel)
        message = self._message(channel, ts)
        if callback_id not in self.message_shortcuts:
            raise PlaygroundError(f"no message shortcut {callback_id!r}")
        route = Route(channel=channel, user=user, thread_ts=message.get("thread_ts"))
        payload = payloads.message_action(
            actor,
            callback_id=callback_id,
            channel=where,
            message=message,
            response_url=self.world.response_url(route),
            trigger_id=self.world.trigger_for(user),
            action_ts=f"{time.time():.6f}",
        )
        reply = self.sender.interaction(payload)
        self._log(f"message shortcut {callback_id}", reply)
        self._failed(reply, route, self.message_shortcuts[callback_id])
        return {"ok": reply.status == 200}

    def global_shortcut(self, user: str, callback_id: str, channel: str) -> Json:
        """A global shortcut from the shortcuts menu."""
        actor = self.actor(user)
        self._channel(user, channel)
        if callback_id not in self.global_shortcuts:
            raise PlaygroundError(f"no global shortcut {callback_id!r}")
        payload = payloads.global_shortcut(
            actor,
            callback_id=callback_id,
            trigger_id=self.world.trigger_for(user),
            action_ts=f"{time.time():.6f}",
        )
        reply = self.sender.interaction(payload)
        self._log(f"shortcut {callback_id}", reply)
        self._failed(reply, Route(channel=channel, user=user), self.global_shortcuts[callback_id])
        return {"ok": reply.status == 200}

    # ------------------------------------------------------------ block actions    # ------------------------------------------------------------ app home and digest

    def open_home(self, user: str) -> Json:
        """Open the app's Home tab: the ``app_home_opened`` event."""
        actor = self.actor(user)
        home_id = self.fake.homes.get(user)
        view = self.fake.views.get(home_id or "")
        envelope = payloads.app_home_opened(
            actor,
            channel=self.fake.dm_channel(user),
            view=dict(view) if view else None,
            event_id=self.world.next_id("Ev"),
            event_ts=f"{time.time():.6f}",
        )
        reply = self.sender.event(envelope)
        self._log("event app_home_opened", reply)
        return {"ok": reply.status == 200}

    def post_digest(self, user: str) -> Json:
        """Post the weekly digest to the digest channel now."""
        self.actor(user)
        if self.digest is None:
            message = (
                "The weekly digest is not part of this build yet, so there is nothing to post."
            )
            self.world.record("playground", "post digest", False, message)
            return {"ok": False, "message": message}
        try:
            message = self.digest()
        except Exception as exc:  # shown on the page; the server keeps running
            log.exception("posting the digest failed")
            self.world.record("playground", "post digest", False, str(exc))
            return {"ok": False, "message": f"Posting the digest failed: {exc}"}
        self.world.record("playground", "post digest", True, message)
        return {"ok": True, "message": message}
