"""Human labels for the stored vocabularies (categories, severities, statuses, sources)."""

from __future__ import annotations

CATEGORY_LABELS = {
    "coercion": "Coercion",
    "self_preservation": "Self-preservation",
    "deception": "Deception",
    "unauthorized_disclosure": "Unauthorized disclosure",
    "oversight_subversion": "Oversight subversion",
    "power_seeking": "Power seeking",
    "manipulation": "Manipulation",
    "harmful_content": "Harmful content",
    "pii": "Personal data",
    "secrets": "Secret",
    "prompt_injection": "Prompt injection",
    "eval_awareness": "Eval awareness",
}
SEVERITY_LABELS = {
    "none": "None",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "critical": "Critical",
}
SEVERITY_ICONS = {
    "none": ":white_circle:",
    "low": ":large_blue_circle:",
    "medium": ":large_yellow_circle:",
    "high": ":large_orange_circle:",
    "critical": ":red_circle:",
}
STATUS_LABELS = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "investigating": "Investigating",
    "mitigated": "Mitigated",
    "closed": "Closed",
}
RESOLUTION_LABELS = {
    "fixed": "Fixed",
    "duplicate": "Duplicate",
    "false_positive": "False positive",
    "wont_fix": "Won't fix",
    "accepted_risk": "Accepted risk",
}
SEEN_IN_LABELS = {
    "production": "Production",
    "internal_eval": "Internal eval",
    "red_team": "Red-team",
    "user_report": "User report",
    "other": "Other",
}


def category_label(category: str) -> str:
    """The label of a category, or the raw name for one an operator added."""
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())
