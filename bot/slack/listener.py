"""Listeners are module-level functions that take their dependencies first; this binds them.

Bolt passes a listener the arguments its parameters name (``ack``, ``body``, ``client``...),
so a listener bound here keeps only those: the dependencies come first and are fixed at
registration. The bound listener keeps the function's name, which Bolt uses for its logger.
Tests call the function itself with stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any


def bound(listener: Callable[..., Any], *deps: Any) -> Callable[..., Any]:
    """``listener`` with its leading dependency arguments ``deps`` fixed, named as it is."""
    bound_listener = partial(listener, *deps)
    bound_listener.__name__ = listener.__name__  # type: ignore[attr-defined]
    return bound_listener
