"""The ``chat.*`` methods of the fake Slack Web API and ``response_url`` posts, with the
checks Slack makes on a message's text and blocks."""

from __future__ import annotations

from bot.slack.block_limits import BlockKitError, validate_blocks
from bot.testing.fake_slack_state import BOT_ID, BOT_USER, FakeWorkspace
from bot.testing.fake_slack_wire import Answer, Args, SlackError


class ChatMethods(FakeWorkspace):
    """Post, update, delete and link messages as Slack does."""

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

    def _response_url(self, args: Args) -> Answer:
        """Accept a response_url POST; its blocks must be valid like a message's."""
        if "blocks" in args:
            try:
                validate_blocks(args["blocks"], surface="message")
            except BlockKitError as exc:
                raise SlackError(exc.code, [f"[ERROR] {exc}"]) from exc
        return {"ok": True}

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
