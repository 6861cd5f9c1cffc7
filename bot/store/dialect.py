"""The SQL that differs between SQLite and PostgreSQL, behind small functions.

Domain code asks for what it needs (an insert that can resolve a conflict, a time
difference in seconds, rows no other replica holds) and never which database it is.
Full-text search, which differs the most, is in :mod:`bot.store.text_search`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, Select, func
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

Bind = Session | Engine | Connection


def is_postgresql(bind: Bind) -> bool:
    """Whether ``bind`` (a session, engine or connection) talks to PostgreSQL."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "postgresql"


def conflict_insert(session: Session, table: Any) -> PgInsert | SqliteInsert:
    """``INSERT INTO table`` that takes ``on_conflict_do_update`` / ``on_conflict_do_nothing``
    (both databases spell them alike; SQLAlchemy needs each dialect's own construct)."""
    insert = pg_insert if is_postgresql(session) else sqlite_insert
    return insert(table)


def seconds_between(session: Session, later: Any, earlier: Any) -> Any:
    """``later - earlier`` in seconds, in the database's own arithmetic."""
    if is_postgresql(session):
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def skipping_locked(session: Session, statement: Select[Any], *, of: Any) -> Select[Any]:
    """``statement`` locking the rows of ``of`` it returns and skipping those another
    transaction holds (PostgreSQL); SQLite has one writer at a time, so as it is."""
    if is_postgresql(session):
        return statement.with_for_update(skip_locked=True, of=of)
    return statement
