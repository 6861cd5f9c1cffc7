"""Submitting and closing a modal, and applying the bot's answer to a submission (inline
errors or a ``response_action``) to the person's stack of modals as the Slack client does."""

from __future__ import annotations

from typing import Any

from bot.playground import payloads
from bot.playground.operations import Json, Operations, PlaygroundError, Values
from bot.playground.world import Modal
from bot.testing.fake_slack import SlackError


class ModalOperations(Operations):
    """The playground's modal submissions and closes."""

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
