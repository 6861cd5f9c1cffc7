"""Headless Chromium (the system's, driven by Playwright) against the running playground.

Screenshots of each step go to ``tests/browser/artifacts/``. Without Chromium or Playwright
the tests skip locally; in CI (``CI=true``) that is a failure, because `.ci/run` installs them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.playground.server import PlaygroundServer

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required in CI (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def _chromium() -> str:
    found = os.environ.get("SAFETYBOT_CHROMIUM") or next(
        filter(None, map(shutil.which, BROWSERS)), None
    )
    if not found:
        _missing("Chromium (Debian package `chromium`)")
    return str(found)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless system Chromium; Playwright downloads no browser of its own."""
    path = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python (the `dev` extra)")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlaygroundServer]:
    """The playground and the bot behind it, shared by a module's browser tests."""
    database = tmp_path_factory.mktemp("browser") / "playground.db"
    running = PlaygroundServer(f"sqlite:///{database}").start()
    yield running
    running.stop()


@pytest.fixture
def page(browser: Any, server: PlaygroundServer) -> Iterator[Any]:
    """A fresh page on the playground, as Alice."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    opened.goto(server.url + "/")
    opened.wait_for_selector(".msg")
    yield opened
    context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """Save a screenshot of ``page`` as ``artifacts/NAME.png``."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page: Any, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    return save
