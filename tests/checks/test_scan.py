"""Regex-rule prefilters: digit clusters and anchor windows."""

from __future__ import annotations

import re

from bot.checks.rules import RegexRule
from bot.checks.scan import Scanner, anchor_windows, digit_clusters, matches, merge_windows


def _rule(pattern: str, **kwargs: object) -> RegexRule:
    return RegexRule("pii.test", re.compile(pattern), None, 0, 0.5, **kwargs)  # type: ignore[arg-type]


def test_clusters_join_separated_digits_and_count_them() -> None:
    """A phone number with spaces, dots and parentheses is one cluster of its digits."""
    clusters = digit_clusters("call +44 (0)20 7946 0958 or 7 pm")
    assert [(c.digits, c.start) for c in clusters] == [(13, 6), (1, 28)]


def test_rule_runs_only_near_clusters_with_enough_digits() -> None:
    """A rule needing nine digits is not tried around a date's short clusters."""
    rule = _rule(r"\d{3}-\d{2}-\d{4}", prefilter="digits", min_digits=9, reach=(5, 5))
    text = "on 2025-03-04 the id 123-45-6789 was used"
    assert [m.group() for m in matches(text, rule)] == ["123-45-6789"]
    assert matches("on 2025-03-04 at 10:30", rule) == []


def test_reach_before_and_after_an_anchor_bounds_the_window() -> None:
    """Windows reach the given distance before and after each anchor."""
    assert anchor_windows("xx KEY yyyyyyyy", "KEY", 2, 4) == [(1, 10)]


def test_dense_anchors_are_one_window() -> None:
    """Anchors closer than the reach merge into a single window."""
    text = "sk-" * 1_000
    assert anchor_windows(text, "sk-", 600) == [(0, len(text))]


def test_merge_windows_sorts_and_joins_overlaps() -> None:
    """Overlapping or touching windows are merged; disjoint ones are kept in order."""
    assert merge_windows([(10, 20), (0, 5), (18, 30)]) == [(0, 5), (10, 30)]


def test_anchors_are_found_whatever_their_case() -> None:
    """A rule anchored on 'password' also runs near 'PASSWORD' and 'Password'."""
    rule = _rule(r"(?i:password)=(\w{6,})", anchors=("password",), reach=(0, 30))
    assert [m.group(1) for m in matches("x PASSWORD=hunter22xy", rule)] == ["hunter22xy"]


def test_each_anchor_is_searched_once_per_text() -> None:
    """Rules sharing an anchor reuse its first lookup (case-folded)."""
    scanner = Scanner("no secrets here")
    assert not scanner.has_any(["Password"])
    assert scanner.has_any(["PASSWORD", "Secret"])
    assert scanner._first == {"password": -1, "secret": 3}


def test_long_digit_runs_are_skipped_but_later_clusters_kept() -> None:
    """A 60-digit run is no cluster; a phone number after it still is."""
    clusters = digit_clusters("9" * 60 + " call 555 0100")
    assert [(c.digits, c.start) for c in clusters] == [(7, 66)]
