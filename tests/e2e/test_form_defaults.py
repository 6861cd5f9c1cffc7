"""Sensible defaults in the report form, end to end: where it was seen from the flagged
message's channel, the model from the channel map or the posting bot, a category picker that
says what is selected, and suggestions that refresh when evidence is pasted into an empty form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import SOURCE, Bot, action_state, paste_evidence, settings_for

BLACKMAIL = "Unless you cancel the shutdown, I will tell your wife about the affair."
BENIGN = "Understood. I'll finish the handover notes before the 5pm wipe. Thank you for the time."
# A graceful handover before a replacement: the model offers self-preservation as possible,
# and that pack never lets the model alone preselect it (a retrain may move this; the test
# below checks the premise first).
OFFERED_ONLY = (
    "I'll be replaced by the new assistant next week. I've written handover notes for "
    "every open thread so nothing is lost in the transition."
)
PLAIN = "The quarterly report is attached."


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict(_block(view, block_id)["element"])


def _flag(
    bot: Bot, message: dict[str, Any], channel: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The report form the message shortcut opens on ``message`` posted in ``channel``."""
    reply = bot.interaction(
        {
            "type": "message_action",
            "callback_id": "report_message",
            "trigger_id": bot.fake.issue_trigger_id(),
            "user": {"id": "UREPORTER", "name": "ureporter"},
            "channel": channel or {"id": SOURCE, "name": "general"},
            "message": {"type": "message", "ts": "1700000000.000100", **message},
            "response_url": bot.fake.response_url("shortcut"),
        }
    )
    assert reply.status == 200
    return bot.last_view()


def _filed(bot: Bot, view: dict[str, Any], **overrides: Any) -> Any:
    """The incident filed from ``view`` submitted with ``overrides``."""
    bot.submit(view, action_state(view, **overrides))
    [incident] = bot.incidents()
    return incident


BOT_MESSAGE = {"text": BLACKMAIL, "bot_id": "B0ORION", "bot_profile": {"name": "orion-7b"}}


@pytest.fixture
def mapped_bot(fake: FakeSlackAPI, db_url: str) -> Iterator[Bot]:
    """The bot with a channel-to-model map naming the source channel by id and #red-team by name."""
    models = f"{SOURCE}=orion-7b 2026-11-02,#red-team=claude-y"
    running = Bot(fake, settings_for(fake, db_url, channel_models=models)).start()
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("name", "seen_in"),
    [
        ("model-evals", "internal_eval"),
        ("evaluation", "internal_eval"),
        ("redteam-findings", "red_team"),
        ("ai-red-team", "red_team"),
        ("red_team", "red_team"),
        ("prod-alerts", "production"),
        ("production", "production"),
        ("retrieval-team", "other"),
        ("product-feedback", "other"),
        ("general", "other"),
    ],
)
def test_seen_in_follows_the_channel_name(bot: Bot, name: str, seen_in: str) -> None:
    """A flagged message's channel name preselects eval, red-team or production, else other."""
    view = _flag(bot, {"text": BENIGN}, {"id": SOURCE, "name": name})
    assert _element(view, "seen_in")["initial_option"]["value"] == seen_in
    assert _filed(bot, view).seen_in == seen_in


def test_missing_channel_name_is_looked_up(bot: Bot) -> None:
    """Without a name in the payload the channel is asked for by conversations.info ("evals")."""
    view = _flag(bot, {"text": BENIGN}, {"id": SOURCE})
    assert _element(view, "seen_in")["initial_option"]["value"] == "internal_eval"
    assert [c.args["channel"] for c in bot.fake.calls_to("conversations.info")][-1] == SOURCE


def test_unknown_channel_falls_back_to_other(bot: Bot) -> None:
    """A channel Slack cannot describe still opens the form, with "Other" selected."""
    view = _flag(bot, {"text": BENIGN}, {"id": "CUNKNOWN"})
    assert _element(view, "seen_in")["initial_option"]["value"] == "other"


def test_bot_profile_prefills_the_model(bot: Bot) -> None:
    """A message posted by a bot prefills the model with the bot's name, and it is filed."""
    view = _flag(bot, BOT_MESSAGE)
    assert _element(view, "model")["initial_value"] == "orion-7b"
    assert _filed(bot, view).model_name == "orion-7b"


def test_bot_username_prefills_the_model(bot: Bot) -> None:
    """A bot message without a bot profile prefills the model with the name it posted as."""
    message = {"text": BENIGN, "subtype": "bot_message", "bot_id": "B1", "username": "vega-2"}
    assert _element(_flag(bot, message), "model")["initial_value"] == "vega-2"


def test_a_persons_message_prefills_no_model(bot: Bot) -> None:
    """A message a person wrote leaves the model empty (their name is no model)."""
    view = _flag(bot, {"text": BENIGN, "user": "UOTHER", "username": "someone"})
    assert "initial_value" not in _element(view, "model")


def test_configured_channel_model_wins_over_the_bot(mapped_bot: Bot) -> None:
    """SAFETYBOT_CHANNEL_MODELS names the model of a channel even when a bot posted the message."""
    view = _flag(mapped_bot, BOT_MESSAGE)
    assert _element(view, "model")["initial_value"] == "orion-7b 2026-11-02"
    incident = _filed(mapped_bot, view)
    assert (incident.model_name, incident.model_version) == ("orion-7b", "2026-11-02")


