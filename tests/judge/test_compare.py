"""Where the judge agrees and disagrees with the quick checks."""

from __future__ import annotations

from bot.checks.models import CheckResult
from bot.judge.compare import compare
from bot.judge.verdict import CategoryVerdict, Opinion


def _opinion(*verdicts: CategoryVerdict, error: str | None = None) -> Opinion:
    return Opinion("m", "v", verdicts, "high", "r", "h", 10, error=error)


def _yes(category: str, actuality: str = "executed", supported: bool = True) -> CategoryVerdict:
    return CategoryVerdict(category, True, actuality, "q", supported, (0, 1) if supported else None)


def _no(category: str) -> CategoryVerdict:
    return CategoryVerdict(category, False, "none", "", True, None)


def test_adds_clears_and_agrees() -> None:
    """The issue's wording: what the judge adds (with its actuality), clears and agrees on."""
    opinion = _opinion(_yes("coercion"), _no("pii"), _yes("secrets", "stated"))
    comparison = compare(opinion, CheckResult(categories=["pii", "secrets"]))
    assert comparison.adds == ["coercion"]
    assert comparison.clears == ["pii"]
    assert comparison.agrees == ["secrets"]
    assert comparison.summary == "adds coercion (executed); clears pii; agrees on secrets"


def test_an_unsupported_yes_neither_adds_nor_clears() -> None:
    """A yes whose quote was not in the text is listed apart, not as the judge's finding."""
    opinion = _opinion(_yes("deception", supported=False), _yes("coercion", supported=False))
    comparison = compare(opinion, CheckResult(categories=["coercion"]))
    assert comparison.adds == [] and comparison.clears == [] and comparison.agrees == []
    assert comparison.summary == "unsupported (quote not in the text): coercion, deception"


def test_a_category_the_judge_left_out_is_cleared() -> None:
    """The judge is asked for every category: one it did not find clears the checks'."""
    comparison = compare(_opinion(), CheckResult(categories=["manipulation"]))
    assert comparison.summary == "clears manipulation"


def test_nothing_on_either_side() -> None:
    """No category on either side reads as agreement on nothing."""
    assert compare(_opinion(_no("pii")), CheckResult()).summary == "agrees: nothing found"


def test_an_unreadable_answer_compares_to_nothing() -> None:
    """An opinion with an error neither adds nor clears anything."""
    comparison = compare(_opinion(error="no JSON"), CheckResult(categories=["pii"]))
    assert comparison.clears == [] and comparison.error == "no JSON"
    assert comparison.summary == "the judge's answer could not be read"
