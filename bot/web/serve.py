"""Start the bot for real: checks the configuration, upgrades the database, serves Slack."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from bot.config import Settings

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.web.asgi_io import ASGIApp
    from bot.wiring import Services

log = logging.getLogger(__name__)


def serve(settings: Settings) -> None:
    """Run until stopped; fails with one line when Slack credentials are missing."""
    from bot.playground.launch import prepare, wanted

    launch = prepare(settings) if wanted(settings) else None  # no tokens at all: the playground
    settings = launch.settings if launch else settings
    services = start_serving(settings)
    from bot.wiring import build_http

    if settings.socket_mode:
        from bot.slack.runner import SocketModeRunner

        assert settings.slack_app_token is not None
        token = settings.slack_app_token.get_secret_value()
        serve_socket_mode(services, SocketModeRunner(token, services.metrics.slack_payload))
        return
    if launch is not None:
        from bot.wiring import build_playground

        launch.serve(build_playground(services, build_http(services), launch))
        return
    serve_http(build_http(services), settings)


def start_serving(settings: Settings) -> Services:
    """What every way of serving Slack does first: insist on Slack's credentials, configure
    logging, build the services and upgrade the database."""
    from bot.wiring import start

    settings.require_slack()
    configure_logging(settings)
    return start(settings)


def serve_http(app: ASGIApp, settings: Settings) -> None:
    """Serve HTTP mode's ``app`` on SAFETYBOT_HOST and SAFETYBOT_PORT until stopped."""
    import uvicorn

    from bot.web.asgi_io import server_config

    config = server_config(
        app,
        timeout=settings.request_timeout,
        max_body=settings.max_body_bytes,
        host=settings.host,
        port=settings.port,
    )
    print(f"safetybot listening on http://{settings.host}:{settings.port}/slack/events", flush=True)
    uvicorn.Server(config).run()


class Runner(Protocol):
    """What serves Slack's requests over a connection of its own (Socket Mode)."""

    def run(self, app: App) -> None: ...

    def connected(self) -> bool: ...


def serve_socket_mode(services: Services, runner: Runner) -> None:
    """Background work, health endpoints on SAFETYBOT_PORT, and Slack through ``runner``
    until it returns."""
    from bot.web.health import HealthEndpoints, served_in_background
    from bot.wiring import build_slack

    settings = services.settings
    parts = build_slack(services)
    health = HealthEndpoints(
        ready=lambda: services.db.is_current() and runner.connected(), metrics=services.metrics
    )
    parts.start()
    try:
        with served_in_background(
            health, settings.host, settings.port, timeout=settings.request_timeout
        ):
            runner.run(parts.app)
    finally:
        parts.stop()


def configure_logging(settings: Settings) -> None:
    """JSON (or text) logs on stderr, with every configured secret redacted."""
    from bot.runtime import logs

    secrets = [
        s.get_secret_value()
        for s in (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
        if s is not None
    ]
    secrets += [
        s.get_secret_value() for s in (settings.judge_api_key, settings.target_api_key) if s
    ]
    logs.configure(level=settings.log_level, fmt=settings.log_format, secrets=secrets)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
