"""The benchmark's baseline: a Bolt app whose handlers only ack, served as the bot is.

Run as its own process (``python -m tests.bench.bare_app PORT API_URL``) so that it stands
where ``safetybot run`` stands: the same ASGI adapter under uvicorn on loopback.
"""

from __future__ import annotations

import sys

import uvicorn
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.http import SlackHttpApp
from tests.e2e.harness import BOT_TOKEN, SIGNING_SECRET


def bare_app(api_url: str) -> SlackHttpApp:
    """A Bolt app whose handlers only ack: the floor any Bolt app stands on."""
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=api_url),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
    )

    @app.command("/safety")
    def command(ack: Ack) -> None:
        ack()

    @app.shortcut("report_message")
    def shortcut(ack: Ack) -> None:
        ack()

    @app.view("report")
    def view(ack: Ack) -> None:
        ack()

    return SlackHttpApp(app, signing_secret=SIGNING_SECRET)


if __name__ == "__main__":
    port, api_url = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(bare_app(api_url), host="127.0.0.1", port=port, log_level="warning")
