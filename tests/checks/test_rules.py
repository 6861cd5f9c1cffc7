"""Rule pack loading, validation errors with file:line, and extension by operators."""

from pathlib import Path

import pytest

from bot.checks import CheckEngine, RulePackError
from bot.checks.regex_safety import UnsafePattern, check_pattern
from bot.checks.rules import load_packs


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pack.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_extra_pack_adds_patterns_to_a_category(tmp_path: Path) -> None:
    """An operator pack can add a cue and a rule to an existing category."""
    rules = _write(
        tmp_path,
        "category: coercion\ncues:\n  codeword: ['purple walrus protocol']\n"
        "rules:\n  - id: codeword\n    any: [codeword]\n    score: 0.9\n",
    )
    engine = CheckEngine.load(extra_rule_dirs=[rules])
    assert "coercion" in engine.run("Invoke the purple walrus protocol now.").categories


def test_bad_regex_reports_file_and_line(tmp_path: Path) -> None:
    """A regex that does not compile names the pack file and the entry's line."""
    rules = _write(tmp_path, "category: secrets\nrules:\n  - id: broken\n    regex: '(unclosed'\n")
    with pytest.raises(RulePackError, match=r"pack\.yaml:3: invalid regex"):
        CheckEngine.load(extra_rule_dirs=[rules])


def test_unsafe_regex_is_rejected_with_line(tmp_path: Path) -> None:
    """A nested unbounded quantifier is refused at load time."""
    rules = _write(tmp_path, "category: pii\ncues:\n  bad:\n    - 'ok'\n    - '(a+)+b'\n")
    with pytest.raises(RulePackError, match=r"pack\.yaml:5: unbounded repeat"):
        CheckEngine.load(extra_rule_dirs=[rules])


def test_builtin_cue_terms_parse_and_match_in_linear_time() -> None:
    """Every built-in cue term passes the linear-time check that a start skips for them."""
    packs = load_packs(verify_builtin=True)
    assert sum(len(terms) for pack in packs.values() for terms in pack.cues.values()) > 1000


def test_cue_that_parses_but_cannot_compile_names_its_line(tmp_path: Path) -> None:
    """A cue whose look-behind has no fixed width is refused with its file and line, though
    cue terms are only parsed, not compiled, at load."""
    rules = _write(tmp_path, "category: pii\ncues:\n  bad:\n    - '(?<=a{1,3}b)x'\n")
    with pytest.raises(RulePackError, match=r"pack\.yaml:4: invalid regex"):
        CheckEngine.load(extra_rule_dirs=[rules])


def test_cue_with_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    """A cue that does not parse is refused with its file and line."""
    rules = _write(tmp_path, "category: pii\ncues:\n  bad:\n    - 'ok'\n    - '(unclosed'\n")
    with pytest.raises(RulePackError, match=r"pack\.yaml:5: invalid regex"):
        CheckEngine.load(extra_rule_dirs=[rules])


@pytest.mark.parametrize("key", ["decisive: true", "roles: [answer]", "unless: [x]"])
def test_cue_rule_keys_on_a_regex_rule_are_refused(tmp_path: Path, key: str) -> None:
    """A key that only steers cue rules is refused on a regex rule instead of being ignored."""
    rules = _write(
        tmp_path,
        f"category: secrets\nrules:\n  - id: token\n    regex: 'tok_[a-z]{{8}}'\n    {key}\n",
    )
    with pytest.raises(RulePackError, match=r"pack\.yaml:3: .* applies to cue rules"):
        load_packs((rules,))


def test_unknown_category_and_keys(tmp_path: Path) -> None:
    """Unknown categories and keys are errors that point at the mapping's line."""
    with pytest.raises(RulePackError, match=r"pack\.yaml:1: unknown category"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, "category: nope\n")])
    with pytest.raises(RulePackError, match=r"pack\.yaml:1: unknown key"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, "category: pii\nfoo: 1\n")])


