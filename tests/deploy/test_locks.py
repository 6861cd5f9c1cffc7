"""The lock files: hash-pinned, in step with pyproject.toml's pins, and used to install.

requirements.lock (the bot and the PostgreSQL driver) is what the Docker image and the wheel
smoke test install, requirements-dev.lock what `make` installs into .venv, and
requirements-build.lock the build backend that builds the image's wheel; `make lock`
regenerates all three.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

LOCKS = {
    "runtime": ROOT / "requirements.lock",
    "dev": ROOT / "requirements-dev.lock",
    "build": ROOT / "requirements-build.lock",
}
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    """A distribution name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path: Path) -> dict[str, tuple[str, list[str]]]:
    """The lock's requirements: canonical name -> (version, hashes)."""
    found: dict[str, tuple[str, list[str]]] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonical(match[1])] = (match[3], re.findall(r"--hash=(sha256:\w+)", line))
        else:
            assert not line.strip() or line.lstrip().startswith("#"), f"{path.name}: {line}"
    return found


def pins(specs: list[str]) -> dict[str, str]:
    """pyproject.toml's exact pins (``name==version``), self-references left out."""
    found = {}
    for spec in specs:
        match = PIN.match(spec)
        if match and canonical(match[1]) != "safetybot":
            found[canonical(match[1])] = match[3]
    return found


@pytest.mark.parametrize("kind", sorted(LOCKS))
def test_every_locked_file_is_pinned_and_hashed(kind: str) -> None:
    """Each lock pins every requirement to one version with at least one sha256 hash."""
    locked = requirements(LOCKS[kind])
    assert locked, LOCKS[kind]
    unhashed = [name for name, (_, hashes) in locked.items() if not hashes]
    assert not unhashed, unhashed


def test_runtime_lock_follows_pyproject() -> None:
    """requirements.lock holds every runtime and PostgreSQL pin of pyproject.toml, as pinned."""
    project = PROJECT["project"]
    wanted = pins(project["dependencies"] + project["optional-dependencies"]["postgres"])
    locked = {name: version for name, (version, _) in requirements(LOCKS["runtime"]).items()}
    assert {name: locked.get(name) for name in wanted} == wanted, "run `make lock`"
    assert "pytest" not in locked, "no dev tool in the runtime lock"


def test_dev_lock_follows_pyproject_and_the_runtime_lock() -> None:
    """requirements-dev.lock holds every pin of the dev extra and the runtime lock's versions."""
    extras = PROJECT["project"]["optional-dependencies"]
    specs = PROJECT["project"]["dependencies"] + extras["dev"] + extras["train"]
    wanted = pins(specs)
    dev = {name: version for name, (version, _) in requirements(LOCKS["dev"]).items()}
    assert {name: dev.get(name) for name in wanted} == wanted, "run `make lock`"
    runtime = {name: version for name, (version, _) in requirements(LOCKS["runtime"]).items()}
    differ = {name: (v, dev.get(name)) for name, v in runtime.items() if dev.get(name) != v}
    assert not differ, "the dev environment tests the versions the image runs"


def test_build_lock_satisfies_the_build_system() -> None:
    """requirements-build.lock pins every package of pyproject.toml's build-system."""
    locked = requirements(LOCKS["build"])
    for spec in PROJECT["build-system"]["requires"]:
        name = canonical(re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0])
        assert name in locked, spec
    setuptools = tuple(int(part) for part in locked["setuptools"][0].split(".")[:1])
    assert setuptools >= (77,), "license = '…' needs setuptools 77 or newer"


def test_make_installs_the_dev_lock_with_hashes() -> None:
    """`make` installs .venv from requirements-dev.lock with hashes, then the bot alone."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "requirements-dev.lock" in recipe.splitlines()[0], "the venv is rebuilt on a new lock"
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in recipe
    assert "pip install --quiet --no-deps -e ." in recipe
    assert re.search(r"^lock:", makefile, re.M), "`make lock` regenerates the locks"
