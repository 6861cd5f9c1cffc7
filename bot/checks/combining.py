"""How the rules and the learned layer combine into confident and possible categories,
precision first (docs/checks.md, "Combining with the rules")."""

from __future__ import annotations

from collections.abc import Mapping

from bot.checks.learned import SentenceModel
from bot.checks.rules import CategoryPack
from bot.checks.sentences import Verdict

# Chosen on leave-one-slice-out figures, precision first. A rule this strong decides
# alone; a rule and a model score this far from "possible" to "confident" agree; the model
# alone must clear its confident threshold by this share of the way to 1.
RULE_ALONE = 0.9
AGREEMENT = 0.5
MODEL_ALONE = 0.5


def decide(
    packs: Mapping[str, CategoryPack],
    thresholds: Mapping[str, float],
    model: SentenceModel | None,
    rule_scores: dict[str, float],
    decisive: dict[str, float],
    verdicts: Mapping[str, Verdict],
) -> tuple[list[str], list[str], dict[str, float]]:
    """Confident and possible categories, and a confidence for each.

    Categories the learned layer covers are confident when a decisive or very strong
    rule fires, when a rule and the model (half way to its confident threshold) agree,
    or when the model clears its confident threshold by a margin (where its pack allows
    the model alone); they are possible when either one is weaker. Credentials and
    personal data, and every category when no model is loaded, follow the rule packs'
    thresholds."""
    confident: list[str] = []
    possible: list[str] = []
    scores: dict[str, float] = {}
    for category, pack in packs.items():
        rule = rule_scores.get(category, 0.0)
        threshold = thresholds.get(category, 0.5)
        verdict = verdicts.get(category)
        if model is None or verdict is None:
            level = "confident" if rule >= threshold else None
            score = rule
        else:
            strong_rule = rule >= RULE_ALONE or decisive.get(category, 0.0) >= threshold
            level = _level(model, pack, (rule, threshold, strong_rule), verdict.score)
            score = max(rule, verdict.score)
        if level is not None:
            (confident if level == "confident" else possible).append(category)
            scores[category] = score
    return confident, possible, scores


def _level(
    model: SentenceModel, pack: CategoryPack, rules: tuple[float, float, bool], learned: float
) -> str | None:
    """ "confident", "possible" or None for a category the learned layer covers, from the
    rules' (score, threshold, whether a decisive or very strong rule fired) and the
    model's score."""
    rule, threshold, strong_rule = rules
    category = pack.category
    low = model.thresholds.possible[category]
    high = model.thresholds.confident[category]
    agreed = rule >= threshold and learned >= low + AGREEMENT * (high - low)
    alone = pack.model_alone and learned >= high + MODEL_ALONE * (1.0 - high)
    if strong_rule or agreed or alone:
        return "confident"
    if learned >= model.thresholds.offer(category) or rule >= threshold:
        return "possible"
    return None
