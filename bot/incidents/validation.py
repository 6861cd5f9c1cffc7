"""What a report may hold, refused with a message fit for the reporter, and how its values
are stored: the reporter's choices or the checks' suggestions, NUL characters replaced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.incidents.errors import InvalidInput
from bot.store.models import SEEN_IN, SEVERITIES, Incident

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.records import ReportRequest

MAX_EVIDENCE_CHARS = 1_048_576
MAX_PROMPT_CHARS = 1_048_576
NUL_STAND_IN = "\u2400"  # PostgreSQL text cannot hold NUL; shown as the ␀ symbol instead


# The text fields a report may set on its incident, besides its title and evidence.
_REPORTED_TEXTS = ("model_name", "model_version", "eval_name", "run_id", "sample_id", "source_file")


def column_limit(name: str) -> int:
    """How many characters the incident's text column ``name`` holds."""
    return int(Incident.__table__.c[name].type.length)  # type: ignore[attr-defined]


def validated_text(text: str | None, limit: int = MAX_EVIDENCE_CHARS) -> str:
    """The evidence text, or ``InvalidInput`` when it is empty or over ``limit`` (1 MB; more
    for a report with files read into it: ``bot.incidents.attachments.evidence_limit``)."""
    if text is None or not text.strip():
        raise InvalidInput(
            "The model output is empty: paste the text that worries you.", field="evidence"
        )
    if len(text) > limit:
        raise InvalidInput(
            f"The text is {len(text):,} characters; the limit is {limit:,} "
            f"({round(limit / 1_048_576)} MB). "
            "Split it into several reports or keep the relevant part.",
            field="evidence",
        )
    return text


def validate_request(request: ReportRequest) -> None:
    """``InvalidInput`` for the first thing wrong with a report's other fields."""
    if request.seen_in not in SEEN_IN:
        raise InvalidInput(
            f"Unknown 'seen in' value '{request.seen_in}'. Use one of: {', '.join(SEEN_IN)}."
        )
    if request.severity is not None and request.severity not in SEVERITIES:
        raise InvalidInput(
            f"Unknown severity '{request.severity}'. Use one of: {', '.join(SEVERITIES)}."
        )
    if request.prompt and len(request.prompt) > MAX_PROMPT_CHARS:
        raise InvalidInput(
            f"The prompt is {len(request.prompt):,} characters; the limit is 1 MB.", field="prompt"
        )
    if not request.reporter_id.strip():
        raise InvalidInput("A report needs a reporter.")
    if request.categories is not None:
        known_categories(request.categories)
    for name in _REPORTED_TEXTS:
        limit = column_limit(name)
        if len(getattr(request, name) or "") > limit:
            raise InvalidInput(
                f"The {name.replace('_', ' ')} is longer than {limit} characters.",
                field="model" if name.startswith("model") else None,
            )


def suggested_severity(result: CheckResult) -> str:
    """The severity the checks suggest: only confident categories suggest one (else "none")."""
    return result.severity if result.categories else "none"


def chosen_categories(chosen: Sequence[str] | None, result: CheckResult) -> list[str]:
    """The reporter's choice; ``None`` (left as suggested): the confident categories only."""
    return known_categories(result.categories if chosen is None else chosen)


def chosen_severity(chosen: str | None, result: CheckResult) -> str:
    """The reporter's choice; ``None`` (left as suggested): :func:`suggested_severity`."""
    return suggested_severity(result) if chosen is None else chosen


def known_categories(chosen: Sequence[str]) -> list[str]:
    """The chosen categories without repeats; ``InvalidInput`` for an unknown one."""
    from bot.checks import CATEGORIES

    picked = list(dict.fromkeys(chosen))
    unknown = [c for c in picked if c not in CATEGORIES]
    if unknown:
        raise InvalidInput(
            f"Unknown category {unknown[0]!r}. Use: {', '.join(CATEGORIES)}.", field="categories"
        )
    return picked


def without_nul(request: ReportRequest) -> ReportRequest:
    """PostgreSQL text cannot hold NUL, so every string is stored with ␀ in its place."""
    changes = {
        name: value.replace("\x00", NUL_STAND_IN)
        for name, value in vars(request).items()
        if isinstance(value, str) and "\x00" in value
    }
    return replace(request, **changes) if changes else request  # type: ignore[arg-type]


def nul_note(text: str) -> str | None:
    """The timeline note saying how many NUL characters were replaced, if any."""
    count = text.count("\x00")
    return f"{count} NUL character(s) stored as {NUL_STAND_IN}" if count else None


def clean(value: str | None) -> str | None:
    """The value stripped, or ``None`` when nothing is left."""
    return (value or "").strip() or None
