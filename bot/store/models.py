"""The stored tables: incidents, evidence, findings, timeline, key counters, and the
coordination tables (pending reports, outbox, digest runs, processed events) that let
replicas share work.

Datetimes are aware UTC (SQLModel stores them as UTC on every database). Enumerated values are plain strings
checked by the service, so adding a status is a code change, not a schema migration.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

STATUSES = ("new", "acknowledged", "investigating", "mitigated", "closed")
OPEN_STATUSES = ("new", "acknowledged", "investigating", "mitigated")
RESOLUTIONS = ("fixed", "duplicate", "false_positive", "wont_fix", "accepted_risk")
SEVERITIES = ("none", "low", "medium", "high", "critical")
SEEN_IN = ("production", "internal_eval", "red_team", "user_report", "other")


class KeyCounter(SQLModel, table=True):
    """The last number handed out per key prefix; row-locked while a key is taken."""

    __tablename__ = "key_counter"

    prefix: str = Field(primary_key=True, max_length=10)
    last_number: int = Field(default=0)


class Incident(SQLModel, table=True):
    """One reported incident and its triage state."""

    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("prefix", "number", name="uq_incident_prefix_number"),
        Index("ix_incident_status_severity", "status", "severity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=24, unique=True)
    prefix: str = Field(max_length=10)
    number: int
    title: str = Field(max_length=300)
    status: str = Field(default="new", max_length=20, index=True)
    resolution: str | None = Field(default=None, max_length=20)
    resolution_summary: str | None = Field(default=None, max_length=300)
    severity: str = Field(default="none", max_length=10, index=True)
    suggested_severity: str = Field(default="none", max_length=10)
    check_reason: str = Field(default="", max_length=500)
    restricted: bool = Field(default=False)
    model_name: str | None = Field(default=None, max_length=200, index=True)
    model_version: str | None = Field(default=None, max_length=200)
    seen_in: str = Field(default="other", max_length=20)
    reporter_id: str = Field(max_length=64, index=True)
    assignee_id: str | None = Field(default=None, max_length=64, index=True)
    source_channel: str | None = Field(default=None, max_length=64)
    source_ts: str | None = Field(default=None, max_length=32)
    source_permalink: str | None = Field(default=None, max_length=500)
    post_channel: str | None = Field(default=None, max_length=64)
    post_ts: str | None = Field(default=None, max_length=32)
    duplicate_of_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    created_at: datetime = Field(index=True)
    updated_at: datetime
    acknowledged_at: datetime | None = Field(default=None)
    closed_at: datetime | None = Field(default=None, index=True)
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    reminders_sent: int = Field(default=0)
    last_reminded_at: datetime | None = Field(default=None)
    last_nudged_at: datetime | None = Field(default=None)
    # The reporter's choice: False after "Stop updates" in one of the DMs about this incident.
    reporter_updates: bool = Field(default=True)
    # Where an imported or eval-run sample came from; filled by `safetybot import`, editable.
    eval_name: str | None = Field(default=None, max_length=200, index=True)
    run_id: str | None = Field(default=None, max_length=200, index=True)
    sample_id: str | None = Field(default=None, max_length=200)
    epoch: int | None = Field(default=None)
    source_file: str | None = Field(default=None, max_length=500)


class IncidentCategory(SQLModel, table=True):
    """One category of an incident; a table of its own so counts are plain SQL."""

    __tablename__ = "incident_category"

    incident_id: int = Field(foreign_key="incident.id", primary_key=True, ondelete="CASCADE")
    category: str = Field(primary_key=True, max_length=40, index=True)


class Evidence(SQLModel, table=True):
    """The reported text, stored whole, with its hashes for duplicate detection."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", unique=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    prompt: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    content_hash: str = Field(max_length=64, index=True)
    minhash: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class IncidentFile(SQLModel, table=True):
    """A file that came with a report (``kind`` "attached": read into the evidence, or kept as
    a reference when it could not be) or that the bot posted (``kind`` "evidence": the full
    evidence as a file in the incident's thread)."""

    __tablename__ = "incident_file"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="attached", max_length=12)
    position: int = Field(default=0)
    name: str = Field(max_length=300)
    filetype: str = Field(default="", max_length=40)
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    sha256: str | None = Field(default=None, max_length=64)
    slack_file_id: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=500)
    read: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=300)


class EvidenceBand(SQLModel, table=True):
    """One locality-sensitive band of an evidence signature, for near-duplicate lookup."""

    __tablename__ = "evidence_band"
    __table_args__ = (Index("ix_evidence_band_lookup", "band", "value"),)

    incident_id: int = Field(foreign_key="incident.id", primary_key=True, ondelete="CASCADE")
    band: int = Field(primary_key=True)
    value: int = Field(sa_column=Column(BigInteger, nullable=False))


