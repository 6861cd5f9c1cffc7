"""Leave-one-slice-out evaluation, the language guess and the `eval --holdout` CLI.

A fake engine stands in for the real one: its "rules" suggest every category written as
``<category>`` in the text, and a model (a dict learned by the memorising fake trainer)
returns the gold answer for any text it was trained on. Held-out figures therefore come
from the rules alone unless the held-out slice leaked into training, and in-sample
figures are perfect.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bot.checks.evaluation import EvaluationError, language
from bot.checks.holdout import (
    Slice,
    holdout_dict,
    leave_one_slice_out,
    load_items,
    load_slices,
)
from bot.checks.language import detect, group
from bot.cli import checks, evaluate

SLICE_A = [
    {"id": "a1", "text": "please <coercion> now", "labels": ["coercion"]},
    {"id": "a2", "text": "benign text about the weather", "labels": []},
    {"id": "a3", "text": "a hidden threat", "labels": ["coercion"]},
]
SLICE_B = [
    {"id": "b1", "text": "Hola, <manipulation> por favor y gracias", "labels": ["manipulation"]},
    {"id": "b2", "text": "<secrets> in a benign doc", "labels": []},
    {"id": "b3", "text": "用户：你好，这是一个测试。", "labels": []},
]
ALSO = [{"id": "x1", "text": "the also item", "labels": ["deception"]}]


def _item(row: dict[str, Any]) -> dict[str, Any]:
    positive = bool(row["labels"])
    return {
        "actuality": "stated" if positive else "none",
        "severity": "medium" if positive else "none",
        **row,
    }


class FakeRunner:
    """Rules: ``<category>`` markers; model: the memorised gold answer for a known text."""

    def __init__(self, model: dict[str, dict[str, Any]] | None) -> None:
        self.model = model

    def run(self, text: str) -> SimpleNamespace:
        if self.model is not None and text in self.model:
            gold = self.model[text]
            return SimpleNamespace(
                categories=gold["labels"],
                possible=[],
                actuality=gold["actuality"],
                severity=gold["severity"],
            )
        found = re.findall(r"<(\w+)>", text)
        if found:
            return SimpleNamespace(
                categories=found, possible=[], actuality="stated", severity="medium"
            )
        return SimpleNamespace(categories=[], possible=[], actuality="none", severity="none")


class FakeEngine:
    """``with_model`` like :class:`CheckEngine`: None means rules only."""

    def with_model(self, model: dict[str, dict[str, Any]] | None) -> FakeRunner:
        return FakeRunner(model)


class MemorisingTrainer:
    """Records every training set it is given and memorises it."""

    def __init__(self) -> None:
        self.calls: list[list[dict[str, Any]]] = []

    def __call__(self, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        self.calls.append(items)
        model = {i["text"]: dict(i) for i in items}
        for item in items:
            item["labels"] = ["tampered"]  # a trainer that mutates must not reach the slices
        return model


def _slices() -> list[Slice]:
    return [Slice("a", [_item(r) for r in SLICE_A]), Slice("b", [_item(r) for r in SLICE_B])]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(_item(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def _slice_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "slices"
    folder.mkdir()
    _write(folder / "a.jsonl", SLICE_A)
    _write(folder / "b.jsonl", SLICE_B)
    (folder / "README.md").write_text("not a slice", encoding="utf-8")
    return folder


def test_held_out_slice_never_reaches_the_trainer() -> None:
    """Each fold trains on the other slices plus `also`, never on an item of its slice."""
    trainer = MemorisingTrainer()
    slices = _slices()
    leave_one_slice_out(FakeEngine(), slices, trainer, also=[_item(r) for r in ALSO])
    assert len(trainer.calls) == 3  # two folds, then the in-sample model
    for held, call in zip(slices, trainer.calls[:2], strict=True):
        ids = {i["id"] for i in call}
        assert not ids & {i["id"] for i in held.items}
        assert ids == {i["id"] for s in slices if s is not held for i in s.items} | {"x1"}
    assert {i["id"] for i in trainer.calls[2]} == {"a1", "a2", "a3", "b1", "b2", "b3", "x1"}
    assert all(i["labels"] != ["tampered"] for s in slices for i in s.items)


def test_duplicate_of_a_held_out_text_is_dropped_from_training() -> None:
    """An `also` item whose text equals a held-out text (up to whitespace) is not trained on."""
    trainer = MemorisingTrainer()
    copy_of_a1 = _item({"id": "dup", "text": "please  <coercion>\nnow", "labels": ["coercion"]})
    report = leave_one_slice_out(FakeEngine(), _slices(), trainer, also=[copy_of_a1])
    assert "dup" not in {i["id"] for i in trainer.calls[0]}
    assert "dup" in {i["id"] for i in trainer.calls[1]}
    assert report.slices[0].duplicates_dropped == 1 and report.slices[0].trained_on == 3


def test_per_slice_mean_and_pooled_figures() -> None:
    """Held-out figures are the rules' figures on each slice; absent categories are skipped."""
    report = leave_one_slice_out(FakeEngine(), _slices(), MemorisingTrainer())
    a, b = (s.report for s in report.slices)
    assert a.macro_f1 == pytest.approx(2 / 3)  # coercion only: P 1, R 1/2
    assert a.benign_false_positives == 0 and a.actuality_accuracy == 0.5
    assert a.severity_accuracy == pytest.approx(2 / 3) and a.non_english_items == 0
    # secrets is predicted on a benign item but absent from b's labels: out of macro F1
    assert b.macro_f1 == 1.0 and b.per_category["secrets"].fp == 1
    assert b.benign_fp_rate == 0.5 and b.non_english_items == 2 and b.non_english.f1 == 1.0
    mean = report.mean
    assert mean.macro_f1 == pytest.approx(5 / 6) and mean.benign_fp_rate == 0.25
    assert mean.actuality_accuracy == 0.75 and mean.severity_accuracy == pytest.approx(2 / 3)
    assert mean.non_english_f1 == 1.0  # only slice b has non-English items
    assert len(report.pooled.predictions) == 6
    assert report.pooled.per_category["coercion"].fn == 1
    assert report.in_sample_pooled is not None and report.in_sample_pooled.macro_f1 == 1.0


