"""Where the shared development data (corpus, PII set, Slack schema) is found."""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """The shared development data: ``$SAFETYBOT_SHARED_DATA`` when set, else
    ``../shared/data`` beside the checkout (where CI copies it), whether or not it exists,
    so callers can name what is missing."""
    configured = os.environ.get("SAFETYBOT_SHARED_DATA")
    if configured:
        return Path(configured)
    return _REPO.parent / "shared" / "data"
