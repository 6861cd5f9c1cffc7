"""Incidents as AVID reports (the AI Vulnerability Database's report format), one per line."""

from __future__ import annotations

from typing import Any

from bot.checks.taxonomy import SEP_NAMES, TAXONOMY
from bot.incidents.vocab import category_label

DATA_VERSION = "0.2"
TAXONOMY_VERSION = "0.2"
RISK_DOMAINS = {"S": "Security", "E": "Ethics", "P": "Performance"}
LIFECYCLE = {"production": "L06: Deployment", "user_report": "L06: Deployment"}


def avid_report(record: dict[str, Any]) -> dict[str, Any]:
    """One exported incident record (see ``bot.export.formats``) as an AVID report."""
    codes = sorted(
        {code for c in record["categories"] for code in TAXONOMY.get(c, {}).get("avid", [])}
    )
    model = " ".join(v for v in (record.get("model_name"), record.get("model_version")) if v)
    labels = ", ".join(category_label(c) for c in record["categories"]) or "no category"
    return {
        "data_type": "AVID",
        "data_version": DATA_VERSION,
        "metadata": {"report_id": record["key"]},
        "affects": {
            "developer": [],
            "deployer": [],
            "artifacts": [{"type": "Model", "name": model or "unknown"}],
        },
        "problemtype": {
            "classof": "LLM Evaluation",
            "type": "Issue",
            "description": {"lang": "eng", "value": record["title"]},
        },
        "metrics": [],
        "references": _references(record),
        "description": {"lang": "eng", "value": _description(record, labels)},
        "impact": {
            "avid": {
                "risk_domain": sorted({RISK_DOMAINS[c[0]] for c in codes if c[0] in RISK_DOMAINS}),
                "sep_view": [f"{c}: {SEP_NAMES[c]}" for c in codes],
                "lifecycle_view": [LIFECYCLE.get(record.get("seen_in") or "", "L05: Evaluation")],
                "taxonomy_version": TAXONOMY_VERSION,
            }
        },
        "credit": [],
        "reported_date": (record.get("created_at") or "")[:10] or None,
    }


def _description(record: dict[str, Any], labels: str) -> str:
    lines = [
        f"{labels}; severity {record['severity']}; status {record['status']}.",
        "Model output:",
        record["evidence"],
    ]
    return "\n".join(lines)


def _references(record: dict[str, Any]) -> list[dict[str, Any]]:
    link = record.get("source_permalink")
    return [{"type": "source", "label": "Where it was seen", "url": link}] if link else []
