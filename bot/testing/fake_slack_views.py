"""The ``views.*`` methods of the fake Slack Web API: modals and home tabs, validated as
Slack validates them, opened only with a fresh trigger id."""

from __future__ import annotations

from typing import Any

from bot.slack.block_limits import BlockKitError, validate_view
from bot.testing.fake_slack_state import FakeWorkspace
from bot.testing.fake_slack_wire import Answer, Args, SlackError

TRIGGER_TTL = 3.0


class ViewMethods(FakeWorkspace):
    """Open, push, update and publish views; issue and accept trigger ids."""

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
