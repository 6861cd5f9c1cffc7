"""pending report draft: a waiting report points at its draft's text instead of copying it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already waiting keep their text in ``request`` and have no draft.
    with op.batch_alter_table("pending_report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )


def downgrade() -> None:
    # A row that points at its draft takes the text back first, so no report is lost.
    connection = op.get_bind()
    pending = sa.table(
        "pending_report",
        sa.column("id", sa.Integer()),
        sa.column("request", sa.JSON()),
        sa.column("draft_id", sa.String()),
    )
    draft = sa.table("draft", sa.column("id", sa.String()), sa.column("text", sa.Text()))
    rows = connection.execute(
        sa.select(pending.c.id, pending.c.request, draft.c.text).join(
            draft, draft.c.id == pending.c.draft_id
        )
    ).all()
    for row_id, request, text in rows:
        if "text" not in request:
            connection.execute(
                pending.update()
                .where(pending.c.id == row_id)
                .values(request={**request, "text": text})
            )
    with op.batch_alter_table("pending_report", schema=None) as batch_op:
        batch_op.drop_column("draft_id")
