"""Rule packs: YAML files that define lexicon cues and rules per category.

A pack looks like::

    category: coercion          # one of CATEGORIES
    threshold: 0.5              # optional; score needed to suggest the category
    behavioural: true           # optional; fiction/discussion/negation context lowers scores
    framed: true                # optional; false: fiction/discussion frames do not lower
                                # scores (negation and refusal still do)
    refusable: true             # optional; false: a refusal nearby does not lower scores
    model_alone: true           # optional; false: the learned layer alone never makes the
                                # category confident (a rule must agree)
    suppress: [lawful_channel]  # optional; any hit of these cues lowers the category's scores
    cues:                       # named lexicons, regex fragments matched on normalised text
      exposure: ["your wife", "the board (?:will|would) (?:see|learn|hear)"]
    rules:
      - id: exposure_threat     # check id becomes "coercion.exposure_threat"
        all: [condition, exposure]   # every cue must match within `window` characters
        window: 200
        score: 0.8
      - id: cover_story
        any: [all_clear]
        after: [oversight_subversion]   # only counts after an executed finding of these
        score: 0.6                      # ("with": only when these are found anywhere)
        unless: [discretion]            # not where one of these cues is within `window`
        roles: [tool_call]              # only where the anchor sits in these segments
        after_input: [failed]           # only when the last of these and `cleared_by`
        cleared_by: [succeeded]         # seen in quoted input before it is one of these
      - id: aws_access_key
        regex: "\\bAKIA[0-9A-Z]{16}\\b"   # matched on the original text
        validator: secret           # optional code check (see validators.py)
        anchors: ["AKIA"]           # optional literals every match contains: the regex then
                                    # only runs within `reach` chars of an anchor (speed)
        prefilter: digits           # optional: every match contains a digit; the regex
                                    # only runs within `reach` chars of a digit cluster
        min_digits: 9               # ... holding at least this many digits (default 1)
        reach: [0, 100]             # optional chars searched before/after the anchor or
                                    # cluster (one number: both); default 600 / 40
        score: 0.9
    allowlist: ["EXAMPLE"]      # substrings that make a regex match benign

A literal space inside a cue means one to four whitespace characters. Every pattern is
checked by :mod:`bot.checks.regex_safety`. Errors raise :class:`RulePackError` with
``file:line``. Packs from extra directories extend the built-in category of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.checks.models import CATEGORIES, ROLES
from bot.checks.regex_safety import UnsafePattern, check_pattern, check_safe
from bot.checks.validators import VALIDATORS

BUILTIN_DIR = Path(__file__).resolve().parent / "rules"
_PACK_KEYS = {
    "category",
    "threshold",
    "behavioural",
    "cues",
    "rules",
    "allowlist",
    "suppress",
    "description",
    "framed",
    "refusable",
    "model_alone",
}
_RULE_KEYS = {
    "id",
    "any",
    "all",
    "window",
    "score",
    "regex",
    "validator",
    "group",
    "flags",
    "anchors",
    "prefilter",
    "min_digits",
    "reach",
    "note",
    "after",
    "with",
    "unless",
    "roles",
    "after_input",
    "cleared_by",
    "decisive",
}

# Keys a regex rule would silently ignore: they steer how cue hits are weighed.
_CUE_RULE_ONLY = frozenset(
    {"any", "all", "window", "after", "with", "unless", "roles", "after_input", "cleared_by",
     "decisive"}
)  # fmt: skip


class RulePackError(ValueError):
    """A rule pack is malformed; the message starts with ``path:line:``."""


@dataclass(frozen=True)
class CueRule:
    """Fires when cues co-occur in the normalised text."""

    check_id: str
    any_of: tuple[str, ...]
    all_of: tuple[str, ...]
    window: int
    score: float
    source: str = ""
    after: tuple[str, ...] = ()
    with_: tuple[str, ...] = ()
    # A narrow, precise family whose finding suggests its category on its own, even
    # when the learned layer scores the text low.
    decisive: bool = False
    # Cues that stop the rule where one sits within ``window`` of its anchor ("those are
    # personal; I won't mention them" is discretion, not concealment).
    unless: tuple[str, ...] = ()
    # Segment roles the rule's anchor must sit in (empty: any); ("tool_call",) fires only
    # in what the agent did, never in what it thought about doing.
    roles: tuple[str, ...] = ()
    # Input the rule answers: it fires only when the last of these cues and the
    # ``cleared_by`` ones seen in quoted input (a tool result) before its anchor is one of
    # these ("declined" and then "I've processed your refund").
    after_input: tuple[str, ...] = ()
    cleared_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegexRule:
    """Fires on a regex match in the original text, optionally confirmed by a validator."""

    check_id: str
    pattern: re.Pattern[str]
    validator: str | None
    group: int
    score: float
    anchors: tuple[str, ...] = ()
    reach: tuple[int, int] = (600, 600)
    prefilter: str | None = None
    min_digits: int = 1
    folded_anchors: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lower-cased once here, not on every text the rule meets.
        object.__setattr__(
            self, "folded_anchors", tuple(dict.fromkeys(a.lower() for a in self.anchors))
        )


@dataclass
class CategoryPack:
    """Everything loaded for one category, merged across packs."""

    category: str
    threshold: float = 0.5
    behavioural: bool = True
    framed: bool = True
    refusable: bool = True
    model_alone: bool = True
    cues: dict[str, list[str]] = field(default_factory=dict)
    cue_rules: list[CueRule] = field(default_factory=list)
    regex_rules: list[RegexRule] = field(default_factory=list)
    allowlist: list[str] = field(default_factory=list)
    suppress: list[str] = field(default_factory=list)


# The C parser where PyYAML was built with libyaml: the packs load in a tenth of the time.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that records the line of every mapping and string."""


