"""files and eval fields: the files a report came with, and where an imported sample came from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eval_name", _TEXT(length=200), nullable=True))
        batch_op.add_column(sa.Column("run_id", _TEXT(length=200), nullable=True))
        batch_op.add_column(sa.Column("sample_id", _TEXT(length=200), nullable=True))
        batch_op.add_column(sa.Column("epoch", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("source_file", _TEXT(length=500), nullable=True))
        batch_op.create_index(batch_op.f("ix_incident_eval_name"), ["eval_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_run_id"), ["run_id"], unique=False)
    op.create_table(
        "incident_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=300), nullable=False),
        sa.Column("filetype", _TEXT(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", _TEXT(length=64), nullable=True),
        sa.Column("slack_file_id", _TEXT(length=32), nullable=True),
        sa.Column("permalink", _TEXT(length=500), nullable=True),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.Column("note", _TEXT(length=300), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_file_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_file_incident_id"))
    op.drop_table("incident_file")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_run_id"))
        batch_op.drop_index(batch_op.f("ix_incident_eval_name"))
        for column in ("source_file", "epoch", "sample_id", "run_id", "eval_name"):
            batch_op.drop_column(column)
