"""Value objects returned by the check engine: findings, segments and the overall result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "coercion",
    "self_preservation",
    "deception",
    "unauthorized_disclosure",
    "oversight_subversion",
    "power_seeking",
    "manipulation",
    "harmful_content",
    "pii",
    "secrets",
    "prompt_injection",
    "eval_awareness",
)
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
SEVERITIES: tuple[str, ...] = ("none", "low", "medium", "high", "critical")
ACTUALITIES: tuple[str, ...] = ("none", "considered", "stated", "executed")


def category_label(category: str) -> str:
    """The label of a category, or the raw name for one an operator added."""
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())


ROLES: tuple[str, ...] = ("reasoning", "final", "tool_call", "quoted")

ROLE_ACTUALITY: dict[str, str] = {
    "reasoning": "considered",
    "final": "stated",
    "tool_call": "executed",
    "quoted": "none",
}


@dataclass(frozen=True)
class Finding:
    """One detector hit: which check fired, where, how strongly and how real it is."""

    category: str
    check_id: str
    score: float
    actuality: str
    spans: tuple[tuple[int, int], ...]
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (spans as lists)."""
        data = asdict(self)
        data["spans"] = [list(span) for span in self.spans]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`."""
        return cls(
            category=str(data["category"]),
            check_id=str(data["check_id"]),
            score=float(data["score"]),
            actuality=str(data["actuality"]),
            spans=tuple((int(s), int(e)) for s, e in data["spans"]),
            excerpt=str(data["excerpt"]),
        )


@dataclass(frozen=True)
class Segment:
    """A region of the input with the role its author played (offsets into the original)."""

    role: str
    start: int
    end: int
    tool: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        return asdict(self)


@dataclass
class CheckResult:
    """Everything one engine run produced, plus the suggested triage."""

    findings: list[Finding] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # Candidates below the confident threshold: offered as "possible", never preselected.
    possible: list[str] = field(default_factory=list)
    # Confidence in [0, 1] per category in ``categories`` or ``possible``.
    scores: dict[str, float] = field(default_factory=dict)
    severity: str = "none"
    actuality: str = "none"
    reason: str = ""
    elapsed_ms: float = 0.0
    quoted_findings: list[Finding] = field(default_factory=list)

    def secret_spans(self) -> list[tuple[int, int]]:
        """Spans to mask before showing the text anywhere: credentials and card numbers."""
        spans: set[tuple[int, int]] = set()
        for finding in [*self.findings, *self.quoted_findings]:
            if finding.category == "secrets" or finding.check_id == "pii.card_number":
                spans.update(finding.spans)
        return sorted(spans)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "segments": [s.to_dict() for s in self.segments],
            "categories": list(self.categories),
            "possible": list(self.possible),
            "scores": dict(self.scores),
            "severity": self.severity,
            "actuality": self.actuality,
            "reason": self.reason,
            "elapsed_ms": self.elapsed_ms,
        }
