"""The benchmark's baselines: Bolt apps whose handlers only ack, served as the bot is.

Run as its own process (``python -m tests.bench.bare_app PORT API_URL [sync|poll]``) so that
it stands where ``safetybot run`` stands: the same ASGI adapter under uvicorn on loopback.

``sync`` (the baseline) answers with the ack on the request's thread
(``process_before_response=True``), as the bot does. ``poll`` is Bolt's default ``App``: the
listener runs in a thread pool while the request's thread checks for the ack every 10 ms, so
no ack comes back sooner than that; it is measured for reference only.
"""

from __future__ import annotations

import sys

import uvicorn
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.http import SlackHttpApp
from tests.e2e.harness import BOT_TOKEN, SIGNING_SECRET


def bare_app(api_url: str, *, synchronous: bool = True) -> SlackHttpApp:
    """A Bolt app whose handlers only ack: the floor any Bolt app stands on."""
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=api_url),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        process_before_response=synchronous,
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
    mode = sys.argv[3] if len(sys.argv) > 3 else "sync"
    if mode not in ("sync", "poll"):
        sys.exit(f"unknown mode {mode!r}: sync or poll")
    app = bare_app(api_url, synchronous=mode == "sync")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
