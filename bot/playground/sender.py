"""Sends the bot signed requests, as Slack does: a form, a ``payload=`` form, or JSON."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
SLACK_ACK_LIMIT = 3.0  # Slack shows an error when an app takes longer to answer


@dataclass(frozen=True)
class BotReply:
    """The bot's HTTP answer and how long it took."""

    status: int
    body: bytes
    seconds: float

    def json(self) -> dict[str, Any] | None:
        """The body as a JSON object; ``None`` when empty or not an object."""
        try:
            loaded = json.loads(self.body) if self.body.strip() else None
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None

    @property
    def too_slow(self) -> bool:
        """Whether Slack would have given up waiting for this answer."""
        return self.seconds > SLACK_ACK_LIMIT


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature of ``body`` sent at ``timestamp``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Sender:
    """Posts signed requests to the bot's ``/slack/events``."""

    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = 30.0,
    ) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.clock = clock
        self.timeout = timeout

    def form(self, fields: dict[str, str]) -> BotReply:
        """A slash command."""
        return self._post(urlencode(fields).encode(), FORM)

    def interaction(self, payload: dict[str, Any]) -> BotReply:
        """A shortcut, block action or view submission: ``payload=`` JSON in a form."""
        return self._post(urlencode({"payload": json.dumps(payload)}).encode(), FORM)

    def event(self, envelope: dict[str, Any]) -> BotReply:
        """An Events API callback."""
        return self._post(json.dumps(envelope).encode(), JSON_TYPE)

    def _post(self, body: bytes, content_type: str) -> BotReply:
        timestamp = str(int(self.clock()))
        request = urllib.request.Request(
            self.events_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": sign(self.signing_secret, timestamp, body),
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            },
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return BotReply(response.status, response.read(), time.monotonic() - started)
        except urllib.error.HTTPError as error:
            return BotReply(error.code, error.read(), time.monotonic() - started)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = str(getattr(error, "reason", error)).encode()
            return BotReply(0, reason, time.monotonic() - started)
