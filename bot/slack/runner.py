"""Socket Mode: the bot connects out to Slack, so no public URL is needed."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


class SocketModeRunner:
    """Serves ``app`` over a Socket Mode connection opened with the app-level token."""

    def __init__(self, app_token: str) -> None:
        self.app_token = app_token
        self._handler: SocketModeHandler | None = None

    def run(self, app: App) -> None:
        """Connect and serve until the process is stopped."""
        self._handler = SocketModeHandler(app, self.app_token)
        print("safetybot connected in Socket Mode", flush=True)
        self._handler.start()

    def connected(self) -> bool:
        """Whether the socket to Slack is open now."""
        return self._handler is not None and bool(self._handler.client.is_connected())
