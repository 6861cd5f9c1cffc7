"""Shared shapes for benchmarks: a result row and small timing helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.shared_data import shared_data

__all__ = ["Row", "percentile", "shared_data", "timings_ms"]


@dataclass
class Row:
    """One line of the benchmark table; ``ok`` is None when there is no target."""

    benchmark: str
    figure: str
    value: float
    unit: str = ""
    baseline: float | None = None
    target: str = ""
    ok: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]

    def cells(self) -> tuple[str, ...]:
        ratio = self.ratio
        return (
            self.benchmark,
            self.figure,
            f"{self.value:,.3g} {self.unit}".strip(),
            "" if self.baseline is None else f"{self.baseline:,.3g} {self.unit}".strip(),
            "" if ratio is None else f"{ratio:.2f}×",
            self.target,
            {None: "", True: "yes", False: "NO"}[self.ok],
        )


def timings_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    """Call ``fn`` ``repeat`` times after ``warmup`` calls; return each duration in ms."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of ``values`` by linear interpolation."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, int(q) - 1))]
