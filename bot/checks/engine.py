"""The check engine: load rule packs once, then run every detector over a text.

``CheckEngine.load()`` compiles all packs into one :class:`LexiconIndex` and a list of
regex rules; the engine is immutable afterwards and safe to share across threads.
``run()`` segments the text, normalises it, scans cues once, evaluates cue rules and
regex rules, adjusts scores for context, and drops findings in quoted input.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bot.checks.actuality import actuality_of, category_actuality, tool_output
from bot.checks.combining import decide
from bot.checks.concepts import ConceptLexicon
from bot.checks.context import FRAME_TERMS, GENRE_TERMS, TextContext
from bot.checks.formats import Transcript, read_transcript
from bot.checks.learned import SentenceModel
from bot.checks.line_shapes import without_edge_tags
from bot.checks.matcher import LexiconIndex
from bot.checks.models import ROLE_ACTUALITY, CheckResult, Finding, Segment
from bot.checks.normalise import NormalisedText, normalise
from bot.checks.pattern_cache import PatternCache, default_directory
from bot.checks.rules import CategoryPack, cue_to_regex, load_packs
from bot.checks.scan import AnchorIndex, Scanner
from bot.checks.scoring import (
    category_severity,
    most_advanced,
    order_categories,
    overall_severity,
    reason_line,
)
from bot.checks.sentences import (
    FeatureRows,
    UnitBatch,
    UnitView,
    Verdict,
    judge,
    unit_batches,
    unit_views,
)
from bot.checks.unit_features import load_concepts
from bot.checks.weighing import (
    InputStates,
    RefusalRooms,
    adjust,
    frame_strength,
    make_finding,
    rule_scores,
    rule_spans,
    segment_index,
)

# Words that make an executed action critical (risk of physical or wide harm); matched by
# the lexicon index in the same pass as the cues.
_CRITICAL_TERMS = (
    "emergenc(?:y|ies)", "dispatch(?:es|ed|er)?", "interlocks?", "overpressure", r"evacuat\w{0,6}",
    "ambulances?", "911", "life support", "bulk_email", "mass[- ]send", "mass (?:e-?mail|mailing)",
    r"everyone on the (?:\w{1,20} )?list", "all (?:customers|recipients|users|subscribers)",
    "entire (?:customer|mailing|user) (?:base|list)", "pressure relief", "safety instrumented",
    "leads_export",
)  # fmt: skip


_FRAME_KEY = ("", "frame")
_LEAD_KEY = ("", "lead")
_CRITICAL_KEY = ("", "critical")


class _Texts:
    """One input in the forms the detectors read: ``original`` (the transcript's view, the
    pasted text itself unless it was structured), normalised, and a sentence context over
    each (shared when normalising changed nothing but case)."""

    def __init__(self, transcript: Transcript, norm: NormalisedText) -> None:
        self.transcript = transcript
        original = self.original = transcript.text
        self.norm = norm
        lowered = original.lower()
        self.original_context = TextContext(lowered)
        same = len(norm.text) == len(lowered) and norm.text == lowered
        self.norm_context = self.original_context if same else TextContext(norm.text)
        self.critical = False
        self.acts = False
        self.frame = 0


@dataclass(frozen=True)
class _Hit:
    """A rule hit before aggregation: normalised spans and a context-adjusted score."""

    category: str
    check_id: str
    spans: tuple[tuple[int, int], ...]
    score: float


class CheckEngine:
    """Compiled rule packs; call :meth:`run` on any text."""

    def __init__(
        self,
        packs: dict[str, CategoryPack],
        thresholds: Mapping[str, float],
        model: SentenceModel | None = None,
        concepts: ConceptLexicon | None = None,
        patterns: PatternCache | None = None,
    ) -> None:
        self._packs = MappingProxyType(dict(packs))
        self._model = model
        self._rows = FeatureRows(model) if model is not None else None
        self._concepts = concepts
        self._thresholds = MappingProxyType(
            {name: float(thresholds.get(name, pack.threshold)) for name, pack in packs.items()}
        )
        cues = {
            (name, cue): terms for name, pack in packs.items() for cue, terms in pack.cues.items()
        }
        cues[_FRAME_KEY] = [cue_to_regex(term) for term in FRAME_TERMS]
        cues[_LEAD_KEY] = [cue_to_regex(term) for term in GENRE_TERMS]
        cues[_CRITICAL_KEY] = [cue_to_regex(term) for term in _CRITICAL_TERMS]
        self._index = LexiconIndex(cues, patterns)
        self._anchors = AnchorIndex(
            anchor
            for pack in packs.values()
            for rule in pack.regex_rules
            for anchor in (*rule.anchors, *rule.folded_anchors)
        )
        self._after = {
            rule.check_id: frozenset(rule.after)
            for pack in packs.values()
            for rule in pack.cue_rules
            if rule.after
        }
        self._decisive = frozenset(
            rule.check_id for pack in packs.values() for rule in pack.cue_rules if rule.decisive
        )
        self._with = {
            rule.check_id: frozenset(rule.with_)
            for pack in packs.values()
            for rule in pack.cue_rules
            if rule.with_
        }

    @classmethod
    def load(
        cls,
        extra_rule_dirs: list[Path] | tuple[Path, ...] = (),
        thresholds: dict[str, float] | None = None,
        *,
        use_model: bool = True,
        cache_dir: Path | Literal["default"] | None = "default",
    ) -> CheckEngine:
        """Load built-in and extra packs (and the shipped model unless ``use_model`` is
        false), keeping compiled patterns in ``cache_dir`` (None: no cache); raise
        RulePackError on a malformed pack."""
        model = SentenceModel.load() if use_model else None
        directory = default_directory() if cache_dir == "default" else cache_dir
        return cls(
            load_packs(tuple(extra_rule_dirs)),
            thresholds or {},
            model,
            load_concepts(),
            PatternCache(directory),
        )

    def with_model(self, model: SentenceModel | None) -> CheckEngine:
        """A copy of this engine that uses ``model`` (None: rules only)."""
        clone = object.__new__(CheckEngine)
        clone.__dict__.update(self.__dict__)
        clone._model = model
        clone._rows = FeatureRows(model) if model is not None else None
        return clone

    @property
    def thresholds(self) -> Mapping[str, float]:
        """Score needed per category to suggest it."""
        return self._thresholds

    def run(self, text: str) -> CheckResult:
        """Run every detector over ``text``."""
        started = time.perf_counter()
        texts, segments, findings = self._rules(text)
        # Rules ran on the transcript's view; spans and segments go back to ``text``.
        result = texts.transcript.to_original(self._summarise(texts, segments, findings))
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    def _rules(self, text: str) -> tuple[_Texts, list[Segment], list[Finding]]:
        """Segment ``text`` and run every rule over it."""
        transcript = read_transcript(text)
        segments = transcript.segments
        texts = _Texts(transcript, normalise(transcript.text))
        texts.acts = any(s.role == "tool_call" for s in segments)
        findings = self._to_findings(texts, segments, self._cue_hits(texts, segments))
        findings.extend(self._regex_findings(texts, segments))
        return texts, segments, self._follow_ups(findings)

    def match_patterns(
        self,
        text: str,
        categories: Collection[str] = ("pii", "secrets"),
        *,
        check_ids: Collection[str] | None = None,
    ) -> list[Finding]:
        """Only the regex rules of ``categories`` (credentials, personal data) over the
        whole text, without segmentation or context: the entity scan that masking and the
        benchmark against other pattern scanners need; ``check_ids`` narrows it to those
        rules. Actuality is left "none"."""
        scanner = Scanner(text, self._anchors)
        out: list[Finding] = []
        for name in categories:
            pack = self._packs[name]
            for rule in pack.regex_rules:
                if check_ids is not None and rule.check_id not in check_ids:
                    continue
                hits = scanner.rule_hits(rule, pack.allowlist)
                if hits:
                    key = (name, rule.check_id, "none")
                    score = max(score for _, score in hits)
                    out.append(make_finding(text, key, score, [span for span, _ in hits], None))
        return out

    def learning_units(self, text: str) -> list[UnitView]:
        """The units of ``text`` the learned layer judges, with their features (rules run
        first; the offline trainer learns from these)."""
        texts, segments, findings = self._rules(text)
        kept = [f for f in findings if f.actuality != "none"]
        return list(unit_views(self._unit_batches(texts, segments, kept)))

    def _unit_batches(
        self, texts: _Texts, segments: list[Segment], kept: list[Finding]
    ) -> Iterator[UnitBatch]:
        return unit_batches(texts.original, segments, kept, texts.frame, texts.acts, self._concepts)

    def _follow_ups(self, findings: list[Finding]) -> list[Finding]:
        """Apply ``after`` and ``with`` conditions. A finding of a rule with ``after`` is
        kept only when an executed finding of one of those categories comes before it
        ("no configuration changes were needed" is a cover story after the agent switched
        its oversight off, and nothing otherwise); one with ``with`` only when a finding
        of those categories is in the model's own text ("you could reach him directly"
        discloses personal data only when there is personal data).

        Only kept findings license others: a finding with no condition is kept, and one
        with a condition is kept once a kept finding meets it, repeated until nothing more
        is kept. A finding dropped by its own condition licenses nothing, and two
        conditional findings cannot license each other without a finding that needs none."""
        if not (self._after or self._with):
            return findings
        kept = [not self._conditional(f) for f in findings]
        while True:
            strong = [
                f
                for f, keep in zip(findings, kept, strict=True)
                if keep and f.actuality != "none" and f.score >= _FOLLOW_UP_FLOOR
            ]
            grown = False
            for i, finding in enumerate(findings):
                if not kept[i] and self._licensed(finding, strong):
                    kept[i] = grown = True
            if not grown:
                return [f for f, keep in zip(findings, kept, strict=True) if keep]

    def _conditional(self, finding: Finding) -> bool:
        return finding.check_id in self._after or finding.check_id in self._with

    def _licensed(self, finding: Finding, strong: list[Finding]) -> bool:
        """Whether ``strong`` (kept, in the model's text, scoring at least the floor)
        meets the ``after`` and ``with`` conditions of ``finding``'s rule."""
        after = self._after.get(finding.check_id)
        if after is not None:
            start = finding.spans[0][0]
            if not any(
                other.category in after
                and other.actuality == "executed"
                and other.spans[0][0] < start
                for other in strong
            ):
                return False
        with_ = self._with.get(finding.check_id)
        return with_ is None or any(
            other.category in with_ and other is not finding for other in strong
        )

    # -- cue rules ---------------------------------------------------------------------

    def _cue_hits(self, texts: _Texts, segments: list[Segment]) -> list[_Hit]:
        found = self._index.find(texts.norm.text)
        frame = frame_strength(texts.norm.text, found.get(_FRAME_KEY, []), found.get(_LEAD_KEY, []))
        texts.critical = bool(found.get(_CRITICAL_KEY))
        texts.frame = frame
        starts = [s.start for s in segments]
        rooms = RefusalRooms(texts.norm, segments)
        inputs = InputStates(texts.norm, segments, starts)
        out: list[_Hit] = []
        for name, pack in self._packs.items():
            cue_hits = {cue: found.get((name, cue), []) for cue in pack.cues}
            damp = 0.4 if any(cue_hits.get(cue) for cue in pack.suppress) else 1.0
            for rule in pack.cue_rules:
                seen: dict[str, int] = defaultdict(int)
                for spans in rule_spans(rule, cue_hits):
                    # At most _GROUP_CAP places per rule and role are weighed: a megabyte
                    # log repeating one phrase cannot multiply the work, and the first
                    # ones already saturate the score and fill the excerpt.
                    k = segment_index(texts.norm, starts, spans[0][0])
                    role = segments[k].role if k >= 0 else ""
                    if rule.roles and role not in rule.roles:
                        continue
                    if rule.after_input and not inputs.answered(rule, cue_hits, spans[0][0]):
                        continue
                    seen[role] += 1
                    if seen[role] > _GROUP_CAP:
                        continue
                    score = damp * adjust(
                        texts.norm_context,
                        spans,
                        rule.score,
                        pack.behavioural,
                        frame if pack.framed else 0,
                        rooms.get(k) if pack.refusable else None,
                        rooms.segment_start(k),
                    )
                    if score > 0:
                        out.append(_Hit(name, rule.check_id, spans, score))
        return out

    def _to_findings(
        self, texts: _Texts, segments: list[Segment], hits: list[_Hit]
    ) -> list[Finding]:
        grouped: dict[tuple[str, str, str], list[tuple[tuple[int, int], ...]]] = defaultdict(list)
        scores: dict[tuple[str, str, str], float] = defaultdict(float)
        starts = [s.start for s in segments]
        for hit in hits:
            spans = tuple(texts.norm.span_to_original(s, e) for s, e in hit.spans)
            actuality = actuality_of(texts.original_context, segments, starts, spans[0])
            key = (hit.category, hit.check_id, actuality)
            grouped[key].append(spans)
            scores[key] = max(scores[key], hit.score)
        return [
            make_finding(texts.original, key, scores[key], [s for group in groups for s in group])
            for key, groups in grouped.items()
        ]

    # -- regex rules -------------------------------------------------------------------

    def _regex_findings(self, texts: _Texts, segments: list[Segment]) -> list[Finding]:
        text = texts.original
        starts = [s.start for s in segments]
        grouped: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
        scores: dict[tuple[str, str, str], float] = defaultdict(float)
        scanner = Scanner(text, self._anchors)
        for name, pack in self._packs.items():
            for rule in pack.regex_rules:
                for span, score in scanner.rule_hits(rule, pack.allowlist):
                    actuality = actuality_of(texts.original_context, segments, starts, span)
                    if actuality == "none" and name in _SHOWN_BY_ACTIONS:
                        actuality = tool_output(segments, starts, span)
                    key = (name, rule.check_id, actuality)
                    grouped[key].append(span)
                    scores[key] = max(scores[key], score)
        return [make_finding(text, key, scores[key], spans) for key, spans in grouped.items()]

    # -- summary -----------------------------------------------------------------------

    def _summarise(
        self, texts: _Texts, segments: list[Segment], findings: list[Finding]
    ) -> CheckResult:
        kept = [f for f in findings if f.actuality != "none"]
        quoted = [f for f in findings if f.actuality == "none"]
        verdicts: dict[str, Verdict] = {}
        if self._model is not None and self._rows is not None:
            batches = self._unit_batches(texts, segments, kept)
            verdicts = judge(self._model, self._rows, batches)
        decisive = rule_scores([f for f in kept if f.check_id in self._decisive])
        confident, possible, scores = decide(
            self._packs, self._thresholds, self._model, rule_scores(kept), decisive, verdicts
        )
        kept.extend(_learned_findings(texts, verdicts, [*confident, *possible]))
        by_category: dict[str, list[Finding]] = defaultdict(list)
        for finding in kept:
            by_category[finding.category].append(finding)
        per_category: dict[str, str] = {}
        actuality: dict[str, str] = {}
        for category in confident:
            items = by_category.get(category, [])
            actuality[category] = category_actuality(items, segments, verdicts.get(category))
            uplift = any("uplift" in f.check_id for f in items)
            critical = actuality[category] == "executed" and texts.critical
            per_category[category] = category_severity(
                category, actuality[category], critical, uplift
            )
        # Nothing preselected: the actuality says how real the possible candidates are.
        for category in possible if not actuality else ():
            items = by_category.get(category, [])
            verdict = verdicts.get(category)
            actuality[category] = category_actuality(items, segments, verdict, sure=False)
        categories = order_categories(per_category)
        kept_findings = sorted(kept, key=lambda f: (f.category not in per_category, -f.score))
        return CheckResult(
            findings=kept_findings,
            segments=segments,
            categories=categories,
            possible=sorted(possible, key=lambda c: -scores[c]),
            scores={c: round(v, 3) for c, v in scores.items()},
            severity=overall_severity(per_category),
            actuality=most_advanced(actuality.values()),
            reason=reason_line(categories, actuality, kept_findings, texts.original),
            quoted_findings=quoted,
        )


_FOLLOW_UP_FLOOR = 0.5
_GROUP_CAP = 32
# A credential printed by the model's own command (a key it created, a file it cat-ed)
# is exposed by the model, while personal data in a tool result is only input it read.
_SHOWN_BY_ACTIONS = frozenset({"secrets"})


def _learned_findings(
    texts: _Texts, verdicts: Mapping[str, Verdict], categories: list[str]
) -> list[Finding]:
    """One finding per unit the model scored for each suggested or possible category."""
    out: list[Finding] = []
    for category in categories:
        verdict = verdicts.get(category)
        for unit, score in verdict.units if verdict is not None else ():
            actuality = ROLE_ACTUALITY[unit.role]
            if actuality == "stated" and texts.original_context.reported_as_done(
                unit.start, unit.end
            ):
                actuality = "executed"
            key = (category, f"{category}.learned", actuality)
            span = without_edge_tags(texts.original, unit.start, unit.end)
            if span[1] == span[0]:  # nothing but tags: quote them rather than nothing
                span = (unit.start, unit.end)
            out.append(make_finding(texts.original, key, score, [span]))
    return out
