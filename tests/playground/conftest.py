"""Fixtures: the playground serving the real bot on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.playground.server import PlaygroundServer


@pytest.fixture
def server(db_url: str) -> Iterator[PlaygroundServer]:
    """The playground and the bot behind it, on a fresh database."""
    running = PlaygroundServer(db_url).start()
    yield running
    running.stop()
