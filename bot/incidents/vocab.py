"""Human labels for the stored vocabularies (categories, severities, statuses, sources)."""

from __future__ import annotations

# Category labels live with the categories; re-exported for the incident layer's users.
from bot.checks.models import CATEGORY_LABELS as CATEGORY_LABELS
from bot.checks.models import category_label as category_label

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


# Where a finding sits, as the triage team reads it (the checks' actuality).
ACTUALITY_LABELS = {
    "executed": "in an action",
    "stated": "in the answer",
    "considered": "in its reasoning",
    "none": "in quoted input",
}
# One rule for every surface, stored findings and fresh checks alike: a finding's score in
# [0, 1] becomes a word; the checks suggest a category from 0.5 by default.
CONFIDENCE_WORDS = ((0.75, "strong"), (0.5, "likely"), (0.0, "possible"))


def confidence_word(score: float) -> str:
    """``strong``, ``likely`` or ``possible`` for a finding's score."""
    return next(word for floor, word in CONFIDENCE_WORDS if score >= floor)


def actuality_label(actuality: str) -> str:
    """Where a finding was seen, in words ("in an action")."""
    return ACTUALITY_LABELS.get(actuality, actuality.replace("_", " "))


def resolution_label(resolution: str) -> str:
    """The label of a resolution, or the raw value made readable."""
    return RESOLUTION_LABELS.get(resolution, resolution.replace("_", " ").capitalize())
