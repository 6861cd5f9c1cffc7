"""Editing an incident's details: the model and where an evaluated sample came from.

The triage team corrects the model name and version, eval, run id, sample id, epoch and
source file that the report form or ``safetybot import`` filled in. A value is stored
stripped and a blank one clears the field; a value longer than its column, or an epoch that
is not a whole number from 0, is refused with a message naming the field, and nothing is
changed. Only what differs is written, with one ``details`` event whose note says what
changed ("eval: a → b; sample: – → s-7"); when nothing differs nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.incidents import notices, rows
from bot.incidents.errors import InvalidInput
from bot.incidents.validation import NUL_STAND_IN, column_limit
from bot.store.models import Event, Incident

KIND = "details"
NOTHING = "–"  # how an empty field is shown in the summary
MAX_EPOCH = 2_147_483_647  # the largest integer every supported database column holds
_WHOLE_NUMBER = re.compile(r"[0-9]+")

Value = str | int | None


@dataclass(frozen=True)
class Detail:
    """One editable field: the incident's attribute, its name in messages, its column length
    (0 for the epoch, a number) and the form input an error is shown beside."""

    name: str
    label: str
    limit: int
    form: str


DETAILS = (
    Detail("model_name", "model", column_limit("model_name"), "model"),
    Detail("model_version", "version", column_limit("model_version"), "model"),
    Detail("eval_name", "eval", column_limit("eval_name"), "eval"),
    Detail("run_id", "run", column_limit("run_id"), "run"),
    Detail("sample_id", "sample", column_limit("sample_id"), "sample"),
    Detail("epoch", "epoch", 0, "epoch"),
    Detail("source_file", "file", column_limit("source_file"), "file"),
)
_BY_NAME = {detail.name: detail for detail in DETAILS}


def validated(values: Mapping[str, object]) -> dict[str, Value]:
    """``values`` (attribute name → new value) as they would be stored; ``InvalidInput``
    for the first one that cannot be. A name that is not a detail is a programming error."""
    unknown = sorted(set(values) - set(_BY_NAME))
    if unknown:
        raise TypeError(f"not an incident detail: {', '.join(unknown)}")
    return {d.name: _stored(d, values[d.name]) for d in DETAILS if d.name in values}


def _stored(detail: Detail, value: object) -> Value:
    return epoch(value) if detail.name == "epoch" else _text(detail, value)


def epoch(value: object) -> int | None:
    """An epoch as stored: a whole number from 0 (typed as text or given as a number), or
    ``None`` for a blank one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise InvalidInput(
            "The epoch must be a whole number, 0 or more (for example 1), or empty.",
            field="epoch",
        )
    if not 0 <= number <= MAX_EPOCH:
        raise InvalidInput(f"The epoch must be from 0 to {MAX_EPOCH:,}.", field="epoch")
    return number


def _text(detail: Detail, value: object) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\x00", NUL_STAND_IN).strip()
    if len(text) > detail.limit:
        raise InvalidInput(
            f"The {detail.label} is {len(text):,} characters long; the limit is "
            f"{detail.limit:,}. Nothing was changed.",
            field=detail.form,
        )
    return text or None


def differences(incident: Incident, values: Mapping[str, Value]) -> list[tuple[Detail, Value]]:
    """The details whose new value (from :func:`validated`) differs from the incident's."""
    return [
        (detail, values[detail.name])
        for detail in DETAILS
        if detail.name in values and getattr(incident, detail.name) != values[detail.name]
    ]


def summary(incident: Incident, changed: list[tuple[Detail, Value]]) -> str:
    """What the change does, before it is applied: "eval: a → b; sample: – → s-7"."""
    return "; ".join(
        f"{detail.label}: {_shown(getattr(incident, detail.name))} → {_shown(after)}"
        for detail, after in changed
    )


def _shown(value: Value) -> str:
    return NOTHING if value is None else str(value)


def apply(
    session: Session,
    incident: Incident,
    values: Mapping[str, Value],
    *,
    actor: str,
    now: datetime,
) -> Event | None:
    """Set the details that differ, with their event and notices; ``None`` when none does."""
    changed = differences(incident, values)
    if not changed:
        return None
    event = rows.event(incident.id or 0, actor, KIND, now, note=summary(incident, changed))
    for detail, after in changed:
        setattr(incident, detail.name, after)
    incident.updated_at = now
    session.add(incident)
    session.add(event)
    notices.changed(session, incident, [event], now)
    return event
