"""ASGI entry for several workers: ``uvicorn bot.asgi:create --factory --workers 4``."""

from __future__ import annotations

from bot.config import Settings
from bot.slack.http import SlackHttpApp


def create() -> SlackHttpApp:
    """Build the HTTP app from the environment (each worker builds its own)."""
    from bot.serve import configure_logging
    from bot.wiring import build, build_http

    settings = Settings()
    settings.require_slack()
    configure_logging(settings)
    services = build(settings)
    services.db.upgrade()
    return build_http(services)
