"""Socket Mode: the bot connects out to Slack, so no public URL is needed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack.after_ack import answer_first
from bot.slack.payloads import malformed

log = logging.getLogger(__name__)

# Told of every request served: its payload, the status Bolt answered, seconds to the ack.
Counter = Callable[[dict[str, Any], int, float], None]


class CountingHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, telling ``count`` about each request once it is acked."""

    def __init__(self, app: App, app_token: str, count: Counter) -> None:
        super().__init__(app, app_token)
        self.count = count

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        started = time.perf_counter()
        problem = malformed(req.payload)
        if problem:
            # Acked so Slack does not send it again; Bolt never sees it.
            log.warning("malformed Socket Mode request refused: %s", problem)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            status = 400
        else:
            with answer_first():  # the listener's work after its ack starts once it is sent
                response = run_bolt_app(self.app, req)
                send_response(client, req, response, time.time())
            status = response.status
        self.count(req.payload or {}, status, time.perf_counter() - started)


class SocketModeRunner:
    """Serves ``app`` over a Socket Mode connection opened with the app-level token."""

    def __init__(self, app_token: str, count: Counter = lambda payload, status, seconds: None):
        self.app_token = app_token
        self.count = count
        self._handler: SocketModeHandler | None = None

    def run(self, app: App) -> None:
        """Connect and serve until the process is stopped."""
        self._handler = CountingHandler(app, self.app_token, self.count)
        print("safetybot connected in Socket Mode", flush=True)
        self._handler.start()

    def connected(self) -> bool:
        """Whether the socket to Slack is open now."""
        return self._handler is not None and bool(self._handler.client.is_connected())
