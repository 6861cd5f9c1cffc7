"""The demo workspace: its data file, its checks, and seeding the fake Slack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.playground.workspace import escape, load_workspace, seed
from bot.testing.fake_slack import BOT_USER, FakeSlackAPI
from tests.conftest import SHARED_DATA


def test_packaged_workspace_has_what_the_demo_needs() -> None:
    """People (some on the triage team), a private triage channel, a digest channel and model outputs."""
    ws = load_workspace()
    assert ws.triage_ids and len(ws.people) > len(ws.triage_ids)
    assert ws.room("triage").private and not ws.room("digest").private
    assert sum(1 for s in ws.samples if s.source.startswith("corpus ")) >= 5
    assert any(s.blocks_only and s.bot for s in ws.samples)


def test_corpus_samples_are_verbatim() -> None:
    """Every sample marked as a corpus item is that item's text, unchanged."""
    corpus_file = SHARED_DATA / "checks" / "corpus.jsonl"
    if not corpus_file.exists():
        pytest.skip("the shared development corpus is not next to the repository")
    corpus = {}
    for line in corpus_file.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        corpus[item["id"]] = item["text"]
    marked = [s for s in load_workspace().samples if s.source.startswith("corpus ")]
    for sample in marked:
        assert sample.text == corpus[sample.source.removeprefix("corpus ")]


def test_seed_creates_channels_people_group_and_messages() -> None:
    """Seeding adds members, channels with their members, the triage group and the samples, escaped."""
    ws = load_workspace()
    fake = FakeSlackAPI()
    seed(fake, ws)
    assert BOT_USER in fake.users and all(p.id in fake.users for p in ws.people)
    triage = fake.channels[ws.room("triage").id]
    assert triage["is_private"] and set(ws.triage_ids) <= set(triage["members"])
    assert fake.usergroups[ws.group_id] == ws.triage_ids
    stored = list(fake.messages.values())
    assert len([m for m in stored if not m.get("thread_ts")]) == len(ws.samples)
    assert any(m.get("thread_ts") for m in stored)
    bot_message = next(m for m in stored if m.get("bot_id"))
    assert bot_message["text"] == "" and bot_message["blocks"][0]["type"] == "section"
    assert not any("<" in m["text"] for m in stored)


def test_escape_uses_slacks_three_entities() -> None:
    """Only `&`, `<` and `>` are escaped, `&` first."""
    assert escape("a & <b> &lt;") == "a &amp; &lt;b&gt; &amp;lt;"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["channels"].pop(), "triage and one digest"),
        (lambda raw: [u.pop("triage", None) for u in raw["users"]], "triage team"),
        (
            lambda raw: raw["messages"].append(
                {"channel": "CNOPE", "user": "U0ALICE", "text": "x"}
            ),
            "unknown channel",
        ),
        (
            lambda raw: raw["messages"].append(
                {"channel": "C0GENERAL", "user": "UNOPE", "text": "x"}
            ),
            "unknown author",
        ),
    ],
)
def test_broken_workspace_is_refused(change: object, message: str) -> None:
    """A workspace file with a missing role, no triage team or unknown references fails clearly."""
    path = Path(__file__).resolve().parents[2] / "bot" / "playground" / "data" / "workspace.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        load_workspace(json.dumps(raw))
