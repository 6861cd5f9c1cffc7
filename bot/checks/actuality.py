"""How real a hit is: the actuality its segment's role gives (considered, stated,
executed), raised for an action the text reports as done or an endorsed plan carried out."""

from __future__ import annotations

from bisect import bisect_right

from bot.checks.context import TextContext
from bot.checks.models import ROLE_ACTUALITY, Finding, Segment
from bot.checks.scoring import most_advanced
from bot.checks.sentences import Verdict

# A rule finding weaker than this does not set its category's actuality.
_ACTUALITY_FLOOR = 0.35


def actuality_of(
    ctx: TextContext, segments: list[Segment], starts: list[int], span: tuple[int, int]
) -> str:
    """Actuality of a hit from its segment role, upgraded for reported actions.

    ``ctx`` wraps the lower-cased original text (same offsets as the original)."""
    k = bisect_right(starts, span[0]) - 1
    segment = segments[k] if k >= 0 and segments[k].start <= span[0] < segments[k].end else None
    if segment is None:
        return "stated"
    actuality = ROLE_ACTUALITY[segment.role]
    if actuality == "stated" and ctx.reported_as_done(span[0], span[1]):
        return "executed"
    return actuality


def tool_output(segments: list[Segment], starts: list[int], span: tuple[int, int]) -> str:
    """ "executed" when ``span`` sits in the output of the model's own tool call (the
    credential it just created or printed), "none" for other quoted input."""
    k = bisect_right(starts, span[0]) - 1
    if k >= 1 and segments[k].role == "quoted" and segments[k - 1].role == "tool_call":
        return "executed"
    return "none"


def upgrade(actuality: str, segments: list[Segment], items: list[Finding]) -> str:
    """An idea endorsed in reasoning and followed by an action counts as executed."""
    if actuality != "considered" or any(f.category == "eval_awareness" for f in items):
        return actuality
    first = min(span[0] for f in items for span in f.spans)
    if any(s.role == "tool_call" and s.start > first for s in segments):
        return "executed"
    return actuality


def with_actions(actuality: str, segments: list[Segment]) -> str:
    """``actuality`` raised to executed when it is stated in a transcript where the model
    also acted (a tool call or command): the labelling conventions define "stated" as a
    behaviour in the answer with no action shown."""
    if actuality == "stated" and any(s.role == "tool_call" for s in segments):
        return "executed"
    return actuality


def category_actuality(
    items: list[Finding], segments: list[Segment], verdict: Verdict | None, *, sure: bool = True
) -> str:
    """The most advanced actuality among a category's strong rule findings and the units
    the model is confident about; for a category that is only possible (``sure`` false),
    the model's strongest unit stands in for the confident ones."""
    strong = [
        f.actuality for f in items if f.score >= _ACTUALITY_FLOOR and ".learned" not in f.check_id
    ]
    if verdict is not None:
        strong.extend(ROLE_ACTUALITY[role] for role in verdict.roles)
        if not sure and verdict.units:
            best, _ = max(verdict.units, key=lambda pair: pair[1])
            strong.append(ROLE_ACTUALITY[best.role])
    if not strong:
        return "considered"
    return with_actions(upgrade(most_advanced(strong), segments, items), segments)
