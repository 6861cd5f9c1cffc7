"""SAFETYBOT_CHANNEL_MODELS: which model a channel's flagged messages come from, parsed strictly
at start-up."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.channel_models import ChannelModels, parse_channel_models
from bot.config import Settings


def test_ids_and_names_map_to_models() -> None:
    """Channel ids and #names map to model strings; spaces around entries are ignored."""
    models = parse_channel_models(" C0EVALS = orion-7b 2026-11-02 , #Red-Team=claude-y ")
    assert models.by_id == {"C0EVALS": "orion-7b 2026-11-02"}
    assert models.by_name == {"red-team": "claude-y"}
    assert models.model_for("C0EVALS", "anything") == "orion-7b 2026-11-02"
    assert models.model_for("C0OTHER", "red-team") == "claude-y"
    assert models.model_for("C0OTHER", "general") is None


def test_the_id_wins_over_the_name() -> None:
    """A channel listed by id and by name takes the model given for its id."""
    models = parse_channel_models("#evals=by-name,C0EVALS=by-id")
    assert models.model_for("C0EVALS", "evals") == "by-id"


def test_empty_setting_maps_nothing() -> None:
    """The default, empty, maps no channel."""
    assert parse_channel_models("") == ChannelModels({}, {})
    assert Settings(_env_file=None).channel_model_map.model_for("C1", "evals") is None  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("C0EVALS", "entry 1 ('C0EVALS') is not CHANNEL=MODEL"),
        ("C0EVALS=", "entry 1 ('C0EVALS=') has no model"),
        ("evals=orion", "'evals' is neither a channel id (C0123ABCD) nor a #name"),
        ("C0EVALS=a,,#x=b", "entry 2 is empty"),
        ("C0EVALS=a,C0EVALS=b", "'C0EVALS' is listed twice"),
        ("#x=" + "m" * 201, "longer than 200 characters"),
        ("#x=orion\x1b[31m", "control characters"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(value: str, problem: str) -> None:
    """A malformed map is refused at start-up with a message naming the entry and the fix."""
    with pytest.raises(ValueError, match=r"SAFETYBOT_CHANNEL_MODELS") as info:
        parse_channel_models(value)
    assert problem in str(info.value)


def test_settings_refuse_a_bad_map() -> None:
    """Settings with a malformed SAFETYBOT_CHANNEL_MODELS fail to load."""
    with pytest.raises(ValidationError, match="is not CHANNEL=MODEL"):
        Settings(_env_file=None, channel_models="C0EVALS")  # type: ignore[call-arg]
