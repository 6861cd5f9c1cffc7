"""``safetybot digest``: preview the weekly digest in the terminal, or post it now.

``--preview`` (the default) prints the week so far, or ``--week 2026-W47``, as text, or
with ``--blocks`` as the exact message JSON the bot posts. ``--post`` posts the last
complete week (or ``--week``) to the digest channel, still once per week: a week already
posted is left alone unless ``--force`` is given. The post goes through the outbox like the
scheduled job's: the week's message is queued, then this command delivers that one message
inline and prints the outcome (the message ``ts``); one Slack could not take yet stays
queued for the running bot's outbox, and the command says so and exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from bot.cli import common, progress
from bot.config import ConfigError
from bot.digest.weeks import Week
from bot.incidents.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from bot.wiring import DigestParts


def register(app: typer.Typer) -> None:
    """Add the ``digest`` command to the ``safetybot`` application."""
    app.command("digest")(digest)


def digest(
    preview: bool = typer.Option(False, "--preview", help="print the digest (the default)"),
    post: bool = typer.Option(False, "--post", help="post it to SAFETYBOT_DIGEST_CHANNEL now"),
    week: str | None = typer.Option(
        None, "--week", help="ISO week like 2026-W47 (default: this week so far; --post: last week)"
    ),
    force: bool = typer.Option(False, "--force", help="with --post: post again if already posted"),
    blocks: bool = typer.Option(False, "--blocks", help="print the Block Kit message as JSON"),
) -> None:
    """Preview the weekly digest, or post it (once per week unless --force)."""
    from bot.wiring import build_digest

    with common.user_errors():
        if force and not post:
            raise InvalidInput("--force only applies to --post.")
        services = common.services()
        parts = build_digest(services)
        report = parts.digest
        if post:
            chosen = report.week(week) if week else report.last_complete_week()
        else:
            chosen = report.week(week)
        if chosen.start_at > services.clock.now():
            raise InvalidInput(f"{chosen.label} has not started yet.")
        if preview or not post:
            with progress.bar(f"building the digest of {chosen.label}"):
                context = report.context(chosen, terminal=not blocks)
            if blocks:
                message = parts.poster.message(context)
                common.out.print_json(json.dumps(message, ensure_ascii=False))
            else:
                text = parts.poster.text(context)
                common.out.print(text, markup=False, highlight=False, soft_wrap=True)
        if post:
            _post(parts, chosen, force=force, say=common.err.print)


def _post(parts: DigestParts, week: Week, *, force: bool, say: Callable[..., None]) -> None:
    if week.end_at > parts.digest.clock.now():
        raise InvalidInput(
            f"{week.label} is not over yet; preview it with --preview. "
            "Only complete weeks are posted."
        )
    runner = parts.runner
    if runner is None:
        raise ConfigError("set SAFETYBOT_DIGEST_CHANNEL (the channel id to post the digest to)")
    if not parts.can_post:
        raise ConfigError("set SLACK_BOT_TOKEN to post the digest")
    result = runner.post_week(week, force=force, manual=True)
    if not result.ok:
        raise DomainError(result.describe(runner.channel))
    say(result.describe(runner.channel), markup=False, highlight=False)
