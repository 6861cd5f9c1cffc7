"""Global middleware: a request id for the logs, event retries as no-ops, limits on checks."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk.webhook import WebhookClient

from bot.runtime import logs
from bot.slack.commands import split_subcommand
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
LIMITED_SHORTCUTS = ("report_message",)


def register(app: App, deps: SlackDeps) -> None:
    """Install the middleware, in order: context, deduplication, rate limits."""

    @app.middleware
    def request_context(body: dict[str, Any], next: Callable[[], None]) -> None:
        logs.bind(request_id=uuid.uuid4().hex[:12], user=user_of(body), kind=kind_of(body))
        next()

    @app.middleware
    def once_per_event(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and deps.dedupe is not None and not deps.dedupe.first_time(f"event:{event_id}"):
            log.info("event %s already handled; Slack's retry acknowledged", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    @app.middleware
    def per_user_limit(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        user = user_of(body)
        if user and _is_limited(body) and not deps.limiter.allow(user):
            wait = max(1, round(deps.limiter.retry_after(user)))
            log.warning("rate limit reached by %s", user)
            return _refusal(deps, body, wait)
        next()
        return None


def user_of(body: dict[str, Any]) -> str:
    """The acting user's id in any kind of Slack request."""
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return str(user or "")


def kind_of(body: dict[str, Any]) -> str:
    """What sort of request this is: command, view_submission, block_actions, event..."""
    if body.get("command"):
        return "command"
    if body.get("type") == "event_callback":
        return f"event:{(body.get('event') or {}).get('type', '')}"
    return str(body.get("type") or "unknown")


def _is_limited(body: dict[str, Any]) -> bool:
    """Only running the checks costs: ``check``, and a form prefilled from text.

    A report submission is never limited: refusing it would lose what someone saw.
    """
    if body.get("command"):
        name, rest = split_subcommand(str(body.get("text") or ""))
        return name.lower() == "check" or (name.lower() == "report" and bool(rest))
    if body.get("type") == "message_action":
        return body.get("callback_id") in LIMITED_SHORTCUTS
    return False


def _refusal(deps: SlackDeps, body: dict[str, Any], wait: int) -> BoltResponse:
    text = (
        f"You are running checks faster than safetybot accepts "
        f"({deps.settings.user_rate_per_minute} a minute). Nothing was lost: try again in "
        f"{wait} s."
    )
    message = deps.renderer.render_message("messages/notice", message=text, warning=True)
    if body.get("type") == "message_action" and body.get("response_url"):
        url = str(body["response_url"])
        deps.after_ack(lambda: _tell_refused(url, message), body=body)
        return BoltResponse(status=200, body="")
    answer = {"response_type": "ephemeral", **message}
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
    )


def _tell_refused(response_url: str, message: dict[str, Any]) -> None:
    """Tell a shortcut's user through its response URL (after the ack) why nothing opened."""
    try:
        WebhookClient(response_url, timeout=5).send(response_type="ephemeral", **message)
    except Exception:
        log.exception("could not tell the user about the rate limit")