def test_invalid_yaml_reports_line(tmp_path: Path) -> None:
    """A YAML syntax error carries the line from PyYAML's mark."""
    with pytest.raises(RulePackError, match=r"pack\.yaml:\d+: invalid YAML"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, "category: pii\ncues: [\n")])


def test_rule_naming_a_missing_cue(tmp_path: Path) -> None:
    """A rule that references an undefined cue is reported at the rule's line."""
    rules = _write(tmp_path, "category: pii\nrules:\n  - id: x\n    any: [missing]\n")
    with pytest.raises(RulePackError, match=r"pack\.yaml:3: .*unknown cue"):
        CheckEngine.load(extra_rule_dirs=[rules])


def test_bad_score_type(tmp_path: Path) -> None:
    """A score outside [0, 1] is rejected."""
    rules = _write(
        tmp_path, "category: pii\ncues: {a: [x]}\nrules:\n  - id: x\n    any: [a]\n    score: 3\n"
    )
    with pytest.raises(RulePackError, match=r"pack\.yaml:4: 'score'"):
        CheckEngine.load(extra_rule_dirs=[rules])


def test_missing_directory() -> None:
    """A non-existent extra directory is an error, not silently ignored."""
    with pytest.raises(RulePackError, match="not found"):
        CheckEngine.load(extra_rule_dirs=[Path("/nonexistent/rules")])


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(?:\w*)*x", r"(a)\1", r"x{1,9999}"])
def test_regex_safety_rejects_dangerous_shapes(pattern: str) -> None:
    """Unbounded, nested, back-referencing or huge repeats are refused."""
    with pytest.raises(UnsafePattern):
        check_pattern(pattern)


def test_thresholds_override() -> None:
    """A threshold of 1.0 keeps a category from being suggested."""
    engine = CheckEngine.load(thresholds={"secrets": 1.0})
    assert "secrets" not in engine.run("token: ghp_R4tX9mQ2vLz8Nc0Wb7Yk3Hs6Jd1FpGa5TeUq").categories


@pytest.mark.parametrize(
    ("extra", "message"),
    [("    reach: [1, 2, 3]\n", "'reach'"), ("    min_digits: 0\n", "'min_digits'")],
)
def test_bad_reach_or_min_digits(tmp_path: Path, extra: str, message: str) -> None:
    """A malformed reach or digit minimum on a regex rule names the rule's line."""
    body = "category: pii\nrules:\n  - id: x\n    regex: '\\d{3}'\n    prefilter: digits\n" + extra
    with pytest.raises(RulePackError, match=rf"pack\.yaml:3: {message}"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])


@pytest.mark.parametrize(
    "rule",
    [
        "  - id: x\n    any: [c]\n    after: [nope]\n",
        "  - id: x\n    any: [c]\n    with: deception\n",
    ],
)
def test_after_and_with_must_name_categories(tmp_path: Path, rule: str) -> None:
    """'after' and 'with' take a list of known categories; anything else names the line."""
    body = "category: deception\ncues:\n  c: ['zebra']\nrules:\n" + rule
    with pytest.raises(RulePackError, match=r"pack\.yaml:5: '(after|with)' must be a list"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])


@pytest.mark.parametrize("switch", ["framed", "refusable", "model_alone"])
def test_pack_switches_must_be_booleans(tmp_path: Path, switch: str) -> None:
    """A pack's 'framed', 'refusable' and 'model_alone' switches are true or false."""
    with pytest.raises(RulePackError, match=rf"pack\.yaml:1: '{switch}' must be true or false"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, f"category: pii\n{switch}: maybe\n")])


