"""Where the shared development data (corpus, PII set, Slack schema) is found."""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """The shared development data: ``$SAFETYBOT_SHARED_DATA`` when set, else the first
    of ``/work/shared/data`` and ``../shared/data`` beside the checkout (where CI copies
    it) that exists; when neither does, the latter, so callers can name what is missing."""
    configured = os.environ.get("SAFETYBOT_SHARED_DATA")
    if configured:
        return Path(configured)
    candidates = [Path("/work/shared/data"), _REPO.parent / "shared" / "data"]
    return next((path for path in candidates if path.is_dir()), candidates[-1])
