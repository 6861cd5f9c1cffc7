"""Migrations produce the models' schema and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from bot.store.db import MIGRATION_ONLY_INDEXES, Database


def _modelled(name: str | None, kind: str, _parents: object) -> bool:
    return not (kind == "index" and name in MIGRATION_ONLY_INDEXES)


def test_upgrade_from_empty_matches_models(db: Database) -> None:
    """After `db upgrade` there is no difference between the database and the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _modelled}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
    assert db.is_current()


def test_downgrade_removes_everything_and_upgrade_again_works(db: Database) -> None:
    """Downgrading to base drops our tables; upgrading again restores them."""
    db.downgrade("base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    assert not db.is_current()
    db.upgrade()
    assert "incident" in inspect(db.engine).get_table_names()


def test_upgrade_twice_is_harmless(db: Database) -> None:
    """Running the upgrade at every start changes nothing when already current."""
    db.upgrade()
    assert db.is_current()
