"""Results computed from a text, remembered for the next request about the same text.

The message shortcut runs the checks and the duplicate fingerprint to fill the report
modal; the submission that follows a few seconds later carries the same text, so it reuses
them instead of computing them again before its acknowledgement. Bounded by entries and by
the total length of the texts remembered; results must not be changed by their users. The
bound on entries is well above a burst: when a few hundred people open the modal before the
first of them submits, a smaller bound would evict every result before its submission came.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.ports import Checker

T = TypeVar("T")


class RecentResults(Generic[T]):
    """``compute(text)``, remembered for the most recently used texts."""

    def __init__(
        self, compute: Callable[[str], T], *, max_items: int = 1024, max_chars: int = 8_000_000
    ) -> None:
        self.compute = compute
        self.max_items = max_items
        self.max_chars = max_chars
        self._entries: OrderedDict[bytes, tuple[int, T]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def __call__(self, text: str) -> T:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry[1]
        value = self.compute(text)  # outside the lock: other texts need not wait
        self._remember(key, len(text), value)
        return value

    def _remember(self, key: bytes, size: int, value: T) -> None:
        if size > self.max_chars:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (size, value)
            self._chars += size
            while len(self._entries) > self.max_items or self._chars > self.max_chars:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._chars -= dropped


class RecentChecks:
    """A checker whose results are reused for a text it checked recently."""

    def __init__(self, checker: Checker, **limits: int) -> None:
        self._run = RecentResults(checker.run, **limits)

    def run(self, text: str) -> CheckResult:
        """The checker's result for ``text``, computed at most once while remembered."""
        return self._run(text)
