"""What a person can do on the playground page, turned into Slack's requests to the bot.

Each operation checks its input (unknown people, channels, messages or views are refused
with a clear message and change nothing), sends the signed request Slack would send, and
applies the bot's answer the way the Slack client does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bot.playground import payloads
from bot.playground.payloads import Actor, Chosen
from bot.playground.sender import BotReply, Sender
from bot.playground.workspace import Workspace, escape
from bot.playground.world import Ephemeral, Modal, Route, World
from bot.testing.fake_slack import BOT_ID, FakeSlackAPI, SlackError

log = logging.getLogger(__name__)
Json = dict[str, Any]
Values = dict[str, dict[str, Chosen]]
DigestPoster = Callable[[], str]


class PlaygroundError(Exception):
    """Input the playground refuses; ``status`` is the HTTP status the page gets."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Playground:
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
        self.fake = fake
        self.workspace = workspace
        self.world = World(fake, workspace)
        self.sender = sender
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

    # ------------------------------------------------------------ checks

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

    # ------------------------------------------------------------ block actions

    def act(
        self, user: str, where: Json, block_id: str, action_id: str, chosen: Chosen, values: Values
    ) -> Json:
        """A click or a choice on an element of a message, an ephemeral message or a view."""
        actor = self.actor(user)
        kind = where.get("kind")
        if kind == "message":
            return self._act_on_message(actor, where, block_id, action_id, chosen)
        if kind == "ephemeral":
            return self._act_on_ephemeral(actor, str(where.get("id")), block_id, action_id, chosen)
        if kind == "view":
            return self._act_on_view(
                actor, str(where.get("view_id")), block_id, action_id, chosen, values
            )
        raise PlaygroundError("an action needs a message, an ephemeral message or a view")

    def _act_on_message(
        self, actor: Actor, where: Json, block_id: str, action_id: str, chosen: Chosen
    ) -> Json:
        channel, ts = str(where.get("channel")), str(where.get("ts"))
        name = self._channel(actor.user_id, channel)
        message = self._message(channel, ts)
        item = self._element(message.get("blocks") or [], block_id, action_id)
        route = Route(
            channel=channel, user=actor.user_id, source_ts=ts, thread_ts=message.get("thread_ts")
        )
        payload = payloads.block_actions(
            actor,
            action=payloads.action(item, block_id, chosen, f"{time.time():.6f}"),
            container={
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": False,
            },
            trigger_id=self.world.trigger_for(actor.user_id),
            channel=name,
            message=message,
            response_url=self.world.response_url(route),
        )
        return self._send_action(payload, route, action_id)

    def _act_on_ephemeral(
        self, actor: Actor, note_id: str, block_id: str, action_id: str, chosen: Chosen
    ) -> Json:
        note = self._ephemeral(actor.user_id, note_id)
        item = self._element(note.blocks, block_id, action_id)
        channel = self.fake.channels.get(note.channel, {"name": note.channel})
        route = Route(
            channel=note.channel, user=actor.user_id, ephemeral_id=note.id, thread_ts=note.thread_ts
        )
        payload = payloads.block_actions(
            actor,
            action=payloads.action(item, block_id, chosen, f"{time.time():.6f}"),
            container={
                "type": "message",
                "message_ts": note.ts,
                "channel_id": note.channel,
                "is_ephemeral": True,
            },
            trigger_id=self.world.trigger_for(actor.user_id),
            channel=(note.channel, str(channel["name"])),
            response_url=self.world.response_url(route),
        )
        return self._send_action(payload, route, action_id)

    def _act_on_view(
        self,
        actor: Actor,
        view_id: str,
        block_id: str,
        action_id: str,
        chosen: Chosen,
        values: Values,
    ) -> Json:
        view = self._own_view(actor.user_id, view_id)
        item = self._element(view.get("blocks") or [], block_id, action_id)
        payload = payloads.block_actions(
            actor,
            action=payloads.action(item, block_id, chosen, f"{time.time():.6f}"),
            container={"type": "view", "view_id": view_id},
            trigger_id=self.world.trigger_for(actor.user_id),
            view=self._with_state(view, values),
        )
        route = Route(channel=self.fake.dm_channel(actor.user_id), user=actor.user_id)
        return self._send_action(payload, route, action_id)

    def _send_action(self, payload: Json, route: Route, action_id: str) -> Json:
        reply = self.sender.interaction(payload)
        self._log(f"block action {action_id}", reply)
        self._failed(reply, route, "That button")
        return {"ok": reply.status == 200}

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

    # ------------------------------------------------------------ modals

    def submit(self, user: str, view_id: str, values: Values) -> Json:
        """Submit the top modal; answer the inline errors, or apply the response action."""
        actor = self.actor(user)
        if self.world.top_modal(user, view_id) is None:
            raise PlaygroundError("that modal is no longer open", 409)
        view = self._with_state(self._own_view(user, view_id), values)
        missing = payloads.missing_required(view, view["state"]["values"])
        if missing:
            return self._show_errors(user, view_id, missing)
        reply = self.sender.interaction(
            payloads.view_submission(actor, view=view, trigger_id=self.world.trigger_for(user))
        )
        self._log(f"view submission {view.get('callback_id', '')}", reply)
        if reply.status != 200 or reply.too_slow:
            return self._show_errors(
                user, view_id, {}, "We had some trouble connecting. Try again?"
            )
        return self._apply_response_action(user, view_id, reply.json() or {})

    def _apply_response_action(self, user: str, view_id: str, body: Json) -> Json:
        action = body.get("response_action")
        stack = self.world.stack(user)
        with self.world.lock:
            if action == "errors":
                return self._show_errors(user, view_id, dict(body.get("errors") or {}))
            if action == "update":
                if self._put(body.get("view"), view_id) and stack:
                    stack[-1].errors = {}
            elif action == "push":
                stored = self._put(body.get("view"))
                if stored:
                    stack.append(Modal(stored))
            elif action == "clear":
                stack.clear()
            elif stack and stack[-1].view_id == view_id:
                stack.pop()
            self.world.touch()
        return {"ok": True}

    def _put(self, view: Any, view_id: str | None = None) -> str | None:
        """Store a view from a response action; one Slack would refuse is logged, not shown."""
        try:
            return str(self.fake.put_view(view, view_id)["id"])
        except (SlackError, TypeError, KeyError) as exc:
            self.world.record("to bot", "response_action view refused", False, str(exc))
            return None

    def _show_errors(
        self, user: str, view_id: str, errors: dict[str, str], banner: str = ""
    ) -> Json:
        with self.world.lock:
            modal = self.world.top_modal(user, view_id)
            if modal is not None:
                modal.errors = {str(k): str(v) for k, v in errors.items()}
                if banner:
                    modal.errors["_"] = banner
            self.world.touch()
        return {"ok": False, "errors": errors, "message": banner}

    def close(self, user: str, view_id: str, values: Values) -> Json:
        """Close the top modal; tell the bot when the view asked (``notify_on_close``)."""
        actor = self.actor(user)
        if self.world.top_modal(user, view_id) is None:
            raise PlaygroundError("that modal is no longer open", 409)
        view = self._own_view(user, view_id)
        with self.world.lock:
            self.world.stack(user).pop()
            self.world.touch()
        if view.get("notify_on_close"):
            reply = self.sender.interaction(
                payloads.view_closed(actor, view=self._with_state(view, values))
            )
            self._log("view closed", reply)
        return {"ok": True}

    # ------------------------------------------------------------ app home and digest

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

    # ------------------------------------------------------------ answers

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
