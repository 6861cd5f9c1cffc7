"""The incident lifecycle: which status may follow which, and what closing needs."""

from __future__ import annotations

from bot.incidents.errors import InvalidInput, InvalidTransition
from bot.store.models import RESOLUTIONS, STATUSES

# Forward moves may skip steps (a false positive is closed straight from ``new``);
# ``mitigated → investigating`` steps back when a mitigation fails. Reopening is its own verb.
ALLOWED: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged", "investigating", "closed"),
    "acknowledged": ("investigating", "mitigated", "closed"),
    "investigating": ("mitigated", "closed"),
    "mitigated": ("investigating", "closed"),
    "closed": (),
}
REOPEN_TO = "acknowledged"


def open_moves(current: str) -> tuple[str, ...]:
    """The moves Status… offers: every allowed one but closing, which needs Resolve…."""
    return tuple(s for s in ALLOWED[current] if s != "closed")


def check_status(name: str) -> str:
    """Return ``name`` if it is a status, else explain which ones exist."""
    if name not in STATUSES:
        raise InvalidInput(f"Unknown status '{name}'. Use one of: {', '.join(STATUSES)}.")
    return name


def check_transition(current: str, target: str, *, resolution: str | None) -> None:
    """Refuse a move the lifecycle does not allow, or a close without a resolution."""
    check_status(target)
    if current == target:
        raise InvalidTransition(f"It is already {current}.")
    if current == "closed":
        raise InvalidTransition("It is closed; reopen it first.")
    if target not in ALLOWED[current]:
        allowed = ", ".join(ALLOWED[current])
        raise InvalidTransition(f"Cannot go from {current} to {target}; from {current}: {allowed}.")
    if target == "closed":
        check_resolution(resolution)


def check_resolution(resolution: str | None) -> str:
    """A close needs one of the known resolutions."""
    if resolution not in RESOLUTIONS:
        raise InvalidInput(f"Closing needs a resolution: one of {', '.join(RESOLUTIONS)}.")
    return resolution
