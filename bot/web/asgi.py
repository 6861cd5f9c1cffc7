"""ASGI entry for uvicorn's own command line, with slow clients cut off as ``safetybot run`` does::

    uvicorn bot.web.asgi:create --factory --workers 1 --http bot.web.asgi_io:TimedH11Protocol \
        --timeout-keep-alive 5 --h11-max-incomplete-event-size 16384

(the protocol gives each request head ``bot.web.asgi_io.DEFAULT_TIMEOUT`` seconds). Keep one worker
per container and scale with replicas on PostgreSQL (docs/deploy.md §3): each process has its
own metrics, rate limits and background workers, and SQLite takes one process only.
"""

from __future__ import annotations

from bot.config import Settings
from bot.web.asgi_io import ASGIApp, within_time


def create() -> ASGIApp:
    """Build the HTTP app from the environment (each worker builds its own); a body slower
    than SAFETYBOT_REQUEST_TIMEOUT gets 408."""
    from bot.web.serve import start_serving
    from bot.wiring import build_http

    settings = Settings()
    services = start_serving(settings)
    app = build_http(services)
    return within_time(app, settings.request_timeout, settings.max_body_bytes)
