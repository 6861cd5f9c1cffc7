"""Checks that what the bot shows keeps user and model text inert: no live Slack markup but
the bot's own, no control or bidi characters, and no piece of a credential; and how sample
contexts repeat a hostile value (:func:`repeated`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A text object holds at most 3,000 characters and the templates cut every slot to that or
# less: a hostile value cut here renders as the whole one does (escaping only lengthens it),
# unless it is mostly control characters, which are dropped.
SHOWN_AT_MOST = 3000


def repeated(value: str) -> str:
    """``value`` where a sample context repeats it: whole up to 3,000 characters, cut there,
    so a megabyte is escaped and masked once per kind of field rather than once per row."""
    return value[:SHOWN_AT_MOST]


def text_objects(node: Any) -> Iterator[tuple[str, str]]:
    """``(type, text)`` of every plain_text and mrkdwn object inside ``node``."""
    if isinstance(node, list):
        for item in node:
            yield from text_objects(item)
    elif isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["type"], node["text"]
        for value in node.values():
            yield from text_objects(value)


def without_evidence_input(node: Any) -> Any:
    """``node`` minus the report modal's editable evidence: the reporter's own paste, kept raw."""
    if isinstance(node, list):
        return [without_evidence_input(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("block_id") == "evidence" and node.get("type") == "input":
        element = {k: v for k, v in node["element"].items() if k != "initial_value"}
        return {**node, "element": element}
    return {k: without_evidence_input(v) for k, v in node.items()}


def assert_inert(
    shown: Iterable[tuple[str, str]],
    payload: Any,
    where: str,
    *,
    own_markup: re.Pattern[str],
    secret: str,
) -> str:
    """Every ``shown`` text is inert and no 12 characters of ``secret`` are in ``payload``
    (its editable evidence aside); returns that JSON for further checks."""
    for kind, text in shown:
        if kind == "mrkdwn":
            leftover = own_markup.sub("", text)
            assert "<" not in leftover and ">" not in leftover, f"{where}: live markup {text!r}"
        assert not UNSAFE_CHARACTERS.search(text), f"{where}: unsafe character in {text[:200]!r}"
    dumped = json.dumps(without_evidence_input(payload))
    pieces = (secret[i : i + 12] for i in range(len(secret) - 11))
    assert not any(piece in dumped for piece in pieces), f"{where}: the key leaked"
    return dumped
