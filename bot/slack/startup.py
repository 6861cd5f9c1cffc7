"""Checks at start: the token works and the bot can post where it must, each problem one line."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings

log = logging.getLogger(__name__)


def slack_problems(client: WebClient, settings: Settings) -> list[str]:
    """What is missing or wrong, one sentence each; empty when all is well."""
    try:
        identity = client.auth_test()
    except SlackApiError as exc:
        return [f"SLACK_BOT_TOKEN was refused by Slack ({_code(exc)}): nothing can be posted."]
    except Exception as exc:
        return [f"Slack's Web API is unreachable ({type(exc).__name__}); posts wait in the outbox."]
    bot = str(identity.get("user") or "safetybot")
    problems = []
    if not settings.triage_channel:
        problems.append("SAFETYBOT_TRIAGE_CHANNEL is not set: incidents are stored, not posted.")
    else:
        problems += _channel_problems(client, settings.triage_channel, "triage", bot, private=True)
    if not settings.digest_channel:
        problems.append("SAFETYBOT_DIGEST_CHANNEL is not set: no weekly digest will be posted.")
    else:
        problems += _channel_problems(client, settings.digest_channel, "digest", bot, private=False)
    return problems


def warn_about_slack(client: WebClient, settings: Settings) -> list[str]:
    """Log each problem as one warning line; returns them."""
    problems = slack_problems(client, settings)
    for problem in problems:
        log.warning("startup check: %s", problem)
    if not problems:
        log.info("startup check: token valid, triage and digest channels reachable")
    return problems


def _channel_problems(
    client: WebClient, channel: str, role: str, bot: str, *, private: bool
) -> list[str]:
    name = f"SAFETYBOT_{role.upper()}_CHANNEL {channel}"
    try:
        info: dict[str, Any] = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        code = _code(exc)
        if code == "missing_scope":
            return [f"cannot verify {name}: the app lacks channels:read/groups:read."]
        return [f"{name} cannot be used ({code}): set it to a channel the bot is in."]
    problems = []
    if info.get("is_archived"):
        problems.append(f"{name} is archived: posts to it will fail.")
    if not info.get("is_member", False) and not info.get("is_im"):
        problems.append(f"the bot is not in {name}: type /invite @{bot} in that channel.")
    if private and not info.get("is_private", False):
        problems.append(
            f"{name} is public: restricted incidents are posted there; use a private channel."
        )
    return problems


def _code(exc: SlackApiError) -> str:
    return str(exc.response.get("error") if exc.response is not None else exc)
