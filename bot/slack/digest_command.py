"""``/safety digest preview [2026-W47]``: the weekly digest, only for the person asking.

The preview is the week so far (or the named week), rendered by the same template the
scheduled post uses, and answered ephemerally in the slash command's acknowledgement.
Posting to the digest channel is left to the schedule and ``safetybot digest --post``.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.digest.weekly import WeeklyDigest
from bot.incidents.errors import InvalidInput
from bot.slack.deps import SlackDeps
from bot.slack.digest_post import TEMPLATE


def digest(
    deps: SlackDeps, ack: Ack, client: WebClient, user_id: str, rest: str, command: dict[str, Any]
) -> None:
    """Answer ``digest preview [WEEK]`` with the rendered digest; anything else with a hint."""
    words = rest.split()
    name = deps.settings.command
    if not words or words[0].lower() != "preview" or len(words) > 2:
        raise InvalidInput(
            f"Try `{name} digest preview` for this week so far, or "
            f"`{name} digest preview 2026-W47` for another week. "
            "The digest posts itself to the digest channel every week."
        )
    report = WeeklyDigest(
        deps.incidents.db, zone=deps.settings.timezone, clock=deps.clock, command=name
    )
    week = report.week(words[1] if len(words) == 2 else None)
    if week.start_at > deps.clock.now():
        raise InvalidInput(f"{week.label} has not started yet.")
    ack(**deps.renderer.render_message(TEMPLATE, **report.context(week)))
