"""The shipped quick-check engine, loaded once per test process and shared."""

from __future__ import annotations

from functools import cache

from bot.checks import CheckEngine
from bot.config import Settings


@cache
def shipped_checks() -> CheckEngine:
    """The engine with the shipped rule packs (loading takes most of a second)."""
    return CheckEngine.load()


def checks_for(settings: Settings) -> CheckEngine | None:
    """The shared engine when ``settings`` adds no rule packs; else None, so build loads them."""
    return None if settings.rule_paths else shipped_checks()
