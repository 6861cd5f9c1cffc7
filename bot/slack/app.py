"""The Bolt app: built from settings and services, listeners registered by module."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.config import Settings
from bot.incidents.errors import DomainError
from bot.slack import (
    actions,
    commands,
    evidence_pages,
    home,
    middleware,
    output_buttons,
    shortcuts,
    triage_modals,
    views,
)
from bot.slack.after_ack import Report
from bot.slack.blocks import TemplateRenderer
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)


def template_dir() -> Path:
    """The message templates: ``bot/_templates`` when installed, else ``templates/`` in a checkout.

    A wheel ships the top-level ``templates/`` as package data under ``bot/_templates``
    (pyproject.toml); an editable install or the source tree has it beside ``bot/``.
    """
    packaged = resources.files("bot") / "_templates"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


TEMPLATES = template_dir()


def web_client(settings: Settings) -> WebClient:
    """A Web API client for the configured base URL (Slack, GovSlack, or a fake).

    It retries nothing itself: slack_sdk's default handler re-sends a call whose answer was
    lost, which for a post Slack already received means a second post. The outbox owns
    retries and looks for an earlier post by its metadata before trying again.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base_url = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else settings.slack_api_url + "/"
    )
    # slack_sdk annotates ``timeout`` as int, but hands it to urllib, which takes seconds as float.
    timeout: Any = settings.slack_timeout
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


def create_app(deps: SlackDeps, client: WebClient) -> App:
    """A Bolt app with every listener registered; makes no network call.

    Each listener runs on the request's thread and its ack is the answer
    (``process_before_response``); the work after an ack goes to ``deps.after_ack``, whose
    pool Bolt is given too, so no thread is started outside it.
    """
    secret = deps.settings.slack_signing_secret
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        token_verification_enabled=False,
        request_verification_enabled=not deps.settings.socket_mode,
        raise_error_for_unhandled_request=False,
        process_before_response=True,
        listener_executor=deps.after_ack.pool,
    )
    middleware.register(app, deps)
    for module in (commands, shortcuts, views, actions, evidence_pages, triage_modals, home):
        module.register(app, deps)
    output_buttons.register(app, deps)
    app.error(error_reporter(deps.renderer))
    return app


def error_reporter(renderer: TemplateRenderer) -> Report:
    """What becomes of an error in a listener, before its ack or after it: a DomainError is
    told to the user as it is; anything else is logged with its traceback and the user hears
    that nothing was lost."""

    def report(error: Exception, body: dict[str, Any], respond: Respond) -> None:
        if isinstance(error, DomainError):
            message = _notice(renderer, str(error))
        else:
            log.exception("unhandled error in a Slack listener", exc_info=error)
            message = _notice(
                renderer, "Something went wrong on our side; nothing was lost. Please try again."
            )
        if body.get("response_url"):
            try:
                respond(**message, response_type="ephemeral", replace_original=False)
            except Exception:
                log.exception("could not tell the user about an error")

    return report


def _notice(renderer: TemplateRenderer, message: str) -> dict[str, Any]:
    return renderer.render_message("messages/notice", message=message, warning=True)
