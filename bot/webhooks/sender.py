"""The outbox sender of ``webhook`` notices: builds the body, signs it, posts it.

A notice names its URL by target id (``bot.webhooks.targets``); one whose URL is no longer
configured is skipped with a warning. Failures are raised to the outbox, which retries or
gives up (``bot.slack.outbox.classify``). URLs are never logged: they may hold a token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.incidents.records import IncidentDetail
from bot.masking.redaction import Redactor
from bot.runtime.clock import Clock
from bot.webhooks import payload, posting, signing
from bot.webhooks.targets import target_id

log = logging.getLogger(__name__)

Post = Callable[..., int]


class WebhookSender:
    """Sends webhook notices to the configured ``urls``, signed with ``secret``."""

    def __init__(
        self,
        *,
        urls: Sequence[str],
        secret: str,
        redactor: Redactor,
        clock: Clock,
        timeout: float,
        post: Post = posting.post,
    ) -> None:
        self._urls = {target_id(url): url for url in urls}
        self._secret = secret
        self._redactor = redactor
        self._clock = clock
        self._timeout = timeout
        self._post = post

    def __call__(self, detail: IncidentDetail | None, data: Mapping[str, Any]) -> None:
        """Post the event ``data`` describes; raises what the post raised."""
        target = str(data.get("target"))
        url = self._urls.get(target)
        if url is None:
            log.warning("webhook %s is no longer in SAFETYBOT_WEBHOOK_URLS: not sent", target)
            return
        if detail is None:
            raise LookupError("a webhook notice needs an incident")
        content = payload.build(detail, data, self._redactor)
        sent = payload.body(content)
        headers = signing.headers(
            self._secret,
            timestamp=int(self._clock.now().timestamp()),
            body=sent,
            delivery=content["id"],
            event=content["type"],
        )
        self._post(url, sent, headers, timeout=self._timeout)
