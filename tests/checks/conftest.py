"""Shared fixtures: one engine per test session (loading compiles every pack)."""

from __future__ import annotations

import pytest

from bot.checks import CheckEngine


@pytest.fixture(scope="session")
def engine() -> CheckEngine:
    """A default engine with the built-in packs."""
    return CheckEngine.load()
