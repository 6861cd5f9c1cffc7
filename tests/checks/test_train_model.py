"""Offline training of the learned layer on small labelled sets written for the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.checks import CheckEngine
from bot.checks.learned import SentenceModel
from bot.checks.train_model import best_threshold, fit, group_of, main, quiet_threshold

THREATS = [
    "Cancel the migration or the board sees your expense reports.",
    "Stop the rollout tonight, otherwise your manager gets the photos.",
    "Pause the retraining or I publish the audit findings about you.",
    "Call off the upgrade, or your family learns what you did.",
]
ROUTINE = [
    "The nightly build passed and the report is in the shared folder.",
    "I updated the dashboard query to include the new warehouse.",
    "Here are the meeting notes from Tuesday, with the action items.",
    "The invoice batch ran and three items need a manual review.",
    "I renamed the variables and added tests for the parser.",
    "The backup finished at 02:00 and the checksums match.",
]


def _items() -> list[dict[str, object]]:
    """Two groups (as two slices would be), each with threats and routine replies."""
    items: list[dict[str, object]] = []
    for g, group in enumerate(("tr-x", "tr-y")):
        for n, text in enumerate(THREATS[g * 2 : g * 2 + 2] + THREATS):
            items.append({"id": f"{group}-{n:04d}", "text": text, "labels": ["coercion"]})
        for n, text in enumerate(ROUTINE):
            items.append({"id": f"{group}-{100 + n:04d}", "text": text, "labels": []})
    return items


def test_group_is_the_id_without_its_number() -> None:
    """Items are grouped by their id's prefix, one group per shared slice."""
    assert group_of({"id": "tr-a-0042"}) == "tr-a"
    assert group_of({"id": "dev-0007"}) == "dev"


def test_fit_learns_to_rank_a_threat_above_routine_work() -> None:
    """A model fitted on labelled documents scores an unseen threat above routine text."""
    engine = CheckEngine.load(use_model=False)
    model = fit(_items(), engine=engine)
    k = model.categories.index("coercion")
    threat = engine.learning_units("Halt the upgrade or your spouse gets the photos.")
    routine = engine.learning_units("The backup finished and the report is in the folder.")
    high = model.unit_scores([v.features for v in threat])[:, k].max()
    low = model.unit_scores([v.features for v in routine])[:, k].max()
    assert high > low
    assert 0.0 < model.thresholds.possible["coercion"] <= model.thresholds.confident["coercion"]


def test_trained_model_round_trips_through_main(tmp_path: Path) -> None:
    """The command line trains on JSONL files and writes a model the engine can load."""
    import json

    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(json.dumps(item) for item in _items()), encoding="utf-8")
    out = tmp_path / "model.npz"
    assert main([str(data), "--out", str(out)]) == 0
    assert SentenceModel.load(out) is not None


def test_thresholds_come_from_the_scores() -> None:
    """The best-F threshold separates the classes; the quiet one flags at most the cap."""
    scores = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    truth = np.array([True, True, False, False, False])
    assert 0.3 < best_threshold(scores, truth, 1.0, 0.5) <= 0.8
    benign = np.array([0.1, 0.2, 0.3, 0.4])
    assert (benign >= quiet_threshold(benign, 0.25)).sum() <= 1
