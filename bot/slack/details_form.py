"""The inputs of the "Edit details" modal: what each shows when it opens, and which fields a
submission changes.

An input is opened with the incident's value masked (a credential pasted as a model name is
never shown) and cut to what the input holds. An input submitted as it was opened changes
nothing, so a save never writes a masked or cut value back, nor splits a model name that
holds a space; the modal remembers a digest of the values it was opened with, so a change
someone made meanwhile is refused rather than overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from bot.incidents.details import DETAILS, MAX_EPOCH
from bot.incidents.validation import column_limit
from bot.slack.text import truncate
from bot.store.models import Incident

# The incident attribute each single-field input edits (the model input edits two).
FIELDS = {d.form: d.name for d in DETAILS if d.form != "model"}
# Each input: its block id and how many characters it holds ("name version" for the model,
# the digits of the largest epoch, each other detail's column).
LIMITS = {
    "model": column_limit("model_name") + 1 + column_limit("model_version"),
    **{d.form: len(str(MAX_EPOCH)) if d.name == "epoch" else d.limit for d in DETAILS[2:]},
}

Values = dict[str, Any]


def current(incident: Incident) -> dict[str, str]:
    """The incident's details as the inputs hold them, unmasked."""
    model = " ".join(v for v in (incident.model_name, incident.model_version) if v)
    stored = {input_id: getattr(incident, name) for input_id, name in FIELDS.items()}
    return {"model": model, **{k: "" if v is None else str(v) for k, v in stored.items()}}


def shown(incident: Incident, hide: Callable[[str], str]) -> dict[str, str]:
    """What each input opens with: the value masked by ``hide`` and cut to fit."""
    return {k: truncate(hide(v), LIMITS[k]) for k, v in current(incident).items()}


def seen(incident: Incident) -> str:
    """A digest of the incident's details, to tell whether they changed while a form was open."""
    encoded = json.dumps(current(incident), sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def edits(values: Values, opened: dict[str, str]) -> dict[str, str]:
    """The fields a submission changes (attribute → typed text, blank to clear): each input
    typed differently from what it ``opened`` with."""
    changed: dict[str, str] = {}
    for input_id, was in opened.items():
        typed = _typed(values, input_id)
        if typed is None or typed == was.strip():
            continue
        if input_id == "model":
            name, _, version = typed.partition(" ")
            changed.update(model_name=name, model_version=version.strip())
        else:
            changed[FIELDS[input_id]] = typed
    return changed


def _typed(values: Values, block_id: str) -> str | None:
    """The text of an input as submitted; ``None`` when the submission leaves it out."""
    block = values.get(block_id)
    if not isinstance(block, dict) or not isinstance(block.get("value"), dict):
        return None
    return str(block["value"].get("value") or "").strip()
