"""Only the store layer knows which database it runs on: no other module of ``bot/`` asks
for the dialect or imports a dialect's own SQL constructs (``bot.store.dialect`` and
``bot.store.text_search`` answer for them)."""

from __future__ import annotations

import re
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent.parent / "bot"
ASKS = re.compile(r"sqlalchemy\.dialects|\.dialect\.name\b|\bis_postgresql\b|\bis_sqlite\b")


def test_no_module_outside_the_store_asks_for_the_dialect() -> None:
    store = BOT / "store"
    asking = [
        f"{path.relative_to(BOT.parent)}:{number}: {line.strip()}"
        for path in sorted(BOT.rglob("*.py"))
        if store not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ASKS.search(line)
    ]
    assert asking == []
