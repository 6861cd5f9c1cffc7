"""Socket Mode requests are acked over the socket and counted like HTTP ones."""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack.runner import CountingHandler
from bot.testing.fake_slack import FakeSlackAPI
from bot.web.metrics import Metrics
from tests.e2e.harness import BOT_TOKEN


class FakeClient:
    """Records what would go back over the socket."""

    def __init__(self) -> None:
        self.sent: list[SocketModeResponse] = []
        self.logger = logging.getLogger("socket-mode-test")

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


def _app(fake: FakeSlackAPI) -> App:
    client = WebClient(token=BOT_TOKEN, base_url=fake.url)
    app = App(client=client, signing_secret="s", token_verification_enabled=False)

    @app.command("/safety")
    def command(ack: Ack) -> None:
        ack("on it")

    return app


def _samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.exposition()[0].decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_command_over_the_socket_is_acked_and_counted() -> None:
    """The ack goes back with the envelope id; the request counts as an ok command with a latency."""
    metrics = Metrics()
    client = FakeClient()
    payload: dict[str, Any] = {"command": "/safety", "text": "help", "user_id": "U1"}
    with FakeSlackAPI(tokens=(BOT_TOKEN,)) as fake:
        handler = CountingHandler(_app(fake), "xapp-1-test", metrics.slack_payload)
        try:
            handler.handle(
                client,  # type: ignore[arg-type]
                SocketModeRequest(type="slash_commands", envelope_id="E1", payload=payload),
            )
        finally:
            handler.client.close()
    assert [r.envelope_id for r in client.sent] == ["E1"]
    assert client.sent[0].payload == {"text": "on it"}
    samples = _samples(metrics)
    ok = ("safetybot_slack_requests_total", (("kind", "command"), ("outcome", "ok")))
    assert samples[ok] == 1
    latency = ("safetybot_slack_ack_seconds_count", (("kind", "command"),))
    assert samples[latency] == 1
