"""The deployment instructions agree with the files they describe."""

from __future__ import annotations

import re

import bot.web.asgi
from tests.deploy.conftest import DEPLOY, ROOT, load_yaml


def test_readme_compose_step_fills_in_the_env_file_compose_reads() -> None:
    """README's compose step copies env.example to deploy/.env, the env_file compose.yaml reads."""
    compose = load_yaml(DEPLOY / "compose.yaml")
    env_files = {service.get("env_file") for service in compose["services"].values()} - {None}
    assert env_files == {".env"}, "compose resolves env_file beside compose.yaml: deploy/.env"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = next(
        p for p in readme.split("\n\n") if "docker compose -f deploy/compose.yaml" in p
    )
    copies = re.findall(r"cp deploy/env\.example (\S+?)`", paragraph)
    assert copies == ["deploy/.env"], paragraph


def test_asgi_entry_advises_one_worker_per_container() -> None:
    """bot/web/asgi.py's uvicorn command runs one worker, as docs/deploy.md's one process per container."""
    workers = re.findall(r"--workers (\d+)", bot.web.asgi.__doc__ or "")
    assert workers == ["1"], bot.web.asgi.__doc__
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "Run one process per container" in deploy
    assert set(re.findall(r"--workers (\d+)", deploy)) == {"1"}, "no several-worker advice"


def test_deploy_doc_describes_the_image_as_built() -> None:
    """docs/deploy.md says the image installs requirements.lock and the wheel, as it does."""
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    image = deploy.split("### The image", 1)[1].split("###", 1)[0]
    for words in ("requirements.lock", "wheel", "requirements-build.lock", "make lock"):
        assert words in image, words
    assert "as pinned in `pyproject.toml`" not in image
