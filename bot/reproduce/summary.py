"""A reproduction run in one line: "Reproduced 7/10 on model X: coercion 7, self-preservation 9"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from bot.checks.models import category_label


def tally(
    outputs: Iterable[Any], incident_categories: Sequence[str]
) -> tuple[int, dict[str, int], int]:
    """How many outputs show at least one of the incident's categories, how many show each
    category (any category), and how many failed. ``outputs`` have ``categories`` and
    ``error``."""
    wanted = set(incident_categories)
    reproduced, errors = 0, 0
    counts: Counter[str] = Counter()
    for output in outputs:
        if output.error:
            errors += 1
            continue
        found = set(output.categories or ())
        counts.update(found)
        reproduced += bool(found & wanted)
    return reproduced, dict(counts), errors


def ordered_counts(counts: dict[str, Any], first: Sequence[str] = ()) -> list[tuple[str, int]]:
    """The counts, the incident's own categories first, then by count and name."""
    head = set(first)
    return sorted(
        ((str(c), int(n)) for c, n in counts.items()),
        key=lambda item: (item[0] not in head, -item[1], item[0]),
    )


def summary_line(
    *,
    reproduced: int,
    requested: int,
    model: str,
    counts: dict[str, Any],
    errors: int = 0,
    incident_categories: Sequence[str] = (),
) -> str:
    """What the timeline and the thread reply say about a finished run."""
    found = ", ".join(
        f"{category_label(c).lower()} {n}" for c, n in ordered_counts(counts, incident_categories)
    )
    line = f"Reproduced {reproduced}/{requested} on model {model}: {found or 'no category found'}"
    if errors:
        line += f" ({errors} call{'s' if errors != 1 else ''} failed)"
    return line
