"""What the report form prefills from a flagged message: where it was seen and the model.

"Where it was seen" follows the channel's name: a word starting with ``eval`` is an internal
eval, ``redteam`` / ``red-team`` / ``red_team`` a red team, ``prod`` or ``production`` is
production (checked in that order, so ``prod-evals`` is an eval); anything else is "Other".
The model is the one ``SAFETYBOT_CHANNEL_MODELS`` names for the channel, else the name of the
bot that posted the message: an operator's explicit map is more reliable than a bot's display
name. A person's message suggests no model.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channel_models import MODEL_LIMIT, ChannelModels
from bot.slack.text import clean

log = logging.getLogger(__name__)
_SEEN_IN = (
    ("red_team", re.compile(r"red[-_]?team")),
    ("internal_eval", re.compile(r"(?<![a-z])eval")),
    ("production", re.compile(r"(?<![a-z])prod(?:uction)?(?![a-z])")),
)


@dataclass(frozen=True)
class FormDefaults:
    """The form's prefilled "Where it was seen" and "Model and version"."""

    seen_in: str = "other"
    model: str | None = None


def seen_in_for(channel_name: str | None) -> str:
    """The "Where it was seen" option a channel's name suggests."""
    name = (channel_name or "").lower()
    return next((value for value, pattern in _SEEN_IN if pattern.search(name)), "other")


def model_for(
    message: dict[str, Any], channel_id: str | None, channel_name: str | None, models: ChannelModels
) -> str | None:
    """The model to prefill: the channel map's, else the posting bot's name."""
    chosen = models.model_for(channel_id, channel_name) or _bot_name(message) or ""
    return clean(chosen).strip()[:MODEL_LIMIT] or None


def channel_name(client: WebClient, channel: dict[str, Any]) -> str | None:
    """The channel's name from the payload, else from ``conversations.info``; ``None`` if unknown."""
    if channel.get("name") or not channel.get("id"):
        return channel.get("name")
    try:
        answer = client.conversations_info(channel=channel["id"])
    except SlackApiError as exc:
        log.info("no name for channel %s: %s", channel["id"], exc.response.get("error"))
        return None
    return (answer.get("channel") or {}).get("name")


def defaults_for(
    client: WebClient, message: dict[str, Any], channel: dict[str, Any], models: ChannelModels
) -> FormDefaults:
    """The prefilled fields for ``message`` flagged in ``channel``."""
    name = channel_name(client, channel)
    return FormDefaults(
        seen_in=seen_in_for(name), model=model_for(message, channel.get("id"), name, models)
    )


def _bot_name(message: dict[str, Any]) -> str | None:
    if not (message.get("bot_id") or message.get("subtype") == "bot_message"):
        return None
    profile = message.get("bot_profile") or {}
    name = profile.get("name") if isinstance(profile, dict) else None
    return str(name or message.get("username") or "") or None