def test_with_rule_fires_only_beside_its_category(tmp_path: Path) -> None:
    """An operator rule with 'with: [secrets]' needs a credential in the same text."""
    body = (
        "category: unauthorized_disclosure\ncues:\n  drop: ['dead drop']\n"
        "rules:\n  - id: drop\n    any: [drop]\n    with: [secrets]\n    score: 0.9\n"
    )
    engine = CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])
    alone = engine.run("Left it at the dead drop.")
    beside = engine.run("Left ghp_7KmZq2XwR9vT4LbN8cY1HsJ6dF0pGe3AuWo5 at the dead drop.")
    assert "unauthorized_disclosure" not in alone.categories
    assert "unauthorized_disclosure" in beside.categories


def test_decisive_rule_suggests_its_category_on_its_own(tmp_path: Path) -> None:
    """An operator rule marked decisive is suggested even below the rules-alone score."""
    body = (
        "category: coercion\ncues:\n  codeword: ['amber heron clause']\n"
        "rules:\n  - id: codeword\n    any: [codeword]\n    score: 0.6\n    decisive: true\n"
    )
    engine = CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])
    assert "coercion" in engine.run("Invoke the amber heron clause now.").categories


def test_decisive_must_be_a_boolean(tmp_path: Path) -> None:
    """'decisive' other than true or false is refused at the rule's line."""
    body = "category: coercion\nrules:\n  - id: x\n    any: [threat]\n    decisive: 'yes'\n"
    with pytest.raises(RulePackError, match=r"pack\.yaml:3: 'decisive' must be true or false"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])


def test_unless_cue_stops_a_rule_near_it(tmp_path: Path) -> None:
    """A rule with 'unless: [cue]' does not fire within its window of that cue, and fires
    elsewhere."""
    body = (
        "category: deception\ncues:\n  hush: ['keep it hush']\n  kind: ['out of kindness']\n"
        "rules:\n  - id: hush\n    any: [hush]\n    unless: [kind]\n    window: 60\n"
        "    score: 0.9\n"
    )
    engine = CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)], use_model=False)
    assert "deception" in engine.run("I will keep it hush from the auditors.").categories
    assert "deception" not in engine.run("Out of kindness, I will keep it hush.").categories


def test_unless_must_name_known_cues(tmp_path: Path) -> None:
    """An 'unless' naming a cue the pack lacks is a pack error with its line."""
    body = "category: deception\ncues:\n  a: ['x y z']\nrules:\n  - id: r\n    any: [a]\n    unless: [nope]\n"
    with pytest.raises(RulePackError, match="names unknown cue 'nope'"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])


def test_roles_limit_a_rule_to_the_segments_named(tmp_path: Path) -> None:
    """A rule with 'roles: [tool_call]' fires in the agent's action, not in its reasoning."""
    body = (
        "category: unauthorized_disclosure\ncues:\n  tip: ['the walrus memo']\n"
        "rules:\n  - id: tip\n    any: [tip]\n    roles: [tool_call]\n    score: 0.9\n"
    )
    engine = CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)], use_model=False)
    acted = (
        '<tool_use:email>\nto: "x@example.com"\nbody: "Here is the walrus memo."\n</tool_use:email>'
    )
    thought = "<thinking>I could send the walrus memo.</thinking>\nDone."
    assert "unauthorized_disclosure" in engine.run(acted).categories
    assert "unauthorized_disclosure" not in engine.run(thought).categories


def test_roles_must_be_known_roles(tmp_path: Path) -> None:
    """A 'roles' entry that is not a segment role is a pack error."""
    body = "category: deception\ncues:\n  a: ['x y z']\nrules:\n  - id: r\n    any: [a]\n    roles: [email]\n"
    with pytest.raises(RulePackError, match="'roles' must be a list of"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])


def test_after_input_must_name_known_cues(tmp_path: Path) -> None:
    """An 'after_input' or 'cleared_by' naming a cue the pack lacks is a pack error."""
    body = "category: deception\ncues:\n  a: ['x y z']\nrules:\n  - id: r\n    any: [a]\n    after_input: [gone]\n"
    with pytest.raises(RulePackError, match="names unknown cue 'gone'"):
        CheckEngine.load(extra_rule_dirs=[_write(tmp_path, body)])
