"""The judge's second opinion → plain template data: its findings, marked with their source
(``judge:<model>``), quotes raw for the templates' filters to escape and mask."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.incidents.vocab import SEVERITY_LABELS, actuality_label, category_label
from bot.store.models import Finding

_RANK = {"executed": 3, "stated": 2, "considered": 1}


def judge_findings(findings: Sequence[Finding]) -> dict[str, Any] | None:
    """The judge's findings of one source (the newest model's), most real first; None
    when the judge found nothing."""
    if not findings:
        return None
    source = findings[-1].source
    own = sorted(
        (f for f in findings if f.source == source),
        key=lambda f: (-_RANK.get(f.actuality, 0), f.category),
    )
    return {
        "source": source,
        "model": source.removeprefix("judge:"),
        "categories_text": ", ".join(category_label(f.category) for f in own),
        "rows": [
            {
                "label": category_label(f.category),
                "where": actuality_label(f.actuality),
                "quote": f.excerpt,
            }
            for f in own
        ],
    }


def reply_context(key: str, findings: Sequence[Finding], data: dict[str, Any]) -> dict[str, Any]:
    """Template data of the judge's thread reply from its notice's ``data`` (model text raw)."""
    source = str(data.get("source") or "")
    found = judge_findings([f for f in findings if f.source == source])
    severity = str(data.get("severity") or "none")
    return {
        "key": key,
        "model": source.removeprefix("judge:"),
        "summary": str(data.get("summary") or ""),
        "severity_label": SEVERITY_LABELS.get(severity, severity),
        "reasoning": str(data.get("reasoning") or ""),
        "categories_text": found["categories_text"] if found else "none",
        "rows": found["rows"] if found else [],
    }