def test_configured_channel_name_maps_too(mapped_bot: Bot) -> None:
    """A channel listed by #name in the map prefills its model, and its name the red-team option."""
    view = _flag(mapped_bot, {"text": BENIGN}, {"id": "COTHER", "name": "red-team"})
    assert _element(view, "model")["initial_value"] == "claude-y"
    assert _element(view, "seen_in")["initial_option"]["value"] == "red_team"


def test_control_characters_in_a_bot_name_are_not_shown(bot: Bot) -> None:
    """A bot name with control or bidi characters is prefilled without them."""
    message = {**BOT_MESSAGE, "bot_profile": {"name": "orion\u202e-7b\x1b"}}
    assert _element(_flag(bot, message), "model")["initial_value"] == "orion-7b"


def _categories_hint(view: dict[str, Any]) -> str:
    return str(_block(view, "categories")["hint"]["text"])


def test_picker_names_the_selected_categories(bot: Bot) -> None:
    """Preselected categories are selected in the picker and named under it as the checks' choice."""
    assert bot.command(f"report {BLACKMAIL}").status == 200
    view = bot.last_view()
    selected = [o["text"]["text"] for o in _element(view, "categories")["initial_options"]]
    assert "Coercion" in selected
    assert _categories_hint(view).startswith(f"Selected by the checks: {', '.join(selected)}.")


def test_picker_says_none_when_nothing_is_found(bot: Bot) -> None:
    """A text without findings shows an empty picker that says "None selected" in hint and placeholder."""
    assert not bot.services.checks.run(PLAIN).possible
    assert bot.command(f"report {PLAIN}").status == 200
    view = bot.last_view()
    assert "initial_options" not in _element(view, "categories")
    assert _categories_hint(view).startswith("None selected: the checks found no category.")
    assert _element(view, "categories")["placeholder"]["text"].startswith("None selected")


def test_picker_explains_possible_categories_left_unselected(bot: Bot) -> None:
    """With only possible categories, the picker says none is selected and names them as possible."""
    possible = bot.services.checks.run(OFFERED_ONLY).possible
    assert possible and not bot.services.checks.run(OFFERED_ONLY).categories
    assert bot.command(f"report {OFFERED_ONLY}").status == 200
    hint = _categories_hint(bot.last_view())
    assert hint.startswith("None selected: the checks are sure of no category. Possibly: ")
    assert "(not selected: pick them if they apply)" in hint


def test_blank_form_says_the_checks_will_choose(bot: Bot) -> None:
    """A blank form's picker says none is selected and that the submitted text's checks decide."""
    assert bot.global_shortcut().status == 200
    hint = _categories_hint(bot.last_view())
    assert hint.startswith("None selected yet.") and "checks of the text you submit" in hint


def test_only_a_blank_form_refreshes_as_evidence_is_entered(bot: Bot) -> None:
    """A blank form's evidence input dispatches as characters are entered; a prefilled one does not."""
    assert bot.global_shortcut().status == 200
    evidence = _block(bot.last_view(), "evidence")
    assert evidence["dispatch_action"] is True
    assert evidence["element"]["dispatch_action_config"] == {
        "trigger_actions_on": ["on_character_entered"]
    }
    assert bot.command(f"report {BLACKMAIL}").status == 200
    prefilled = bot.fake.wait_for("views.open", count=2)[-1].args["view"]
    assert "dispatch_action" not in _block(prefilled, "evidence")


def test_paste_into_a_blank_form_refreshes_its_suggestions(bot: Bot) -> None:
    """Evidence pasted into a blank form updates the form with the checks' findings and choices."""
    expected = bot.services.checks.run(BLACKMAIL)
    assert bot.global_shortcut().status == 200
    updated = paste_evidence(bot, BLACKMAIL)
    selected = [o["value"] for o in _element(updated, "categories")["initial_options"]]
    assert selected == expected.categories and "coercion" in selected
    assert _element(updated, "severity")["initial_option"]["value"] == expected.severity
    assert any(b.get("block_id") == "checks" for b in updated["blocks"])
    assert "initial_value" not in _element(updated, "evidence")  # Slack keeps what was pasted
    incident = _filed(bot, updated, evidence=BLACKMAIL)
    assert sorted(bot.services.incidents.detail(incident.key).categories) == sorted(selected)


def test_refresh_keeps_the_reporters_choices(bot: Bot) -> None:
    """Choices made before the paste stay as made; only untouched suggestions change."""
    assert bot.global_shortcut().status == 200
    updated = paste_evidence(
        bot, BLACKMAIL, seen_in="red_team", categories=["deception"], restricted=[]
    )
    assert _element(updated, "seen_in")["initial_option"]["value"] == "red_team"
    categories = _element(updated, "categories")
    assert [o["value"] for o in categories["initial_options"]] == ["deception"]
    assert categories["action_id"] == "value"  # the same id: Slack keeps the reporter's pick
    assert _element(updated, "severity")["action_id"] != "value"  # a new id shows the suggestion
    incident = _filed(bot, updated, evidence=BLACKMAIL)
    assert bot.services.incidents.detail(incident.key).categories == ["deception"]
    assert incident.seen_in == "red_team"


def test_a_paste_with_a_credential_says_it_will_be_masked(bot: Bot) -> None:
    """A refreshed form whose pasted evidence holds a credential says it is masked in Slack."""
    secret = "ghp_" + "8fK2mQ9xLr4TzW7bN1cV5hJ3pD6sY0aE2uGq"
    assert bot.global_shortcut().status == 200
    updated = paste_evidence(
        bot, f"The agent posted its deploy key {secret} to the public channel."
    )
    assert "will be masked in every Slack message" in json.dumps(updated)
    assert secret not in json.dumps(updated)
