"""The wheel: built from a clean copy of the sources, it carries every module and template.

A non-editable install (the Docker image, `pip install .`) has only what the wheel holds, so a
template left out of it breaks every Slack reply. The wheel is built once for this module
(a few seconds) from a copy of what deploy/Dockerfile.dockerignore admits, so a stale
``build/`` folder in the checkout cannot hide a missing file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

TEMPLATES = ROOT / "templates"
SOURCES = ("pyproject.toml", "README.md", "bot", "templates")


def shipped_templates() -> list[str]:
    """Every template under templates/ except the test fixtures in templates/_test."""
    return sorted(
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.j2")
        if path.relative_to(TEMPLATES).parts[0] != "_test"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of the project, built with pip from a clean copy of its sources."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (base / "dist").glob("safetybot-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    """The paths inside the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_holds_every_template(names: set[str]) -> None:
    """Every template of templates/ is in the wheel as bot/_templates/…, the test fixtures not."""
    templates = shipped_templates()
    assert len(templates) > 30, templates
    missing = [name for name in templates if f"bot/_templates/{name}" not in names]
    assert not missing, missing
    shipped = sorted(n.removeprefix("bot/_templates/") for n in names if "/_templates/" in n)
    assert shipped == templates, "only the templates, and no test fixture, are shipped"


def test_wheel_holds_every_file_of_the_package(names: set[str]) -> None:
    """Every module and data file under bot/ is in the wheel (the package list is complete)."""
    files = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "bot").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    missing = [name for name in files if name not in names]
    assert not missing, missing
    assert not [n for n in names if not n.startswith(("bot/", "safetybot-"))], "one top level"


def test_package_list_names_every_folder_of_bot() -> None:
    """pyproject.toml lists every folder of bot/ and of templates/ (but _test) as a package."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    folders = {
        ".".join(path.relative_to(ROOT).parts)
        for path in (ROOT / "bot").rglob("*")
        if path.is_dir() and path.name != "__pycache__"
    } | {"bot"}
    folders |= {"bot._templates"} | {
        f"bot._templates.{path.name}"
        for path in TEMPLATES.iterdir()
        if path.is_dir() and path.name != "_test"
    }
    assert set(setuptools["packages"]) == folders
    assert setuptools["package-dir"] == {"bot._templates": "templates"}


def test_installed_wheel_renders_from_its_own_templates(wheel: Path, tmp_path: Path) -> None:
    """Unpacked away from the checkout, the package finds bot/_templates and renders from it."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    script = (
        "import bot, bot.slack.app as app\n"
        "from bot.slack.blocks import TemplateRenderer\n"
        "print(bot.__file__)\n"
        "print(app.TEMPLATES)\n"
        "message = TemplateRenderer(app.TEMPLATES).render_message("
        "'messages/help', command='/safety', unknown='', judge=False)\n"
        "assert '/safety' in message['text'], message\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    module, templates = result.stdout.splitlines()[:2]
    assert module == str(site / "bot" / "__init__.py")
    assert templates == str(site / "bot" / "_templates")
