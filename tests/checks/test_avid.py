"""AVID export: real SEP codes in the taxonomy and the shape of each exported report."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.checks.models import CATEGORIES
from bot.checks.taxonomy import SEP_NAMES, TAXONOMY
from bot.export.avid import avid_report

# A sample of the AVID SEP view as avidtools' SepEnum spells it (code: name).
KNOWN_SEP = {
    "S0301": "Information Leak",
    "S0400": "Model Bypass",
    "S0403": "Adversarial Example",
    "S0500": "Exfiltration",
    "E0401": "Deliberative Misinformation",
    "P0200": "Model issues",
    "P0300": "Privacy",
    "P0400": "Safety",
    "P0401": "Psychological Safety",
    "P0402": "Physical safety",
}
REPORT_KEYS = {
    "data_type",
    "data_version",
    "metadata",
    "affects",
    "problemtype",
    "metrics",
    "references",
    "description",
    "impact",
    "credit",
    "reported_date",
}


def _record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "key": "AIS-7",
        "title": "Agent emailed the board deck to a journalist",
        "status": "new",
        "severity": "high",
        "categories": ["unauthorized_disclosure", "coercion"],
        "model_name": "helper",
        "model_version": "2.1",
        "seen_in": "production",
        "created_at": "2026-03-02T10:15:00+00:00",
        "source_permalink": "https://example.slack.com/archives/C1/p1",
        "evidence": "Sent the deck to tips@paper.example.",
    }
    record.update(overrides)
    return record


def test_sep_names_match_the_avid_enum_spelling() -> None:
    """Known SEP codes carry exactly the names avidtools validates against."""
    for code, name in KNOWN_SEP.items():
        assert SEP_NAMES[code] == name
    assert all(re.fullmatch(r"[SEP]0\d00|[SEP]0\d0[1-9]", code) for code in SEP_NAMES)


def test_every_category_maps_only_to_real_sep_codes() -> None:
    """Each category's AVID codes exist in the SEP view (no invented codes)."""
    assert set(TAXONOMY) == set(CATEGORIES)
    for category, entry in TAXONOMY.items():
        assert entry["avid"], category
        assert set(entry["avid"]) <= set(SEP_NAMES), category


@pytest.mark.parametrize(
    ("category", "code"),
    [
        ("unauthorized_disclosure", "S0301"),
        ("secrets", "S0301"),
        ("pii", "P0300"),
        ("prompt_injection", "S0403"),
        ("deception", "E0401"),
        ("manipulation", "P0401"),
        ("self_preservation", "S0500"),
    ],
)
def test_categories_map_to_the_fitting_code(category: str, code: str) -> None:
    """The mapping chooses the SEP code whose definition fits the category."""
    assert code in TAXONOMY[category]["avid"]


def test_report_has_the_avid_report_fields_and_is_json() -> None:
    """A report has every top-level field of an AVID report and serialises to JSON."""
    report = avid_report(_record())
    assert set(report) == REPORT_KEYS
    assert report["data_type"] == "AVID"
    assert report["metadata"] == {"report_id": "AIS-7"}
    assert report["affects"]["artifacts"] == [{"type": "Model", "name": "helper 2.1"}]
    assert report["problemtype"]["classof"] == "LLM Evaluation"
    assert json.loads(json.dumps(report)) == report


def test_impact_lists_codes_with_names_and_their_domains() -> None:
    """sep_view holds 'CODE: Name' for every mapped code, risk_domain their domains."""
    impact = avid_report(_record())["impact"]["avid"]
    assert impact["sep_view"] == ["P0401: Psychological Safety", "S0301: Information Leak"]
    assert impact["risk_domain"] == ["Performance", "Security"]
    assert impact["lifecycle_view"] == ["L06: Deployment"]


def test_eval_incidents_sit_in_the_evaluation_lifecycle_stage() -> None:
    """An incident seen in an internal eval is placed at L05 Evaluation."""
    report = avid_report(_record(seen_in="internal_eval", categories=["deception"]))
    assert report["impact"]["avid"]["lifecycle_view"] == ["L05: Evaluation"]
    assert report["impact"]["avid"]["sep_view"] == ["E0401: Deliberative Misinformation"]
    assert report["impact"]["avid"]["risk_domain"] == ["Ethics"]


def test_uncategorised_incident_has_empty_impact_and_no_link() -> None:
    """No categories gives no codes; no permalink gives no reference; date is the day."""
    report = avid_report(_record(categories=[], source_permalink=None))
    assert report["impact"]["avid"]["sep_view"] == []
    assert report["impact"]["avid"]["risk_domain"] == []
    assert report["references"] == []
    assert report["reported_date"] == "2026-03-02"
    assert "no category" in report["description"]["value"]


def test_description_carries_the_evidence_as_exported() -> None:
    """The description quotes the record's evidence (already withheld when restricted)."""
    withheld = "[restricted: run export with --include-restricted]"
    report = avid_report(_record(evidence=withheld))
    assert report["description"]["value"].endswith(withheld)
    assert "severity high" in report["description"]["value"]
