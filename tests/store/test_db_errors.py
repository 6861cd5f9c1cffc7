"""Database errors never quote statement parameters, which may hold evidence secrets."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.store.db import Database

SECRET = "sk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_a_failing_statement_does_not_show_its_parameters(db: Database) -> None:
    """The error text of a failed statement names the statement, never the bound values."""
    with pytest.raises(DBAPIError) as failed, db.session() as session:
        session.execute(text("SELECT no_such_column FROM incident WHERE title = :t"), {"t": SECRET})
    assert SECRET not in str(failed.value)
    assert "hidden" in str(failed.value).lower()