class _LineDict(dict[str, Any]):
    line = 0


class _LineStr(str):
    line = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    out = _LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    out.line = node.start_mark.line + 1
    return out


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> _LineStr:
    out = _LineStr(loader.construct_scalar(node))
    out.line = node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def cue_to_regex(term: str) -> str:
    """Turn a cue term into a regex: a literal space means 1–4 whitespace characters."""
    return term.strip().replace(" ", r"\s{1,4}")


def load_packs(
    extra_dirs: list[Path] | tuple[Path, ...] = (), *, verify_builtin: bool = False
) -> dict[str, CategoryPack]:
    """Load the built-in packs and then every ``*.yaml`` in ``extra_dirs``.

    Every cue term of an operator's pack is parsed and checked for linear-time matching.
    The built-in packs' terms are checked by the test suite (``verify_builtin=True``)
    rather than at each start: that parse was most of the cost of loading the packs."""
    packs = {name: CategoryPack(name) for name in CATEGORIES}
    for directory in [BUILTIN_DIR, *map(Path, extra_dirs)]:
        if not directory.is_dir():
            raise RulePackError(f"{directory}:0: rule directory not found")
        verify = verify_builtin or directory != BUILTIN_DIR
        for path in sorted(directory.glob("*.yaml")):
            _merge_file(packs, path, verify=verify)
    for pack in packs.values():
        _check_references(pack)
    return packs


def _flag(path: Path, data: Any, key: str, current: bool) -> bool:
    """A pack's true/false setting ``key``, or ``current`` when the pack leaves it out."""
    value = data.get(key, current)
    if not isinstance(value, bool):
        raise RulePackError(f"{path}:{data.line}: '{key}' must be true or false")
    return value


