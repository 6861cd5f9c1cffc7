"""What the readers give: one sample to screen, and the error for a file they cannot read."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bot.incidents.errors import DomainError


class UnreadableFile(DomainError):
    """A file that is none of the formats ``import`` reads, or is broken; nothing was filed."""


@dataclass(frozen=True)
class Sample:
    """One transcript or output to screen, with where it came from.

    ``text`` is what the checks read and the incident's evidence: for a transcript, its
    messages as JSON, which the checks' format readers parse. ``source`` identifies the
    sample's origin for the idempotency key (see ``screening.idempotency_key``).
    """

    text: str
    source: str
    source_file: str
    sample_id: str | None = None
    epoch: int | None = None
    model: str | None = None
    eval_name: str | None = None
    run_id: str | None = None
    # The line of a JSON Lines file it was read from, to name a sample that has no id.
    line: int | None = None

    def label(self) -> str:
        """How a person names the sample in the summary and in a duplicate link."""
        if self.sample_id:
            parts = [f"sample {self.sample_id}"]
        else:
            parts = [f"line {self.line}" if self.line else "transcript"]
        parts[0] += f" of {self.source_file}"
        if self.epoch is not None:
            parts.append(f"epoch {self.epoch}")
        if self.eval_name:
            parts.append(f"eval {self.eval_name}")
        if self.run_id:
            parts.append(f"run {self.run_id}")
        return " · ".join(parts)


def standalone(text: str, meta: dict[str, Any], name: str, line: int | None) -> Sample:
    """A sample that is one text of its own (a transcript, a row), identified by its text;
    ``meta`` may give its id and model."""
    return Sample(
        text=text,
        source=text_source(text),
        source_file=name,
        sample_id=optional_text(meta.get("id")),
        model=optional_text(meta.get("model")),
        line=line,
    )


def as_json(value: Any) -> str:
    """A transcript as the evidence text: indented JSON, non-ASCII kept as it is."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def text_source(text: str) -> str:
    """The origin of a sample that carries no run identity: the hash of its own text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def optional_text(value: Any) -> str | None:
    """A scalar field as text (ids may be numbers); None when missing or not a scalar."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip() or None
    return None


def optional_int(value: Any) -> int | None:
    """An epoch as an int; None when missing or not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
