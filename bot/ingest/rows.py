"""Rows of model output: ``{"text": …, "model": …, "id": …}``, one per line of a JSON
Lines file (``model`` and ``id`` optional)."""

from __future__ import annotations

from typing import Any

from bot.ingest.samples import Sample, optional_text, text_source


def is_row(value: Any) -> bool:
    """An object with a ``text`` string."""
    return isinstance(value, dict) and isinstance(value.get("text"), str)


def row(value: dict[str, Any], name: str, *, line: int | None = None) -> Sample:
    """The sample of one row (``is_row`` said it is one); its text is taken as it is."""
    text = value["text"]
    return Sample(
        text=text,
        source=text_source(text),
        source_file=name,
        sample_id=optional_text(value.get("id")),
        model=optional_text(value.get("model")),
        line=line,
    )