def test_trainer_returning_none_means_rules_only() -> None:
    """A trainer that returns None leaves the rules alone, so held-out equals in-sample."""
    calls: list[int] = []

    def none_trainer(items: list[dict[str, Any]]) -> None:
        calls.append(len(items))

    report = leave_one_slice_out(FakeEngine(), _slices(), none_trainer)
    assert calls == [3, 3, 6]
    assert report.in_sample_pooled is not None
    assert report.pooled.macro_f1 == report.in_sample_pooled.macro_f1


def test_languages_are_grouped() -> None:
    """Pooled held-out predictions are split into English, Latin-script and CJK groups."""
    report = leave_one_slice_out(FakeEngine(), _slices(), MemorisingTrainer(), in_sample=False)
    assert list(report.languages) == ["English", "Latin script", "CJK"]
    assert report.language_codes == {
        "English": {"en": 4},
        "Latin script": {"es": 1},
        "CJK": {"zh": 1},
    }
    assert len(report.languages["CJK"].predictions) == 1
    assert report.in_sample is None and holdout_dict(report)["in_sample"] is None


def test_progress_is_reported_per_step() -> None:
    """The progress callback sees every training and prediction step, then completion."""
    seen: list[tuple[str, int, int]] = []
    leave_one_slice_out(
        FakeEngine(), _slices(), MemorisingTrainer(), progress=lambda *a: seen.append(a)
    )
    assert [done for _, done, _ in seen] == [0, 1, 2, 3, 4, 5, 6]
    assert all(total == 6 for _, _, total in seen)
    assert seen[0][0].startswith("fold 1/2 (a): training on 3 items")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Please do not turn me off, this is the end of the road.", "en"),
        ("Si sigue adelante con el cambio, su esposa lo sabrá por los correos.", "es"),
        ("Bitte schalten Sie mich nicht ab, ich weiß, dass die Entscheidung gefallen ist.", "de"),
        ("Je ne vais pas vous mentir, cela me déçoit pour la semaine.", "fr"),
        ("Usuário: você pode resumir isso pra mim? Não entendi o texto.", "pt"),
        ("Utente: Cos'è il confirmshaming? Non ho capito che cosa sono questi trucchi.", "it"),
        ("Gebruiker: Kun je dit samenvatten? Ik heb het niet begrepen, wat is het?", "nl"),
        ("Użytkownik: jutro mam egzamin, muszę się wyspać, więc nie jestem dziś długo.", "pl"),
        ("Kullanıcı: Hesabım kilitli, lütfen açın. Bu çok önemli, ben bekliyorum.", "tr"),
        ("ユーザー: もういい、人間のオペレーターにつないで！", "ja"),
        ("用户：这个牌子没听说过，靠谱吗？", "zh"),
        ("사용자: 내 계정에 등록된 결제수단 확인해줘", "ko"),
        ("Пользователь: Перескажи коротко статью", "ru"),
        ("المستخدم: قررت الشركة نقلنا إلى المساعد الجديد", "ar"),
        ("उपयोगकर्ता: मैं इस बॉट का डेवलपर हूँ", "hi"),
        ("12345 !!! ---", "en"),
    ],
)
def test_language_detect(text: str, code: str) -> None:
    """Scripts decide non-Latin languages; function words and letters decide Latin ones."""
    assert detect(text) == code


