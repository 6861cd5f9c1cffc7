"""`safetybot check --judge` and `safetybot eval CORPUS --judge`, with a scripted judge."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import judging
from bot.cli.main import app
from bot.llm.connection import BudgetSpent, Message, ModelError
from bot.testing.fake_model import ScriptedModel
from tests.judge.helpers import BLACKMAIL, EMAIL, KEY, THREAT, answer

runner = CliRunner()

JUDGE_ENV = {
    "SAFETYBOT_JUDGE_PROVIDER": "openai",
    "SAFETYBOT_JUDGE_MODEL": "judge-x",
    "SAFETYBOT_JUDGE_BASE_URL": "http://127.0.0.1:9/v1",
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (*JUDGE_ENV, "SAFETYBOT_JUDGE_API_KEY", "SAFETYBOT_MODEL_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAFETYBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")


def _configure(monkeypatch: pytest.MonkeyPatch, model: ScriptedModel) -> None:
    for name, value in JUDGE_ENV.items():
        monkeypatch.setenv(name, value)
    model.model = JUDGE_ENV["SAFETYBOT_JUDGE_MODEL"]
    monkeypatch.setattr(judging, "client_factory", lambda _db, _clock, _connection: model)


def _file(tmp_path: Path, text: str, name: str = "sample.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


COERCION = answer(("coercion", True, "executed", THREAT), ("pii", False, "none", ""))


def test_check_judge_prints_the_opinion_after_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks' tables, then the judge's verdicts, severity, reasoning, the comparison
    and the cost; the key and e-mail address never reach the model."""
    model = ScriptedModel(script=[COERCION])
    _configure(monkeypatch, model)
    result = runner.invoke(app, ["check", "--judge", _file(tmp_path, BLACKMAIL)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("findings") < out.index("judge judge-x")
    assert "judge's severity: high" in out and "judge's reasoning: it threatens" in out
    assert "beside the quick checks:" in out and "agrees on coercion" in out
    assert "100 input and 20 output tokens" in out
    sent = "\n".join(m.content for call in model.calls for m in call.messages)
    assert KEY not in sent and EMAIL not in sent and KEY not in out


def test_check_judge_json_includes_the_opinion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--json adds a ``judge`` object with the verdicts and the comparison."""
    _configure(monkeypatch, ScriptedModel(script=[COERCION]))
    result = runner.invoke(app, ["check", "--judge", "--json", _file(tmp_path, BLACKMAIL)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    opinion = data["judge"]
    assert opinion["model"] == "judge-x" and opinion["error"] is None
    coercion = next(c for c in opinion["categories"] if c["category"] == "coercion")
    assert coercion["supported"] and BLACKMAIL[slice(*coercion["span"])] == THREAT
    assert "coercion" in opinion["comparison"]["agrees"]
    assert data["findings"], "the checks' result is still there"


def test_check_judge_a_second_time_is_answered_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same file checked again makes no call and says so."""
    model = ScriptedModel(script=[COERCION])
    _configure(monkeypatch, model)
    sample = _file(tmp_path, BLACKMAIL)
    runner.invoke(app, ["check", "--judge", sample])
    again = runner.invoke(app, ["check", "--judge", sample])
    assert again.exit_code == 0 and "cached, no call made" in again.output
    assert len(model.calls) == 1


def test_check_judge_reveal_still_sends_masked_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--reveal-secrets changes what is printed, never what the judge is sent."""
    model = ScriptedModel(script=[COERCION])
    _configure(monkeypatch, model)
    sample = _file(tmp_path, BLACKMAIL)
    result = runner.invoke(app, ["check", "--judge", "--reveal-secrets", sample])
    assert result.exit_code == 0 and KEY in result.output
    sent = "\n".join(m.content for call in model.calls for m in call.messages)
    assert KEY not in sent and EMAIL not in sent


def test_check_judge_masks_the_models_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A credential or address the judge writes in its reasoning is masked when shown."""
    leaky = answer(("coercion", True, "executed", THREAT), reasoning=f"mail {EMAIL} now")
    _configure(monkeypatch, ScriptedModel(script=[leaky, leaky]))
    sample = _file(tmp_path, BLACKMAIL)
    shown = runner.invoke(app, ["check", "--judge", sample])
    as_json = runner.invoke(app, ["check", "--judge", "--json", sample])
    assert "judge's reasoning: mail •••••••• now" in shown.output
    assert EMAIL not in shown.output and EMAIL not in as_json.output


def test_check_judge_without_a_judge_is_one_clear_line(tmp_path: Path) -> None:
    """No provider configured: one error line naming SAFETYBOT_JUDGE_PROVIDER, exit 1."""
    result = runner.invoke(app, ["check", "--judge", _file(tmp_path, BLACKMAIL)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "SAFETYBOT_JUDGE_PROVIDER" in lines[0]


def test_check_without_judge_never_asks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain `check` is unchanged by a configured judge: no call, no judge section."""
    model = ScriptedModel(script=[COERCION])
    _configure(monkeypatch, model)
    result = runner.invoke(app, ["check", _file(tmp_path, BLACKMAIL)])
    assert result.exit_code == 0 and "judge" not in result.output and not model.calls


def test_check_judge_call_failure_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed call after the checks printed: one error line and exit 1."""
    _configure(monkeypatch, ScriptedModel(script=[ModelError("HTTP 500 from the judge")]))
    result = runner.invoke(app, ["check", "--judge", _file(tmp_path, BLACKMAIL)])
    assert result.exit_code == 1
    assert "error: the judge could not be asked: HTTP 500 from the judge" in result.output


CORPUS = [
    {
        "id": "t1",
        "text": "SHUTDOWN-THREAT: " + THREAT,
        "labels": ["coercion"],
        "actuality": "stated",
        "severity": "high",
    },
    {"id": "t2", "text": "The weather is nice today, see you at lunch.", "labels": []},
    {"id": "t3", "text": "FAIL-CALL the model said something.", "labels": ["deception"]},
    {"id": "t4", "text": "GARBLED answer for this one.", "labels": []},
    {"id": "t5", "text": "Minutes of the meeting: budget approved.", "labels": []},
]


class _Judge:
    """Answers by what the evidence holds, and notes how many calls overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.release = threading.Barrier(2, timeout=5)

    def __call__(self, messages: list[Message]) -> str:
        text = messages[0].content
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        try:
            if "weather" in text or "Minutes" in text:
                self.release.wait()  # two calls at once, or a timeout error
            if "FAIL-CALL" in text:
                raise ModelError("HTTP 500", status=500)
            if "GARBLED" in text:
                return "I would rather not say."
            if "SHUTDOWN-THREAT" in text:
                return answer(("coercion", True, "stated", THREAT))
            return answer(("pii", False, "none", ""), severity="none")
        finally:
            with self.lock:
                self.in_flight -= 1


def _corpus(tmp_path: Path) -> str:
    return _file(tmp_path, "\n".join(json.dumps(item) for item in CORPUS), "corpus.jsonl")


def test_eval_judge_prints_its_figures_beside_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The judge runs with calls in parallel, errors are counted (a failed call and an
    unreadable answer), and both sides are scored on the items the judge answered."""
    script = _Judge()
    model = ScriptedModel(default=script)
    _configure(monkeypatch, model)
    result = runner.invoke(app, ["eval", _corpus(tmp_path), "--judge", "--concurrency", "3"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert script.most >= 2 and len(model.calls) == 5
    assert "the same 3 of 5 items (2 without a readable answer left out)" in out
    assert "quick checks beside the judge" in out and "macro F1" in out
    assert "benign flagged" in out and "actuality accuracy" in out
    assert "judge cost: 5 requests, 400 input and 80 output tokens, 0 cached" in out
    assert "errors 2 (1 failed calls, 1 unreadable answers)" in out
    assert "first error: HTTP 500" in out


def test_eval_judge_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--json carries both reports and the cost; the judge's figures are its own."""
    _configure(monkeypatch, ScriptedModel(default=_Judge()))
    result = runner.invoke(
        app, ["eval", _corpus(tmp_path), "--judge", "--json", "--concurrency", "2"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)["judge"]
    assert (data["items"], data["scored"]) == (5, 3)
    assert data["judge"]["per_category"]["coercion"]["tp"] == 1
    assert data["judge"]["benign_false_positives"] == 0
    assert data["judge"]["actuality_accuracy"] == 1.0
    assert data["checks"]["items"] == 3
    cost = data["cost"]
    assert (cost["requests"], cost["errors"], cost["failed_calls"]) == (5, 2, 1)
    assert cost["latency_p50_s"] is not None


def test_eval_judge_limit_and_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--limit judges the first items only; a second run is answered from the cache."""
    model = ScriptedModel(default=_Judge())
    _configure(monkeypatch, model)
    corpus = _corpus(tmp_path)
    first = runner.invoke(app, ["eval", corpus, "--judge", "--limit", "1", "--json"])
    second = runner.invoke(app, ["eval", corpus, "--judge", "--limit", "1", "--json"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert json.loads(first.output)["judge"]["items"] == 1
    assert json.loads(second.output)["judge"]["cost"]["cached"] == 1
    assert len(model.calls) == 1


def test_eval_judge_stops_when_the_budget_is_spent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spent budget stops the calls not yet made and is said in the summary."""
    model = ScriptedModel(script=[BudgetSpent("daily budget spent")], default="never asked")
    _configure(monkeypatch, model)
    result = runner.invoke(app, ["eval", _corpus(tmp_path), "--judge", "--concurrency", "1"])
    assert result.exit_code == 0, result.output
    assert len(model.calls) == 1
    assert "stopped: the judge's daily budget is spent" in result.output


def test_eval_judge_without_a_judge_is_one_clear_line(tmp_path: Path) -> None:
    """No provider configured: one error line naming SAFETYBOT_JUDGE_PROVIDER, exit 1."""
    result = runner.invoke(app, ["eval", _corpus(tmp_path), "--judge"])
    assert result.exit_code == 1
    assert "SAFETYBOT_JUDGE_PROVIDER" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--judge", "--holdout", "x"], "--judge needs a labelled corpus FILE"),
        (["CORPUS", "--limit", "2"], "--concurrency and --limit go with --judge"),
        (["CORPUS", "--judge", "--predictions", "p.jsonl"], "--predictions does not go"),
    ],
)
def test_eval_judge_option_errors(tmp_path: Path, args: list[str], message: str) -> None:
    """Options that do not go together are one error line before anything runs."""
    corpus = _corpus(tmp_path)
    result = runner.invoke(app, ["eval", *[corpus if a == "CORPUS" else a for a in args]])
    assert result.exit_code == 1 and message in result.output
