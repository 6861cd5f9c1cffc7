"""Scratch databases for tests and benchmarks: a SQLite file, or a private PostgreSQL schema
so that runs never see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.store.db import Database


@contextmanager
def private_schema(base: str, prefix: str = "t") -> Iterator[str]:
    """A URL like ``base`` whose search path is a new, empty schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def scratch_database(
    kind: str, directory: Path, postgres: Callable[[], str], prefix: str = "t"
) -> Iterator[Database]:
    """A migrated, empty database: ``kind`` "sqlite" is a file in ``directory``, anything
    else a private schema under the URL ``postgres()`` returns."""
    sqlite = f"sqlite:///{directory / 'scratch.db'}"
    where = nullcontext(sqlite) if kind == "sqlite" else private_schema(postgres(), prefix)
    with where as url:
        db = Database(url)
        try:
            db.upgrade()
            yield db
        finally:
            db.dispose()