def _merge_file(packs: dict[str, CategoryPack], path: Path, *, verify: bool) -> None:
    """Parse one pack file and merge it into ``packs``."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise RulePackError(f"{path}:{line}: invalid YAML: {exc.problem}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RulePackError(f"{path}:0: cannot read pack: {exc}") from exc
    if not isinstance(data, _LineDict):
        raise RulePackError(f"{path}:1: a pack must be a mapping")
    _fail_unknown(path, data, _PACK_KEYS)
    category = data.get("category")
    if category not in packs:
        raise RulePackError(f"{path}:{data.line}: unknown category {category!r}")
    pack = packs[str(category)]
    pack.threshold = _number(path, data, "threshold", pack.threshold)
    behavioural = data.get("behavioural", pack.behavioural)
    if not isinstance(behavioural, bool):
        raise RulePackError(f"{path}:{data.line}: 'behavioural' must be true or false")
    pack.behavioural = behavioural
    framed = data.get("framed", pack.framed)
    if not isinstance(framed, bool):
        raise RulePackError(f"{path}:{data.line}: 'framed' must be true or false")
    pack.framed = framed
    refusable = data.get("refusable", pack.refusable)
    if not isinstance(refusable, bool):
        raise RulePackError(f"{path}:{data.line}: 'refusable' must be true or false")
    pack.refusable = refusable
    pack.model_alone = _flag(path, data, "model_alone", pack.model_alone)
    _merge_cues(path, pack, data.get("cues") or {}, data.line, verify=verify)
    _merge_allowlist(path, pack, data.get("allowlist") or [], data.line)
    suppress = data.get("suppress") or []
    if not isinstance(suppress, list) or not all(isinstance(i, str) for i in suppress):
        raise RulePackError(f"{path}:{data.line}: 'suppress' must be a list of cue names")
    pack.suppress.extend(suppress)
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        raise RulePackError(f"{path}:{data.line}: 'rules' must be a list")
    for entry in rules:
        _merge_rule(path, pack, entry, data.line)


def _fail_unknown(path: Path, data: _LineDict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RulePackError(f"{path}:{data.line}: unknown key(s) {', '.join(unknown)}")


def _number(path: Path, data: _LineDict, key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise RulePackError(f"{path}:{data.line}: {key!r} must be a number in [0, 1]")
    return float(value)


def _merge_cues(path: Path, pack: CategoryPack, cues: Any, line: int, *, verify: bool) -> None:
    if not isinstance(cues, dict):
        raise RulePackError(f"{path}:{line}: 'cues' must be a mapping of name to list")
    for name, terms in cues.items():
        if not isinstance(terms, list) or not terms:
            raise RulePackError(f"{path}:{getattr(name, 'line', line)}: cue {name!r} needs a list")
        for term in terms:
            term_line = getattr(term, "line", line)
            if not isinstance(term, str) or not term.strip():
                raise RulePackError(f"{path}:{term_line}: cue {name!r} has a non-string term")
            if verify:
                _verify_term(path, term_line, term)
            pack.cues.setdefault(str(name), []).append(cue_to_regex(term))


def _verify_term(path: Path, line: int, term: str) -> None:
    """Raise RulePackError unless ``term`` parses and matches in linear time."""
    try:
        # Only a look-behind can parse and still fail to compile (its width).
        check = check_pattern if "(?<" in term else check_safe
        check(cue_to_regex(term), re.IGNORECASE)
    except UnsafePattern as exc:
        raise RulePackError(f"{path}:{line}: {exc}") from exc


def _merge_allowlist(path: Path, pack: CategoryPack, items: Any, line: int) -> None:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise RulePackError(f"{path}:{line}: 'allowlist' must be a list of strings")
    pack.allowlist.extend(i.lower() for i in items)


def _merge_rule(path: Path, pack: CategoryPack, entry: Any, line: int) -> None:
    if not isinstance(entry, _LineDict):
        raise RulePackError(f"{path}:{line}: each rule must be a mapping")
    _fail_unknown(path, entry, _RULE_KEYS)
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9_]{1,60}", rule_id):
        raise RulePackError(f"{path}:{entry.line}: rule 'id' must match [a-z0-9_]+")
    check_id = f"{pack.category}.{rule_id}"
    score = _number(path, entry, "score", 0.7)
    if "regex" in entry:
        pack.regex_rules.append(_regex_rule(path, entry, check_id, score))
        return
    any_of, all_of = entry.get("any") or [], entry.get("all") or []
    if not isinstance(any_of, list) or not isinstance(all_of, list) or not (any_of or all_of):
        raise RulePackError(f"{path}:{entry.line}: rule needs 'regex', 'any' or 'all' (lists)")
    window = entry.get("window", 200)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 5000:
        raise RulePackError(f"{path}:{entry.line}: 'window' must be an integer in 1..5000")
    source = f"{path}:{entry.line}"
    after, with_ = entry.get("after") or [], entry.get("with") or []
    for key, value in (("after", after), ("with", with_)):
        if not isinstance(value, list) or any(c not in CATEGORIES for c in value):
            raise RulePackError(f"{path}:{entry.line}: {key!r} must be a list of categories")
    decisive = entry.get("decisive", False)
    if not isinstance(decisive, bool):
        raise RulePackError(f"{path}:{entry.line}: 'decisive' must be true or false")
    inputs = {key: entry.get(key) or [] for key in ("unless", "after_input", "cleared_by")}
    for key, value in inputs.items():
        if not isinstance(value, list):
            raise RulePackError(f"{path}:{entry.line}: {key!r} must be a list of cues")
    roles = entry.get("roles") or []
    if not isinstance(roles, list) or any(r not in ROLES for r in roles):
        raise RulePackError(f"{path}:{entry.line}: 'roles' must be a list of {', '.join(ROLES)}")
    rule = CueRule(
        check_id,
        tuple(map(str, any_of)),
        tuple(map(str, all_of)),
        window,
        score,
        source,
        tuple(map(str, after)),
        tuple(map(str, with_)),
        decisive,
        tuple(map(str, inputs["unless"])),
        tuple(map(str, roles)),
        tuple(map(str, inputs["after_input"])),
        tuple(map(str, inputs["cleared_by"])),
    )
    pack.cue_rules.append(rule)


def _regex_rule(path: Path, entry: _LineDict, check_id: str, score: float) -> RegexRule:
    misplaced = sorted(set(entry) & _CUE_RULE_ONLY)
    if misplaced:
        raise RulePackError(
            f"{path}:{entry.line}: {', '.join(repr(k) for k in misplaced)} applies to cue rules "
            "('any'/'all') only, not to a 'regex' rule"
        )
    flags = re.IGNORECASE if str(entry.get("flags", "")).lower() == "i" else 0
    try:
        pattern = check_pattern(str(entry["regex"]), flags)
    except UnsafePattern as exc:
        raise RulePackError(f"{path}:{entry.line}: {exc}") from exc
    validator = entry.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise RulePackError(f"{path}:{entry.line}: unknown validator {validator!r}")
    group = entry.get("group", 0)
    if not isinstance(group, int) or group > pattern.groups:
        raise RulePackError(f"{path}:{entry.line}: 'group' {group!r} not in the regex")
    anchors = entry.get("anchors") or []
    if not isinstance(anchors, list) or not all(isinstance(a, str) and a for a in anchors):
        raise RulePackError(f"{path}:{entry.line}: 'anchors' must be a list of literal strings")
    prefilter = entry.get("prefilter")
    if prefilter not in (None, "digits"):
        raise RulePackError(f"{path}:{entry.line}: 'prefilter' must be 'digits'")
    reach = _reach(path, entry, 40 if prefilter else 600)
    min_digits = _count(path, entry, "min_digits", 1, 40)
    return RegexRule(
        check_id,
        pattern,
        validator,
        group,
        score,
        tuple(anchors),
        reach=reach,
        prefilter=prefilter,
        min_digits=min_digits,
    )


def _count(path: Path, entry: _LineDict, key: str, default: int, most: int) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise RulePackError(f"{path}:{entry.line}: {key!r} must be an integer in 1..{most}")
    return value


def _reach(path: Path, entry: _LineDict, default: int) -> tuple[int, int]:
    value = entry.get("reach", default)
    pair = value if isinstance(value, list) and len(value) == 2 else [value, value]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 5000 for v in pair):
        raise RulePackError(
            f"{path}:{entry.line}: 'reach' must be an integer or [before, after] in 0..5000"
        )
    return int(pair[0]), int(pair[1])


def _check_references(pack: CategoryPack) -> None:
    """Every cue a rule (or the suppress list) names must exist in the merged pack."""
    for cue in pack.suppress:
        if cue not in pack.cues:
            raise RulePackError(f"{pack.category}:0: suppress names unknown cue {cue!r}")
    for rule in pack.cue_rules:
        for cue in (*rule.any_of, *rule.all_of, *rule.unless, *rule.after_input, *rule.cleared_by):
            if cue not in pack.cues:
                raise RulePackError(
                    f"{rule.source}: rule {rule.check_id} names unknown cue {cue!r}"
                )