class Finding(SQLModel, table=True):
    """One quick-check finding on an incident's evidence."""

    __tablename__ = "finding"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    category: str = Field(max_length=40)
    check_id: str = Field(max_length=120)
    score: float
    actuality: str = Field(max_length=12)
    spans: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    excerpt: str = Field(default="", sa_column=Column(Text, nullable=False))
    # Who found it: ``checks`` (the quick checks) or ``judge:<model>`` (a model's second opinion).
    source: str = Field(default="checks", max_length=120)


class Event(SQLModel, table=True):
    """One entry of an incident's timeline: who did what, when."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_incident_at", "incident_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    actor: str = Field(max_length=64)
    kind: str = Field(max_length=30, index=True)
    from_value: str | None = Field(default=None, max_length=300)
    to_value: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    at: datetime = Field(index=True)


class Draft(SQLModel, table=True):
    """Text waiting in an open report modal: modals carry ids only, never evidence."""

    __tablename__ = "draft"

    id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_channel: str | None = Field(default=None, max_length=64)
    source_ts: str | None = Field(default=None, max_length=32)
    source_author: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(index=True)
    # The checks of ``text`` the form ran (``bot.incidents.carried_checks``), reused at intake.
    checks: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class OutboxMessage(SQLModel, table=True):
    """Something the bot must send, written in the transaction of the change that causes it.

    ``kind`` names what to send (``incident_post``, ``thread_reply``, ``dm``, ...) and
    ``data`` holds the few values it needs; the content is rendered when it is delivered.
    Messages with the same ``ordering_key`` (one incident's post) are delivered in id order.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    ordering_key: str = Field(max_length=80, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime
    sent_at: datetime | None = Field(default=None)


class PendingReport(SQLModel, table=True):
    """A report as submitted in Slack, stored before the ack and made an incident right after.

    ``request`` holds every field the reporter gave (JSON keeps NUL characters, which
    PostgreSQL text cannot), but for the text when it is the draft's: then ``draft_id`` points
    at it, so the text is held once. The row and its draft are deleted in the transaction that
    stores the incident; one left behind (a crash, a failing database) is taken up again once
    ``next_attempt_at`` has passed, or when a process starts.
    """

    __tablename__ = "pending_report"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    request: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(index=True)
    last_error: str | None = Field(default=None, max_length=300)
    draft_id: str | None = Field(default=None, max_length=32)


class DigestRun(SQLModel, table=True):
    """One weekly digest for one channel: claimed before posting, so it is posted once."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("channel", "week_start", name="uq_digest_run_week"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=64)
    week_start: date
    status: str = Field(default="claimed", max_length=12)
    attempts: int = Field(default=0)
    claimed_at: datetime
    claimed_by: str = Field(default="", max_length=120)
    posted_at: datetime | None = Field(default=None)
    message_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=300)


class ProcessedRequest(SQLModel, table=True):
    """An inbound Slack delivery already handled (event id, action id), so a retry is a no-op."""

    __tablename__ = "processed_request"

    key: str = Field(primary_key=True, max_length=200)
    at: datetime = Field(index=True)


class JudgeVerdict(SQLModel, table=True):
    """A judge's checked verdict on one masked text, kept so the same text under the same
    rubric and model is never paid for twice (``bot.judge``)."""

    __tablename__ = "judge_verdict"
    __table_args__ = (UniqueConstraint("content_hash", "rubric_version", "model"),)

    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64)  # sha256 of exactly the text sent
    rubric_version: str = Field(max_length=20)
    model: str = Field(max_length=200)
    verdict: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    input_tokens: int = Field(default=0)
    output_tokens: int = Field(default=0)
    created_at: datetime


class ModelUsage(SQLModel, table=True):
    """Requests and tokens spent on one model connection (``judge`` or ``target``) in one UTC
    day, against the daily budget; ``paused_at`` is when the triage channel was told it ran out."""

    __tablename__ = "model_usage"

    day: date = Field(primary_key=True)
    purpose: str = Field(primary_key=True, max_length=12)
    requests: int = Field(default=0)
    tokens: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    paused_at: datetime | None = Field(default=None)


class ReproductionRun(SQLModel, table=True):
    """One request to send an incident's prompt to a target model ``requested`` times."""

    __tablename__ = "reproduction_run"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    model: str = Field(max_length=200)
    requested: int
    requested_by: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=12)  # pending | running | done | failed
    reproduced: int = Field(default=0)  # outputs with at least one of the incident's categories
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime
    finished_at: datetime | None = Field(default=None)


class ReproductionOutput(SQLModel, table=True):
    """One output of a reproduction run: a child evidence item with its own checks."""

    __tablename__ = "reproduction_output"
    __table_args__ = (UniqueConstraint("run_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="reproduction_run.id", index=True, ondelete="CASCADE")
    position: int  # 1..requested
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    error: str | None = Field(default=None, max_length=300)
    categories: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    severity: str = Field(default="none", max_length=10)
    actuality: str = Field(default="none", max_length=12)
    checks: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    judge: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    input_tokens: int = Field(default=0)
    output_tokens: int = Field(default=0)
    created_at: datetime
