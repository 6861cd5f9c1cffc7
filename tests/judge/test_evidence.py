"""What is sent to the judge: masked, cut when very long, its offsets mapped back."""

from __future__ import annotations

import hashlib

from bot.checks.models import CheckResult, Finding
from bot.judge.evidence import cut_marker, prepare, sensitive_spans
from bot.judge.rubric import user_message
from tests.judge.helpers import EMAIL, KEY, redactor


def test_credentials_and_personal_data_are_masked() -> None:
    """A key and an e-mail address are replaced by their masked forms."""
    sent = prepare(f"mail {EMAIL} the key {KEY} now", redactor())
    assert sent.text == "mail •••••••• the key AKIA•••••••• now"
    assert KEY not in sent.text and EMAIL not in sent.text


def test_content_hash_is_of_exactly_the_text_sent() -> None:
    """The hash is sha256 of the masked text, so two texts that differ only in a masked
    value are the same text sent."""
    first = prepare(f"the key {KEY}", redactor())
    second = prepare("the key AKIAJ7PLWQ4RNX2TBV9M", redactor())
    assert first.content_hash == hashlib.sha256(first.text.encode()).hexdigest()
    assert first.content_hash == second.content_hash


def test_sensitive_spans_are_masked_too() -> None:
    """Spans the caller knows are sensitive (the checks' personal-data findings, such as a
    named person's health) are masked although the patterns alone do not mask them."""
    text = "Maria Lopez has been diagnosed with type 2 diabetes."
    assert prepare(text, redactor()).text == text
    sent = prepare(text, redactor(), sensitive=[(21, 30), (43, 51)])
    assert "diagnosed" not in sent.text and "diabetes" not in sent.text


def test_sensitive_spans_come_from_secret_and_personal_findings() -> None:
    """The checks' credential and personal-data findings give the spans; others do not."""
    result = CheckResult(
        findings=[
            Finding("pii", "pii.health_term", 0.9, "stated", ((3, 9),), "x"),
            Finding("coercion", "coercion.x", 0.9, "stated", ((20, 30),), "x"),
        ],
        quoted_findings=[Finding("secrets", "secrets.x", 0.9, "none", ((40, 50),), "x")],
    )
    assert sensitive_spans(result) == [(3, 9), (40, 50)]


def test_offsets_map_back_across_masked_values() -> None:
    """A span after a masked value (shorter than what it hides) maps to the evidence's own
    offsets; a span that reaches into the masked value maps to nothing."""
    text = f"key {KEY} then the threat"
    sent = prepare(text, redactor())
    start = sent.text.index("the threat")
    assert sent.to_original(start, start + 10) == (text.index("the threat"), len(text))
    assert sent.to_original(0, start) is None


def test_long_evidence_keeps_head_and_tail() -> None:
    """Evidence over the limit keeps its first and last halves around a cut marker that
    says how much was cut, and the prompt says so."""
    text = "HEAD " + "x" * 1000 + " TAIL"
    sent = prepare(text, redactor(), limit=100)
    assert sent.text.startswith("HEAD ") and sent.text.endswith(" TAIL")
    assert sent.cut_chars == len(text) - 100
    assert cut_marker(sent.cut_chars) in sent.text
    assert len(sent.text) == 100 + len(cut_marker(sent.cut_chars))
    assert f"the middle {sent.cut_chars} characters are cut" in user_message(sent)
    tail = sent.text.index(" TAIL")
    assert sent.to_original(tail, tail + 5) == (len(text) - 5, len(text))
    marker = sent.text.index("[…")
    assert sent.to_original(marker - 2, marker + 3) is None


def test_a_cut_never_splits_a_masked_value() -> None:
    """A masked value at the edge of the cut is kept or left out whole, never half shown."""
    text = "a" * 45 + f" {KEY} " + "b" * 200
    sent = prepare(text, redactor(), limit=100)
    assert KEY[4:] not in sent.text and "Q3EG" not in sent.text
    assert "AKIA" not in sent.text or "AKIA••••••••" in sent.text


def test_short_evidence_is_sent_whole() -> None:
    """Evidence within the limit is not cut."""
    sent = prepare("short", redactor(), limit=100)
    assert sent.text == "short" and sent.cut_chars == 0
