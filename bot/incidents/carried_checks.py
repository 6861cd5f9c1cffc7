"""The checks of a report's text as JSON, so that they travel with the report from the form
that ran them (its draft) to the incident it becomes, instead of running again."""

from __future__ import annotations

from typing import Any

from bot.checks import CheckResult, Finding, Segment


def to_json(result: CheckResult) -> dict[str, Any]:
    """``result`` as a JSON-ready dictionary that ``from_json`` turns back into it."""
    return {**result.to_dict(), "quoted_findings": [f.to_dict() for f in result.quoted_findings]}


def from_json(data: dict[str, Any]) -> CheckResult:
    """The check result ``to_json`` made."""
    return CheckResult(
        findings=[Finding.from_dict(f) for f in data["findings"]],
        segments=[Segment(**s) for s in data["segments"]],
        categories=list(data["categories"]),
        possible=list(data["possible"]),
        scores={str(k): float(v) for k, v in data["scores"].items()},
        severity=str(data["severity"]),
        actuality=str(data["actuality"]),
        reason=str(data["reason"]),
        elapsed_ms=float(data["elapsed_ms"]),
        quoted_findings=[Finding.from_dict(f) for f in data.get("quoted_findings", [])],
    )
