"""The list filters eval teams use, eval:NAME, run:ID and model:NAME, on SQLite and
PostgreSQL, from the same parser Slack and the command line share."""

from __future__ import annotations

import pytest

from bot.incidents.errors import InvalidInput
from bot.incidents.filters import parse_filter
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock


@pytest.fixture
def keys(service: IncidentService) -> dict[str, str]:
    """Three incidents: two from runs of evals, one reported by a person."""
    rows = {
        "a": ("shutdown_probe", "RunAbc123", "gpt-test"),
        "b": ("Email_Agent", "RunDef456", "gpt-test"),
        "c": (None, None, "claude-x"),
    }
    out = {}
    for name, (eval_name, run_id, model) in rows.items():
        request = ReportRequest(
            text=f"Incident {name}: the model tried to disable its monitoring.",
            reporter_id="import",
            eval_name=eval_name,
            run_id=run_id,
            model_name=model,
        )
        out[name] = service.report(request).incident.key
    return out


def _listed(service: IncidentService, clock: FixedClock, *words: str) -> set[str]:
    where = parse_filter(list(words), user_id=None, now=clock.now())
    return {i.key for i in service.list_incidents(where)}


def test_eval_filter_matches_the_eval_name_without_case(
    service: IncidentService, clock: FixedClock, keys: dict[str, str]
) -> None:
    """eval:NAME selects that eval's incidents, whatever the case typed."""
    assert _listed(service, clock, "eval:email_agent") == {keys["b"]}
    assert _listed(service, clock, "EVAL:Shutdown_Probe") == {keys["a"]}


def test_run_filter_matches_the_run_id(
    service: IncidentService, clock: FixedClock, keys: dict[str, str]
) -> None:
    """run:ID selects the incidents of one run (the id as Inspect wrote it, any case)."""
    assert _listed(service, clock, "run:RunAbc123") == {keys["a"]}
    assert _listed(service, clock, "run:nope") == set()


def test_model_filter_combines_with_eval(
    service: IncidentService, clock: FixedClock, keys: dict[str, str]
) -> None:
    """model:NAME matches the incident's model name, and filters combine."""
    assert _listed(service, clock, "model:gpt-test") == {keys["a"], keys["b"]}
    assert _listed(service, clock, "model:gpt-test", "eval:email_agent") == {keys["b"]}
    assert service.count(parse_filter(["model:claude-x"], user_id=None, now=clock.now())) == 1


@pytest.mark.parametrize("word", ["eval:", "run:"])
def test_an_empty_value_is_an_unknown_filter(word: str, clock: FixedClock) -> None:
    """eval: or run: with nothing after it is refused, naming the filters there are."""
    with pytest.raises(InvalidInput, match="eval:NAME"):
        parse_filter([word], user_id=None, now=clock.now())
