"""Socket Mode: the bot connects out to Slack, so no public URL is needed."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


def run_socket_mode(app: App, app_token: str) -> None:
    """Connect with the app-level token and serve until stopped."""
    print("safetybot connected in Socket Mode", flush=True)
    SocketModeHandler(app, app_token).start()
