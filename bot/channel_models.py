"""SAFETYBOT_CHANNEL_MODELS: the model whose output a channel carries, for the report form.

The value is comma-separated ``CHANNEL=MODEL`` entries, ``CHANNEL`` being a channel id
(``C0123ABCD``) or a ``#name``, ``MODEL`` the text the form's "Model and version" field
takes (``orion-7b 2026-11-02``)::

    SAFETYBOT_CHANNEL_MODELS=C0EVALS=orion-7b 2026-11-02,#red-team=claude-y

Anything else is refused at start-up with a message naming the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SETTING = "SAFETYBOT_CHANNEL_MODELS"
MODEL_LIMIT = 200  # the form's model field holds no more
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,20}$")
_CHANNEL_NAME = re.compile(r"^#[^\s,=#]{1,80}$")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ChannelModels:
    """Models by channel id and by lower-case channel name (without ``#``)."""

    by_id: dict[str, str]
    by_name: dict[str, str]

    def model_for(self, channel_id: str | None, channel_name: str | None) -> str | None:
        """The model configured for a channel: by its id first, then by its name."""
        if channel_id and channel_id in self.by_id:
            return self.by_id[channel_id]
        return self.by_name.get((channel_name or "").lower())


def parse_channel_models(value: str) -> ChannelModels:
    """The map ``value`` describes; ``ValueError`` naming the first bad entry otherwise."""
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    if not value.strip():
        return ChannelModels(by_id, by_name)
    for number, entry in enumerate(value.split(","), start=1):
        channel, model = _entry(number, entry.strip())
        key = channel.lower().removeprefix("#") if channel.startswith("#") else channel
        table = by_name if channel.startswith("#") else by_id
        if key in table:
            raise _error(f"{channel!r} is listed twice")
        table[key] = model
    return ChannelModels(by_id, by_name)


def _entry(number: int, entry: str) -> tuple[str, str]:
    if not entry:
        raise _error(f"entry {number} is empty")
    channel, equals, model = (part.strip() for part in entry.partition("="))
    if not equals:
        raise _error(f"entry {number} ({entry!r}) is not CHANNEL=MODEL")
    if not model:
        raise _error(f"entry {number} ({entry!r}) has no model")
    if not (_CHANNEL_ID.match(channel) or _CHANNEL_NAME.match(channel)):
        raise _error(f"{channel!r} is neither a channel id (C0123ABCD) nor a #name")
    if len(model) > MODEL_LIMIT:
        raise _error(f"the model of {channel!r} is longer than {MODEL_LIMIT} characters")
    if _CONTROL.search(model):
        raise _error(f"the model of {channel!r} has control characters")
    return channel, model


def _error(problem: str) -> ValueError:
    return ValueError(
        f"{SETTING}: {problem}; write comma-separated CHANNEL=MODEL entries, CHANNEL a channel "
        "id or #name, e.g. C0123ABCD=orion-7b 2026-11-02,#red-team=claude-y"
    )
