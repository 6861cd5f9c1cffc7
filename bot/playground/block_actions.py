"""A click or a choice on an element of a message, an ephemeral message or a view, sent
to the bot as Slack's ``block_actions`` payload."""

from __future__ import annotations

import time

from bot.playground import payloads
from bot.playground.operations import Json, Operations, PlaygroundError, Values
from bot.playground.payloads import Actor, Chosen
from bot.playground.world import Route


class BlockActions(Operations):
    """The playground's block actions."""

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
