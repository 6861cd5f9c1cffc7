"""What a list of incidents is filtered by, and the small query language users type for it.

``open mine sev:high model:claude-x eval:shutdown_probe run:abc123 since:7d`` is read the same from Slack and the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.incidents.errors import InvalidInput
from bot.store.models import SEVERITIES, STATUSES

_DURATION = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
LIST_HELP = (
    "open | closed | mine | assigned | status:NAME | sev:LEVEL | model:NAME | eval:NAME | "
    "run:ID | since:7d"
)


@dataclass(frozen=True)
class IncidentFilter:
    """Conditions an incident list must meet; empty means everything."""

    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    reporter_id: str | None = None
    assignee_id: str | None = None
    model: str | None = None
    # An imported sample's eval (task) name and run id; compared without case, like model.
    eval_name: str | None = None
    run_id: str | None = None
    since: datetime | None = None
    include_restricted: bool = True


def parse_filter(words: list[str], *, user_id: str | None, now: datetime) -> IncidentFilter:
    """Turn typed words into a filter; an unknown word is an error naming the valid ones."""
    result = IncidentFilter()
    for word in words:
        result = _apply(result, word.strip().lower(), user_id=user_id, now=now)
    return result


def _apply(
    current: IncidentFilter, word: str, *, user_id: str | None, now: datetime
) -> IncidentFilter:
    if word == "open":
        return replace(current, statuses=("new", "acknowledged", "investigating", "mitigated"))
    if word == "closed":
        return replace(current, statuses=("closed",))
    if word in ("mine", "assigned") and user_id is None:
        raise InvalidInput(f"'{word}' needs to know who you are; it works from Slack.")
    if word == "mine":
        return replace(current, reporter_id=user_id)
    if word == "assigned":
        return replace(current, assignee_id=user_id)
    name, _, value = word.partition(":")
    if name in ("sev", "severity"):
        return replace(current, severities=_severities(value))
    if name == "status":
        return replace(current, statuses=(_one_of(value, STATUSES, "status"),))
    if name == "model" and value:
        return replace(current, model=value)
    if name == "eval" and value:
        return replace(current, eval_name=value)
    if name == "run" and value:
        return replace(current, run_id=value)
    if name == "since":
        return replace(current, since=now - parse_duration(value))
    raise InvalidInput(f"I don't know the filter '{word}'. Try: {LIST_HELP}")


def _severities(value: str) -> tuple[str, ...]:
    if value.endswith("+"):
        floor = _one_of(value[:-1], SEVERITIES, "severity")
        return SEVERITIES[SEVERITIES.index(floor) :]
    return tuple(_one_of(v, SEVERITIES, "severity") for v in value.split(","))


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"Unknown {what} '{value}'. Use one of: {', '.join(allowed)}.")
    return value


def parse_duration(value: str) -> timedelta:
    """``7d``, ``12h`` or ``2w`` as a timedelta; anything else is an error."""
    match = _DURATION.match(value.strip().lower())
    if not match:
        raise InvalidInput(f"'{value}' is not a duration; write it like 7d, 12h or 2w.")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
