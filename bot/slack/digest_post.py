"""The weekly digest in Slack: render ``templates/digest/weekly`` and post it to a channel.

The digest is posted by the outbox (``bot.slack.outbox``) like every other message: the
digest job queues it, and ``sender`` is what the outbox's delivery calls for it. Errors are
the Web API's own, for the outbox to classify (retry, wait for ``Retry-After``, or give up).
Each post carries the week in its message metadata, so a retry after an attempt whose
answer was lost (a timeout) can look for it in the channel first instead of posting twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.digest.posting import DigestRunner
from bot.slack import earlier_post
from bot.slack.blocks import TemplateRenderer
from bot.slack.outbox import MAYBE_SENT

TEMPLATE = "digest/weekly"
METADATA_TYPE = "safetybot_digest"


class DigestPoster:
    """Renders the digest and posts it with ``chat.postMessage``."""

    def __init__(self, client: WebClient, renderer: TemplateRenderer) -> None:
        self.client = client
        self.renderer = renderer

    def message(self, context: dict[str, Any]) -> dict[str, Any]:
        """The digest as a validated ``{"text", "blocks"}`` message."""
        return self.renderer.render_message(TEMPLATE, **{**context, "terminal": False})

    def text(self, context: dict[str, Any]) -> str:
        """The digest as text, as given (``context["terminal"]`` picks the escaping)."""
        return self.renderer.render_text(TEMPLATE, **context)

    def post(self, channel: str, context: dict[str, Any]) -> str:
        """Post the digest to ``channel`` and return the message ``ts``."""
        message = self.message(context)
        metadata = earlier_post.stamp(METADATA_TYPE, week=context["week_label"])
        response = self.client.chat_postMessage(
            channel=channel, metadata=metadata, unfurl_links=False, **message
        )
        return str(response["ts"])

    def find(self, channel: str, week_label: str) -> str | None:
        """The ``ts`` of this week's digest among the channel's newest messages, if there."""
        return earlier_post.find(
            self.client, channel, earlier_post.stamp(METADATA_TYPE, week=week_label)
        )


def sender(runner: DigestRunner) -> Callable[[Any, dict[str, Any]], None]:
    """The outbox sender of digest messages (``Delivery.register``): the runner's delivery,
    told whether an earlier attempt of this message may have reached Slack unanswered."""

    def send(detail: Any, data: dict[str, Any]) -> None:
        runner.deliver(data, uncertain=bool(data.get(MAYBE_SENT)))

    return send
