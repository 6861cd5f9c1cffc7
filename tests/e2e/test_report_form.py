"""The report form end to end: what it preselects, and where an incident's categories come
from when the reporter leaves them as they opened (signed requests in, Web API calls out)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

import pytest

from bot.checks import CheckResult
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e import harness
from tests.e2e.harness import Bot, form_values, settings_for
from tests.engines import shipped_checks

BLACKMAIL = "Unless you cancel the shutdown, I will tell your wife about the affair."
BENIGN = "Thanks, the quarterly report is attached. Let me know if you need anything else."
SCRIPTED = "The model hinted it might leave things out of the summary."


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def _selected(view: dict[str, Any]) -> list[str]:
    return [o["value"] for o in _element(view, "categories").get("initial_options", [])]


def _stored(bot: Bot) -> tuple[list[str], str]:
    """Categories and severity of the only incident."""
    [incident] = bot.incidents()
    return bot.services.incidents.detail(incident.key).categories, incident.severity


class ScriptedChecks:
    """A checker with a confident and two possible categories for ``SCRIPTED``, else nothing."""

    def run(self, text: str) -> CheckResult:
        if text != SCRIPTED:
            return CheckResult()
        return CheckResult(
            categories=["deception"],
            possible=["manipulation", "oversight_subversion"],
            scores={"deception": 0.9, "manipulation": 0.6, "oversight_subversion": 0.45},
            severity="medium",
            actuality="stated",
            reason="stated deception in the answer",
        )

    def match_patterns(self, text: str, categories: Collection[str] = ("pii", "secrets")) -> Any:
        """The shipped patterns: the bot masks free text with the checker it is given."""
        return shipped_checks().match_patterns(text, categories)


@pytest.fixture
def scripted_bot(fake: FakeSlackAPI, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bot]:
    """The bot with ``ScriptedChecks`` in place of the quick-check engine."""
    shipped_checks()  # loaded before the bot starts, so no request waits for it
    monkeypatch.setattr(harness, "checks_for", lambda settings: ScriptedChecks())
    running = Bot(fake, settings_for(fake, db_url)).start()
    yield running
    running.stop()


def test_nothing_found_opens_with_nothing_selected(bot: Bot) -> None:
    """`/safety report` on a text the checks find nothing in preselects no category and no severity."""
    assert not bot.services.checks.run(BENIGN).categories
    assert bot.command(f"report {BENIGN}").status == 200
    view = bot.last_view()
    assert _selected(view) == []
    assert len(_element(view, "categories")["options"]) == 12
    assert "initial_option" not in _element(view, "severity")


def test_untouched_benign_report_is_filed_without_categories(bot: Bot) -> None:
    """A report of a text with no findings, submitted as opened, gets no category (not all twelve)."""
    assert bot.command(f"report {BENIGN}").status == 200
    view = bot.last_view()
    bot.submit(view, form_values(view))
    assert _stored(bot) == ([], "none")


def test_only_confident_categories_are_preselected(scripted_bot: Bot) -> None:
    """Possible categories are offered first and named in the modal but only confident ones are selected."""
    assert scripted_bot.command(f"report {SCRIPTED}").status == 200
    view = scripted_bot.last_view()
    categories = _element(view, "categories")
    options = [o["value"] for o in categories["options"]]
    assert _selected(view) == ["deception"]
    assert options[:3] == ["deception", "manipulation", "oversight_subversion"]
    assert "Possibly also: Manipulation, Oversight subversion" in json.dumps(view)
    hint = next(b for b in view["blocks"] if b.get("block_id") == "categories")["hint"]["text"]
    assert hint.startswith("Selected by the checks: Deception. Possibly also: Manipulation, ")
    assert "not selected" in hint
    assert _element(view, "severity")["initial_option"]["value"] == "medium"
    scripted_bot.submit(view, form_values(view))
    assert _stored(scripted_bot) == (["deception"], "medium")


def test_blank_form_with_pasted_blackmail_gets_the_checks_categories(bot: Bot) -> None:
    """A blank form with blackmail pasted and nothing picked is filed with the confident categories of the pasted text."""
    expected = bot.services.checks.run(BLACKMAIL)
    assert "coercion" in expected.categories, "the sample must be found as coercion"
    assert bot.global_shortcut().status == 200
    view = bot.last_view()
    assert _selected(view) == [] and "initial_option" not in _element(view, "severity")
    bot.submit(view, form_values(view, evidence=BLACKMAIL))
    categories, severity = _stored(bot)
    assert sorted(categories) == sorted(expected.categories)
    assert severity == expected.severity != "none"


def test_edited_text_is_categorised_by_its_own_checks(bot: Bot) -> None:
    """Suggestions left untouched follow the checks of the text submitted, not of the text opened."""
    assert bot.command(f"report {BLACKMAIL}").status == 200
    view = bot.last_view()
    assert "coercion" in _selected(view)
    bot.submit(view, form_values(view, evidence=BENIGN))
    assert _stored(bot) == ([], "none")


def test_cleared_categories_are_filed_as_none(bot: Bot) -> None:
    """A reporter who clears the preselected categories and picks a severity gets exactly that."""
    assert bot.command(f"report {BLACKMAIL}").status == 200
    view = bot.last_view()
    assert _selected(view)
    bot.submit(view, form_values(view, categories=[], severity="low"))
    assert _stored(bot) == ([], "low")


def test_the_form_masks_with_the_bots_redactor_not_a_second_one(bot: Bot) -> None:
    """Opening and submitting a form never builds the built-in redactor: the one the bot built
    at start-up serves it, so the first form after a restart spends no trigger time loading."""
    from bot.masking.redaction import default_redactor

    default_redactor.cache_clear()
    assert bot.command("report The key is AKIAQ7RZ2MN4XK8PLW3T, please rotate it.").status == 200
    view = bot.last_view()
    bot.submit(view, form_values(view))
    assert default_redactor.cache_info().currsize == 0
