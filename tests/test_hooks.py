"""No module in ``bot/`` assigns a hook (an attribute named ``on_*``) outside an ``__init__``."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def hook_assignments(source: str) -> list[int]:
    """The lines of ``source`` that assign an ``on_*`` attribute outside an ``__init__``."""
    found: list[int] = []

    def visit(node: ast.AST, in_init: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, isinstance(child, ast.FunctionDef) and child.name == "__init__")
                continue
            if not in_init and _assigns_hook(child):
                found.append(child.lineno)  # type: ignore[attr-defined]
            visit(child, in_init)

    visit(ast.parse(source), in_init=False)
    return found


def _assigns_hook(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        targets = [t for target in node.targets for t in _flattened(target)]
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = list(_flattened(node.target))
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "setattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
    ):
        return str(node.args[1].value).startswith("on_")
    else:
        return False
    return any(isinstance(t, ast.Attribute) and t.attr.startswith("on_") for t in targets)


def _flattened(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for element in target.elts for t in _flattened(element)]
    return [target]


def test_hooks_are_only_assigned_in_constructors() -> None:
    """Every ``on_*`` hook is set in an ``__init__``, so no wiring order can lose one."""
    offenders = [
        f"{path.relative_to(BOT.parent)}:{line}"
        for path in sorted(BOT.rglob("*.py"))
        for line in hook_assignments(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_hook_assigned_after_construction_is_found() -> None:
    """An assignment to a built object's hook is found; the constructor's own is not."""
    source = (
        "class Outbox:\n"
        "    def __init__(self, on_outcome):\n"
        "        self.on_outcome = on_outcome\n"
        "def wire(outbox, hook):\n"
        "    outbox.on_outcome = hook\n"
        "    setattr(outbox, 'on_stuck', hook)\n"
    )
    assert hook_assignments(source) == [5, 6]
