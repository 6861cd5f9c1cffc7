"""model in the loop: a finding's source, the judge's cache, daily model budgets, and
reproduction runs with their outputs

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", _TEXT(length=120), nullable=False, server_default="checks")
        )
    op.create_table(
        "judge_verdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", _TEXT(length=64), nullable=False),
        sa.Column("rubric_version", _TEXT(length=20), nullable=False),
        sa.Column("model", _TEXT(length=200), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash", "rubric_version", "model"),
    )
    op.create_table(
        "model_usage",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("purpose", _TEXT(length=12), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.BigInteger(), nullable=False),
        sa.Column("paused_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("day", "purpose"),
    )
    op.create_table(
        "reproduction_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("model", _TEXT(length=200), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("requested_by", _TEXT(length=64), nullable=False),
        sa.Column("status", _TEXT(length=12), nullable=False),
        sa.Column("reproduced", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", _TEXT(length=300), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reproduction_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reproduction_run_incident_id"), ["incident_id"], unique=False
        )
    op.create_table(
        "reproduction_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("error", _TEXT(length=300), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("severity", _TEXT(length=10), nullable=False),
        sa.Column("actuality", _TEXT(length=12), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("judge", sa.JSON(), nullable=True),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["reproduction_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "position"),
    )
    with op.batch_alter_table("reproduction_output", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reproduction_output_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reproduction_output", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reproduction_output_run_id"))
    op.drop_table("reproduction_output")
    with op.batch_alter_table("reproduction_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reproduction_run_incident_id"))
    op.drop_table("reproduction_run")
    op.drop_table("model_usage")
    op.drop_table("judge_verdict")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_column("source")
