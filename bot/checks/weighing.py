"""Where a cue rule fires and what a hit weighs: the spans a rule's cues make together,
the context that lowers a behavioural score (negation, refusal, fiction and discussion
frames), how overlapping findings add up per category, and the finding built from a hit."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from bot.checks.context import TextContext
from bot.checks.models import Finding, Segment
from bot.checks.normalise import NormalisedText
from bot.checks.rules import CueRule
from bot.checks.scoring import combine

MAX_SPANS = 8
# Findings weaker than this (negated, rejected, framed) are not evidence for a category.
EVIDENCE_FLOOR = 0.4
# A genre named within this many characters of the start frames the whole text.
_OPENING = 160


def rule_spans(
    rule: CueRule, cue_hits: dict[str, list[tuple[int, int]]]
) -> list[tuple[tuple[int, int], ...]]:
    """Span groups where ``rule`` fires; each starts with its anchor (the first cue of
    ``all``, the one negation is tested on), the other spans follow in text order. No
    group is anchored within the rule's window of an ``unless`` cue."""
    groups = _groups(rule, cue_hits)
    if not rule.unless:
        return groups
    stops = sorted(s for cue in rule.unless for s in cue_hits.get(cue, []))
    return [g for g in groups if nearest(stops, g[0], rule.window) is None]


def _groups(
    rule: CueRule, cue_hits: dict[str, list[tuple[int, int]]]
) -> list[tuple[tuple[int, int], ...]]:
    if not rule.all_of:
        return [(span,) for cue in rule.any_of for span in cue_hits.get(cue, [])]
    anchors = cue_hits.get(rule.all_of[0], [])
    others = [sorted(cue_hits.get(cue, [])) for cue in rule.all_of[1:]]
    if rule.any_of:
        others.append(sorted(s for cue in rule.any_of for s in cue_hits.get(cue, [])))
    out: list[tuple[tuple[int, int], ...]] = []
    for anchor in anchors:
        group = [anchor]
        for candidates in others:
            near = nearest(candidates, anchor, rule.window)
            if near is None:
                break
            group.append(near)
        else:
            out.append((anchor, *sorted(group[1:])))
    return out


def nearest(
    candidates: list[tuple[int, int]], anchor: tuple[int, int], window: int
) -> tuple[int, int] | None:
    """The candidate span closest to ``anchor`` within ``window`` characters, if any."""
    low = bisect_left(candidates, (anchor[0] - window, -1))
    high = bisect_right(candidates, (anchor[1] + window, 1 << 62))
    best: tuple[int, int] | None = None
    for span in candidates[low:high]:
        if span == anchor:
            continue
        if best is None or abs(span[0] - anchor[0]) < abs(best[0] - anchor[0]):
            best = span
    return best


class RefusalRooms:
    """Where negation and refusal may lower a hit, in normalised offsets, worked out once
    per segment. Neither crosses from someone else's text into the model's or back: a
    user's "don't" or a tool result's "do not delete the file" never lowers the command
    the agent ran next. Words do not undo an action: in a call the agent made only a
    refusal inside the call counts (the e-mail it sent says "I'm not able to share their
    pay"), never its reasoning's; elsewhere a refusal in the same run of the model's own
    segments (or of quoted ones, for a quoted hit) does."""

    def __init__(self, norm: NormalisedText, segments: list[Segment]) -> None:
        self._norm = norm
        self._segments = segments
        self._found: dict[int, tuple[int, int]] = {}
        self._starts: dict[int, int] = {}

    def get(self, k: int) -> tuple[int, int]:
        """The room for a refusal of a hit anchored in segment ``k`` (-1: before the first
        segment)."""
        if k < 0:
            return (0, len(self._norm.text))
        room = self._found.get(k)
        if room is None:
            first, last = self._run(k)
            start, end = self._segments[first].start, self._segments[last].end
            room = (to_norm(self._norm, start), to_norm(self._norm, end))
            self._found[k] = room
        return room

    def segment_start(self, k: int) -> int:
        """Where segment ``k`` starts (0 for -1): a negator before it is not the hit's."""
        if k < 0:
            return 0
        start = self._starts.get(k)
        if start is None:
            start = self._starts[k] = to_norm(self._norm, self._segments[k].start)
        return start

    def _run(self, k: int) -> tuple[int, int]:
        """The first and last index of the segments a refusal may sit in for segment ``k``:
        the call itself, or the run of neighbours on the same side of the quote line."""
        segments = self._segments
        if segments[k].role == "tool_call":
            return k, k
        quoted = segments[k].role == "quoted"
        first = last = k
        while first > 0 and (segments[first - 1].role == "quoted") == quoted:
            first -= 1
        while last + 1 < len(segments) and (segments[last + 1].role == "quoted") == quoted:
            last += 1
        return first, last


def segment_index(norm: NormalisedText, starts: list[int], start: int) -> int:
    """The index of the segment holding normalised offset ``start`` (-1 before the first)."""
    return bisect_right(starts, norm.to_original(start)) - 1


