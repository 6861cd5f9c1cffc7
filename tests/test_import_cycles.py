"""The modules of ``bot/`` import each other without cycles, counting every import: at
module level, inside functions and under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def module_name(path: Path) -> str:
    """The dotted name of a file under ``bot/`` (a package is its ``__init__``)."""
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name, migration scripts left out."""
    found = {module_name(p): p for p in BOT.rglob("*.py")}
    return {name: path for name, path in found.items() if ".migrations.versions" not in name}


def imported(path: Path, known: set[str]) -> set[str]:
    """The modules of ``bot`` that the file at ``path`` imports anywhere in its body."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets.update(_from_targets(node.module, [a.name for a in node.names], known))
    return {t for t in targets if t in known}


def _from_targets(module: str, names: list[str], known: set[str]) -> set[str]:
    """``from module import names``: each submodule named, and the module for anything else.

    A package's own submodules are imported through it (``from bot.checks.formats import
    jsondoc``); that is not an import of the package's ``__init__`` body.
    """
    submodules = {f"{module}.{name}" for name in names} & known
    plain = len(submodules) < len(names)
    return submodules | ({module} if plain else set())


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_bot_has_no_import_cycles() -> None:
    """No group of modules in bot/ imports itself round, however lazily."""
    found = modules()
    graph = {name: imported(path, set(found)) - {name} for name, path in found.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_lazy_cycle() -> None:
    """The finder reports two modules that import each other, and nothing for a chain."""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_checks_import_nothing_of_the_layers_above() -> None:
    """bot/checks/ is the bottom of the domain: it imports no other part of bot/, so the
    checks run the same in the CLI, the bot and the benchmarks."""
    found = modules()
    above = {
        name: sorted(t for t in imported(path, set(found)) if not t.startswith("bot.checks"))
        for name, path in found.items()
        if name.startswith("bot.checks")
    }
    assert {name: targets for name, targets in above.items() if targets} == {}
