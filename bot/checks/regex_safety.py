"""Static checks that a rule-pack regex cannot backtrack catastrophically.

Python's ``re`` is a backtracking engine, so every pattern loaded from a pack is parsed and
rejected when it has a shape that can blow up: unbounded repeats (``*``, ``+``, ``{n,}``),
bounded repeats above :data:`MAX_REPEAT`, nested repeats whose product is large, or
backreferences. With every repeat bounded, the work per start position is bounded by a
constant, so a scan is linear in the input size.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

MAX_REPEAT = 512
MAX_NESTED_PRODUCT = 1024
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
if _POSSESSIVE is not None:
    _REPEATS.add(_POSSESSIVE)


class UnsafePattern(ValueError):
    """The pattern could backtrack super-linearly."""


def check_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` after checking it is linear-safe; raise on error."""
    check_safe(pattern, flags)
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise UnsafePattern(f"invalid regex {pattern!r}: {exc}") from exc


def check_safe(pattern: str, flags: int = 0) -> None:
    """Raise unless ``pattern`` parses and is linear-safe, without compiling it (a cue term
    is compiled only as part of its cue's combined pattern, so compiling it alone at load
    time was wasted work)."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error as exc:
        raise UnsafePattern(f"invalid regex {pattern!r}: {exc}") from exc
    _walk(parsed, 1, pattern)


def _walk(items: Any, outer: int, pattern: str) -> None:
    """Recurse through parsed items tracking the product of enclosing repeat bounds."""
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            if high == sre_constants.MAXREPEAT:
                raise UnsafePattern(f"unbounded repeat in {pattern!r}; use {{m,n}}")
            if high > MAX_REPEAT:
                raise UnsafePattern(f"repeat bound {high} > {MAX_REPEAT} in {pattern!r}")
            if outer > 1 and outer * high > MAX_NESTED_PRODUCT:
                raise UnsafePattern(f"nested repeats too large in {pattern!r}")
            _walk(body, outer * max(high, 1), pattern)
        elif op == sre_constants.GROUPREF or op == sre_constants.GROUPREF_EXISTS:
            raise UnsafePattern(f"backreference in {pattern!r}")
        elif op == sre_constants.SUBPATTERN:
            _walk(arg[-1], outer, pattern)
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                _walk(branch, outer, pattern)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _walk(arg[1], outer, pattern)


def first_chars(pattern: str) -> set[str] | None:
    """Literal characters a match of ``pattern`` can start with, or None if unknown/wide."""
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    return _first(list(parsed))


def _first(items: list[Any]) -> set[str] | None:
    """First-character set of a parsed sequence (None when not a small literal set)."""
    if not items:
        return None
    op, arg = items[0]
    if op == sre_constants.LITERAL:
        return {chr(arg).lower()}
    if op == sre_constants.SUBPATTERN:
        return _first(list(arg[-1]) + items[1:]) if list(arg[-1]) else _first(items[1:])
    if op == sre_constants.BRANCH:
        out: set[str] = set()
        for branch in arg[1]:
            sub = _first(list(branch) + items[1:])
            if sub is None:
                return None
            out |= sub
        return out
    if op == sre_constants.IN:
        chars = {chr(a).lower() for o, a in arg if o == sre_constants.LITERAL}
        if len(chars) == len(arg) and len(chars) <= 8:
            return chars
        return None
    if op in _REPEATS:
        body = _first(list(arg[2]))
        if arg[0] >= 1 or body is None:
            return body
        rest = _first(items[1:])
        return None if rest is None else body | rest
    if op == sre_constants.AT:
        return _first(items[1:])
    return None
