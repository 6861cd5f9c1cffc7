"""Run every benchmark module under tests/bench and print one table.

Each module named ``bench_*.py`` exposes ``run() -> list[Row]``. Run with
``python -m tests.bench [NAME ...]`` (``make bench``); names filter modules.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

from rich.console import Console
from rich.table import Table

from tests.bench.common import Row


def _modules(selected: list[str]) -> list[str]:
    package = importlib.import_module("tests.bench")
    names = sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_")
    )
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def main(argv: list[str]) -> int:
    console = Console(width=160)
    rows: list[Row] = []
    for name in _modules(argv):
        started = time.perf_counter()
        console.print(f"[dim]running {name}…[/dim]")
        module = importlib.import_module(f"tests.bench.{name}")
        rows.extend(module.run())
        console.print(f"[dim]{name} took {time.perf_counter() - started:.1f} s[/dim]")
    table = Table(title="safetybot benchmarks")
    for column in ("benchmark", "figure", "value", "baseline", "ratio", "target", "ok"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row.cells())
    console.print(table)
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
