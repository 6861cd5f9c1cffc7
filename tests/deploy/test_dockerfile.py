"""deploy/Dockerfile: linted by hadolint, and built the way the rest of deploy/ expects."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app as cli
from tests.deploy.conftest import DEPLOY, tool

DOCKERFILE = DEPLOY / "Dockerfile"


def hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    """hadolint with deploy/.hadolint.yaml (every finding fails)."""
    return subprocess.run(
        [tool("hadolint"), "--config", str(DEPLOY / ".hadolint.yaml"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (keyword, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_hadolint_passes() -> None:
    """hadolint finds nothing in deploy/Dockerfile."""
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_bad_dockerfile(tmp_path: Path) -> None:
    """The lint has teeth: an unpinned base and an unpinned apt install fail it."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n")
    result = hadolint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout


def test_multi_stage_on_a_slim_base() -> None:
    """A build stage and a runtime stage, both on a slim Python image by default."""
    stages = [args for keyword, args in instructions() if keyword == "FROM"]
    assert [s.split()[-1] for s in stages] == ["build", "runtime"]
    default = next(args for keyword, args in instructions() if keyword == "ARG")
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.1[1-9]-slim-\w+", default)


def test_runs_as_an_unprivileged_user() -> None:
    """The final stage switches to a numeric non-root user."""
    users = [args for keyword, args in instructions() if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert users[-1].split(":")[0].isdigit()


def stage(name: str) -> list[tuple[str, str]]:
    """The instructions of one stage (after its FROM, up to the next FROM)."""
    found: list[tuple[str, str]] = []
    current = None
    for keyword, args in instructions():
        if keyword == "FROM":
            current = args.split()[-1]
        elif current == name:
            found.append((keyword, args))
    return found


def pip_installs() -> list[str]:
    """Every `pip install` command of every RUN, one string each."""
    runs = [args for keyword, args in instructions() if keyword == "RUN"]
    commands = [part.strip() for run in runs for part in run.split("&&")]
    return [command for command in commands if re.search(r"\bpip install\b", command)]


def test_dependencies_come_from_the_lock_with_hashes() -> None:
    """The runtime installs requirements.lock with --require-hashes, before the bot's wheel."""
    runtime = stage("runtime")
    assert ("COPY", "requirements.lock /tmp/requirements.lock") in runtime
    runs = [args for keyword, args in runtime if keyword == "RUN"]
    lock = next(i for i, run in enumerate(runs) if "-r /tmp/requirements.lock" in run)
    wheel = next(i for i, run in enumerate(runs) if "safetybot-*.whl" in run)
    assert "pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock" in runs[lock]
    assert lock < wheel, "the dependency layer comes first, so it is cached across code changes"


def test_nothing_unlocked_is_installed() -> None:
    """Every pip install checks hashes, or installs the bot's own wheel without dependencies."""
    installs = pip_installs()
    assert len(installs) == 3, installs
    for command in installs:
        assert "--require-hashes -r " in command or (
            "--no-deps" in command and command.endswith("/safetybot-*.whl")
        ), command


def test_image_runs_the_wheel_not_the_source_tree() -> None:
    """The build stage builds a wheel with the locked backend; the runtime installs only it."""
    build = stage("build")
    assert ("COPY", "requirements-build.lock ./") in build
    builds = [args for keyword, args in build if keyword == "RUN" and "pip wheel" in args]
    assert len(builds) == 1
    assert "--no-build-isolation" in builds[0] and "--no-deps" in builds[0]
    assert "-e ." not in DOCKERFILE.read_text(encoding="utf-8"), "no editable install"
    runtime_copies = [args for keyword, args in stage("runtime") if keyword == "COPY"]
    assert "--from=build /wheels /tmp/wheels" in runtime_copies
    for copy in runtime_copies:
        assert not re.search(r"\b(bot|templates)\b", copy), f"source copied into the image: {copy}"


def test_healthcheck_comment_matches_socket_mode() -> None:
    """The HEALTHCHECK's comment says Socket Mode serves /healthz too, as the bot does."""
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("HEALTHCHECK"))
    comment = []
    for line in reversed(lines[:at]):
        if not line.startswith("#"):
            break
        comment.insert(0, line)
    text = " ".join(comment)
    assert "Socket Mode" in text and "/healthz" in text, text
    assert "no HTTP" not in text and "disable" not in text, text


def test_healthcheck_asks_healthz_on_the_configured_port() -> None:
    """The HEALTHCHECK fetches /healthz on SAFETYBOT_PORT, which defaults to the exposed port."""
    check = next(args for keyword, args in instructions() if keyword == "HEALTHCHECK")
    assert "/healthz" in check and "SAFETYBOT_PORT" in check
    env = " ".join(args for keyword, args in instructions() if keyword == "ENV")
    exposed = next(args for keyword, args in instructions() if keyword == "EXPOSE")
    assert f"SAFETYBOT_PORT={exposed}" in env


def test_migrates_then_runs() -> None:
    """The default command upgrades the database, then execs `safetybot run`."""
    command = next(args for keyword, args in reversed(instructions()) if keyword == "CMD")
    assert "safetybot db upgrade && exec safetybot run" in command


@pytest.mark.parametrize("command", [["run"], ["db", "upgrade"]])
def test_the_commands_deploy_uses_exist(command: list[str]) -> None:
    """`safetybot run` and `safetybot db upgrade`, used by every deployment file, are real."""
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output


def test_build_context_sends_only_what_the_image_needs() -> None:
    """The ignore file admits pyproject, README, the two locks, bot/ and templates/ only."""
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    allowed = sorted(line[1:] for line in ignore if line.startswith("!"))
    assert "*" in ignore, "everything is excluded unless admitted"
    assert allowed == [
        "README.md",
        "bot/",
        "pyproject.toml",
        "requirements-build.lock",
        "requirements.lock",
        "templates/",
    ]
    assert "templates/_test/" in ignore, "test fixtures stay out"
    for keyword, args in instructions():
        if keyword == "COPY" and not args.startswith("--from"):
            for source in args.split()[:-1]:
                assert source in allowed or f"{source}/" in allowed, source