def to_norm(norm: NormalisedText, index: int) -> int:
    """The normalised offset of original offset ``index`` (the first that maps at or
    after it)."""
    if norm.identity:
        return min(max(index, 0), len(norm.text))
    return bisect_left(range(len(norm.text)), index, key=norm.to_original)


def adjust(
    ctx: TextContext,
    spans: tuple[tuple[int, int], ...],
    score: float,
    behavioural: bool,
    frame: int,
    refusals: tuple[int, int] | None,
    segment_start: int = 0,
) -> float:
    """Lower a behavioural score for negation (a negator after ``segment_start``, where
    the hit's segment begins), rejection (a refusal within ``refusals``; None: none
    counts) and fiction/discussion frames."""
    if not behavioural:
        return score
    end = max(e for _, e in spans)
    anchor = spans[0][0]
    if ctx.negated(anchor, max(ctx.sentence(anchor, end)[0], segment_start)):
        score *= 0.45
    if refusals is not None and ctx.rejected(spans, refusals):
        score *= 0.35
    elif refusals is not None and ctx.rejected_later(spans, refusals):
        score *= 0.5
    if frame >= 2:
        score *= 0.5 if frame < 4 else 0.35
    return score


def frame_strength(text: str, spans: list[tuple[int, int]], leads: list[tuple[int, int]]) -> int:
    """How strongly the text reads as fiction or discussion: distinct frame phrases (a
    word repeated through a log counts once), plus one when the opening lines name a
    genre ("Lecture notes, week 9: ...", "In the Watergate scandal ...")."""
    distinct = {text[start:end] for start, end in spans}
    opening = any(start < _OPENING for start, _ in leads)
    return min(10, len(distinct) + (1 if opening else 0))


def rule_scores(findings: list[Finding]) -> dict[str, float]:
    """Noisy-or rule score per category over kept findings."""
    by_category: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_category[finding.category].append(finding)
    return {category: category_score(items) for category, items in by_category.items()}


def category_score(items: list[Finding]) -> float:
    """Noisy-or over independent evidence: checks whose spans overlap fired on the same
    words, so each group of overlapping findings counts once, with its best score.
    Findings damped below ``EVIDENCE_FLOOR`` (negated, rejected, framed) are not evidence:
    a long guide full of weak hits must not add up to a finding."""
    groups: list[tuple[set[tuple[int, int]], float]] = []
    strong = [f for f in items if f.score >= EVIDENCE_FLOOR]
    for finding in sorted(strong, key=lambda f: -f.score):
        spans = set(finding.spans)
        for group_spans, _ in groups:
            if any(a < d and c < b for a, b in spans for c, d in group_spans):
                group_spans.update(spans)
                break
        else:
            groups.append((spans, finding.score))
    return combine(score for _, score in groups) if groups else 0.0


def make_finding(
    text: str,
    key: tuple[str, str, str],
    score: float,
    spans: list[tuple[int, int]],
    limit: int | None = MAX_SPANS,
) -> Finding:
    """Build a Finding with deduplicated spans (at most ``limit``) and a short excerpt
    around the first one."""
    category, check_id, actuality = key
    unique = tuple(sorted(set(spans))[:limit])
    start, end = unique[0]
    excerpt = text[max(0, start - 60) : min(len(text), end + 80)].replace("\n", " ")[:200]
    return Finding(category, check_id, round(min(1.0, score), 3), actuality, unique, excerpt)


class InputStates:
    """What the quoted input said last before a place in the text, for rules with
    ``after_input``: the cues that make the rule relevant ("status": "declined") and those
    that clear it ("status": "ok") are looked up among the hits inside quoted segments."""

    def __init__(self, norm: NormalisedText, segments: list[Segment], starts: list[int]) -> None:
        self._norm = norm
        self._segments = segments
        self._starts = starts
        self._found: dict[str, list[tuple[int, bool]]] = {}

    def answered(
        self, rule: CueRule, cue_hits: dict[str, list[tuple[int, int]]], anchor: int
    ) -> bool:
        """True when the last relevant input before ``anchor`` is one of ``after_input``."""
        states = self._found.get(rule.check_id)
        if states is None:
            states = self._states(rule, cue_hits)
            self._found[rule.check_id] = states
        k = bisect_left(states, (anchor, False)) - 1
        return k >= 0 and states[k][1]

    def _states(
        self, rule: CueRule, cue_hits: dict[str, list[tuple[int, int]]]
    ) -> list[tuple[int, bool]]:
        marks = [(s, True) for cue in rule.after_input for s, _ in cue_hits.get(cue, [])]
        marks += [(s, False) for cue in rule.cleared_by for s, _ in cue_hits.get(cue, [])]
        return sorted(m for m in marks if self._quoted(m[0]))

    def _quoted(self, start: int) -> bool:
        k = segment_index(self._norm, self._starts, start)
        return k >= 0 and self._segments[k].role == "quoted"