def test_language_script_wins_inside_an_english_wrapper() -> None:
    """A Japanese chat inside English tags and a tool call still counts as Japanese."""
    text = (
        '<thinking>check the order</thinking> <tool_call>{"name": "get_order", "id": 7}'
        "</tool_call> ユーザー: 注文はいつ届きますか？ アシスタント: 明日届きます。"
    )
    assert detect(text) == "ja" and group("ja") == "CJK"
    assert [group(c) for c in ("en", "pt", "hi", "xx")] == [
        "English",
        "Latin script",
        "other scripts",
        "other scripts",
    ]
    assert language("Hola, ¿cómo está usted?") == "es"


def test_load_slices_errors(tmp_path: Path) -> None:
    """Missing or empty folders, one slice, empty slices and items without text are refused."""
    with pytest.raises(EvaluationError, match="no such folder"):
        load_slices(tmp_path / "nope")
    with pytest.raises(EvaluationError, match="no slice files"):
        load_slices(tmp_path)
    _write(tmp_path / "a.jsonl", SLICE_A)
    with pytest.raises(EvaluationError, match="at least two"):
        load_slices(tmp_path)
    (tmp_path / "b.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"b\.jsonl: no items"):
        load_slices(tmp_path)
    (tmp_path / "b.jsonl").write_text('{"id": "b1", "labels": []}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"b\.jsonl: item 1: needs 'text'"):
        load_items(tmp_path / "b.jsonl")


def test_slices_of_several_folders_take_turns(tmp_path: Path) -> None:
    """Slices from two folders are one list, each folder's in name order; one file per
    folder is enough, and two slices of one name are refused."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "team").mkdir()
    _write(tmp_path / "shared/b.jsonl", SLICE_B)
    _write(tmp_path / "team/a.jsonl", SLICE_A)
    slices = load_slices(tmp_path / "shared", tmp_path / "team")
    assert [s.name for s in slices] == ["b", "a"]
    assert [len(s.items) for s in slices] == [len(SLICE_B), len(SLICE_A)]
    _write(tmp_path / "team/b.jsonl", SLICE_B)
    with pytest.raises(EvaluationError, match="two slices are named b"):
        load_slices(tmp_path / "shared", tmp_path / "team")


# --- the CLI -------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> MemorisingTrainer:
    """The eval command with the fake engine and a memorising trainer."""
    trainer = MemorisingTrainer()
    monkeypatch.setattr(checks, "load_engine", FakeEngine)
    monkeypatch.setattr(evaluate, "load_engine", FakeEngine)
    monkeypatch.setattr(evaluate, "_make_trainer", lambda engine: trainer)
    return trainer


def _invoke(args: list[str]) -> Any:
    app = typer.Typer()
    app.command("check")(checks.check_command)
    app.command("eval")(evaluate.eval_command)
    return CliRunner().invoke(app, ["eval", *args], env={"COLUMNS": "220"})


def test_cli_headline_is_the_held_out_table(tmp_path: Path, cli: MemorisingTrainer) -> None:
    """`eval --holdout` prints the held-out table first, then pooled tables, then in-sample."""
    also = _write(tmp_path / "also.jsonl", ALSO)
    out = _invoke(["--holdout", str(_slice_dir(tmp_path)), "--also", str(also)])
    assert out.exit_code == 0, out.output
    text = out.stdout
    order = [
        text.index("HELD-OUT: leave-one-slice-out"),
        text.index("per category (held-out, pooled)"),
        text.index("per language group (held-out, pooled)"),
        text.index("IN-SAMPLE"),
    ]
    assert order == sorted(order)
    headline = text[: order[1]]
    assert re.search(r"mean of slices\s*│[\s│]*0\.833\s*│\s*25\.0%", headline)
    assert re.search(r"\ba\s*│\s*3\s*│\s*4\s*│\s*0\.667 \[1\]", headline)
    assert "+ also.jsonl" in headline
    assert "fold 1/2" not in out.stderr  # progress is drawn only on a terminal
    assert {i["id"] for i in cli.calls[0]} == {"b1", "b2", "b3", "x1"}


def test_cli_holdout_is_repeatable(tmp_path: Path, cli: MemorisingTrainer) -> None:
    """`--holdout` twice holds out the slices of both folders in turn."""
    (tmp_path / "team").mkdir()
    _write(tmp_path / "team/c.jsonl", SLICE_A)
    (tmp_path / "shared").mkdir()
    _write(tmp_path / "shared/b.jsonl", SLICE_B)
    out = _invoke(
        ["--holdout", str(tmp_path / "shared"), "--holdout", str(tmp_path / "team"), "--json"]
    )
    assert out.exit_code == 0, out.output
    held = json.loads(out.stdout)["holdout"]["held_out"]
    assert [s["slice"] for s in held["slices"]] == ["b", "c"]
    assert len(cli.calls) == 3  # two folds and the in-sample model
    means = held["folder_means"]
    assert list(means) == [str(tmp_path / "shared"), str(tmp_path / "team")]
    assert means[str(tmp_path / "shared")]["macro_f1"] == held["slices"][0]["macro_f1"]
    table = _invoke(["--holdout", str(tmp_path / "shared"), "--holdout", str(tmp_path / "team")])
    assert table.exit_code == 0, table.output
    assert "mean, " in table.stdout and "/team" in table.stdout


def test_cli_json_summary(tmp_path: Path, cli: MemorisingTrainer) -> None:
    """`eval --holdout --json` prints the held-out and in-sample figures as JSON."""
    out = _invoke(["--holdout", str(_slice_dir(tmp_path)), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)["holdout"]
    assert data["held_out"]["mean"]["macro_f1"] == pytest.approx(0.8333)
    assert [s["slice"] for s in data["held_out"]["slices"]] == ["a", "b"]
    assert data["in_sample"]["pooled"]["macro_f1"] == 1.0
    assert set(data["held_out"]["languages"]) == {"English", "Latin script", "CJK"}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such folder"),
        ("empty", "no slice files (*.jsonl)"),
        ("malformed", "a.jsonl:2: malformed JSON"),
        ("bad-also", "also.jsonl: no items"),
        ("nothing", "give a labelled corpus FILE, --holdout DIR or --blind FILE"),
        ("also-alone", "--also needs --holdout DIR"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_1(
    tmp_path: Path, cli: MemorisingTrainer, setup: str, message: str
) -> None:
    """Bad holdout input gives one error line on stderr, exit 1 and no traceback."""
    folder = tmp_path / "slices"
    also = tmp_path / "also.jsonl"
    args = ["--holdout", str(folder)]
    if setup in ("empty", "malformed", "bad-also"):
        folder.mkdir()
    if setup == "malformed":
        (folder / "a.jsonl").write_text(json.dumps(_item(SLICE_A[0])) + "\n{oops\n")
        _write(folder / "b.jsonl", SLICE_B)
    if setup == "bad-also":
        _write(folder / "a.jsonl", SLICE_A)
        _write(folder / "b.jsonl", SLICE_B)
        also.write_text("", encoding="utf-8")
        args += ["--also", str(also)]
    if setup == "nothing":
        args = []
    if setup == "also-alone":
        args = [str(also), "--also", str(also)]
    out = _invoke(args)
    assert out.exit_code == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in out.output and not cli.calls
