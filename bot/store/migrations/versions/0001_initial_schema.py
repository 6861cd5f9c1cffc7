"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 17:39:41.431354
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The search document of an evidence row on PostgreSQL; ``bot.store.text_search`` uses the same text.
FTS_DOCUMENT = "to_tsvector('simple'::regconfig, left(text, 200000))"


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("source_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("source_author", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_created_at"), ["created_at"], unique=False)

    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column(
            "resolution_summary", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True
        ),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column(
            "suggested_severity", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        ),
        sa.Column("check_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("model_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("model_version", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("seen_in", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reporter_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("assignee_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("source_channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("source_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("source_permalink", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("post_channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("post_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["incident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("prefix", "number", name="uq_incident_prefix_number"),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incident_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incident_model_name"), ["model_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_severity"), ["severity"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_status"), ["status"], unique=False)
        batch_op.create_index("ix_incident_status_severity", ["status", "severity"], unique=False)

    op.create_table(
        "key_counter",
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("from_value", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("to_value", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_event_incident_at", ["incident_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_kind"), ["kind"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("minhash", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_content_hash"), ["content_hash"], unique=False
        )

    op.create_table(
        "evidence_band",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id", "band"),
    )
    with op.batch_alter_table("evidence_band", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_band_lookup", ["band", "value"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("check_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("actuality", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("spans", sa.JSON(), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_category",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id", "category"),
    )
    with op.batch_alter_table("incident_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_category_category"), ["category"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_evidence_fts ON evidence USING gin ({FTS_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_evidence_fts")
    with op.batch_alter_table("incident_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_category_category"))

    op.drop_table("incident_category")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_incident_id"))

    op.drop_table("finding")
    with op.batch_alter_table("evidence_band", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_band_lookup")

    op.drop_table("evidence_band")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_content_hash"))

    op.drop_table("evidence")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_kind"))
        batch_op.drop_index("ix_event_incident_at")
        batch_op.drop_index(batch_op.f("ix_event_at"))

    op.drop_table("event")
    op.drop_table("key_counter")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_status_severity")
        batch_op.drop_index(batch_op.f("ix_incident_status"))
        batch_op.drop_index(batch_op.f("ix_incident_severity"))
        batch_op.drop_index(batch_op.f("ix_incident_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_incident_model_name"))
        batch_op.drop_index(batch_op.f("ix_incident_duplicate_of_id"))
        batch_op.drop_index(batch_op.f("ix_incident_created_at"))
        batch_op.drop_index(batch_op.f("ix_incident_closed_at"))
        batch_op.drop_index(batch_op.f("ix_incident_assignee_id"))

    op.drop_table("incident")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_created_at"))

    op.drop_table("draft")
