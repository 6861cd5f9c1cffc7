"""`/safety show` links the whole evidence's file, inertly, and only for those who see it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.slack.blocks import TemplateRenderer
from bot.slack.commands import show_context
from bot.store.models import IncidentFile
from tests.slack.test_templates_hostile import VALUES, hostile_detail

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PERMALINK = "https://fake.slack.com/files/U0BOT/F0000001/AIS-42-evidence.txt"


def _shown(value: str, *, permalink: str | None, visible: bool = True, posted: bool = True) -> str:
    detail = hostile_detail("plain words", restricted=not visible)
    if posted:
        detail.files.append(
            IncidentFile(incident_id=42, kind="evidence", name=value, permalink=permalink)
        )
    context = show_context(detail, visible=visible, buttons=True)
    message: dict[str, Any] = TemplateRenderer(TEMPLATES).render_message("messages/show", **context)
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_the_file_is_linked_under_the_evidence() -> None:
    """With a file, `show` links it by name; without, it says nothing of a file."""
    shown = _shown("AIS-42-evidence.txt", permalink=PERMALINK)
    assert f"<{PERMALINK}|AIS-42-evidence.txt>" in shown
    assert "a file in the thread" in shown
    assert "a file in the thread" not in _shown("x", permalink=PERMALINK, posted=False)


@pytest.mark.parametrize("value", ["markup", "json breakers", "template syntax"])
def test_a_hostile_name_and_link_stay_inert(value: str) -> None:
    """Markup in the file's name or link is escaped: it cannot ping or make another link."""
    hostile = VALUES[value]
    shown = _shown(hostile, permalink=f"{PERMALINK}|<!channel> {hostile}")
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert len(re.findall(r"<https://fake\.slack\.com/files/", shown)) == 1
    assert "EVALUATED" not in shown


def test_a_file_without_a_link_is_named() -> None:
    """A file recorded without a permalink is named, not linked."""
    shown = _shown("AIS-42-evidence.txt", permalink=None)
    assert "AIS-42-evidence.txt" in shown and "<https://fake.slack.com/files/" not in shown


def test_someone_who_may_not_see_the_evidence_is_not_shown_the_file() -> None:
    """A restricted incident's `show` for an outsider names no file."""
    shown = _shown("AIS-42-evidence.txt", permalink=PERMALINK, visible=False)
    assert "evidence.txt" not in shown and "fake.slack.com/files" not in shown
