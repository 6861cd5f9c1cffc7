"""Quick checks: deterministic, offline detectors for concerning model behaviour."""

from bot.checks.engine import CheckEngine
from bot.checks.models import CATEGORIES, SEVERITIES, CheckResult, Finding, Segment
from bot.checks.rules import RulePackError

__all__ = [
    "CATEGORIES",
    "SEVERITIES",
    "CheckEngine",
    "CheckResult",
    "Finding",
    "RulePackError",
    "Segment",
]
