"""full-text index on incident titles (PostgreSQL)

Search matches a word in the evidence or in the title. With only the evidence indexed,
PostgreSQL could not use either index for the OR and computed both documents for every
incident; with both indexed it combines two index scans.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must match the expression bot/store/text_search.py searches titles with.
TITLE_DOCUMENT = "to_tsvector('simple'::regconfig, title)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_incident_title_fts ON incident USING gin ({TITLE_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_incident_title_fts")
