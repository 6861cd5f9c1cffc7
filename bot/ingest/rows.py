"""Rows of model output: ``{"text": …, "model": …, "id": …}``, one per line of a JSON
Lines file (``model`` and ``id`` optional)."""

from __future__ import annotations

from typing import Any

from bot.ingest.samples import Sample, standalone


def is_row(value: Any) -> bool:
    """An object with a ``text`` string."""
    return isinstance(value, dict) and isinstance(value.get("text"), str)


def row(value: dict[str, Any], name: str, *, line: int | None = None) -> Sample:
    """The sample of one row (``is_row`` said it is one); its text is taken as it is."""
    return standalone(value["text"], value, name, line)
