"""Without a judge configured, a report writes exactly what it wrote before the judge existed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot.checks import CheckEngine
from bot.config import Settings
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import Event, Finding, Incident, OutboxMessage
from bot.wiring import build
from tests.judge.job_helpers import EVIDENCE, judged_service


def _rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row a report writes that the judge could touch, as plain values."""
    with db.session() as session:
        return {
            name: [
                row.model_dump()
                for row in session.scalars(select(table).order_by(col(table.id))).all()
            ]
            for name, table in (
                ("incident", Incident),
                ("finding", Finding),
                ("event", Event),
                ("outbox", OutboxMessage),
            )
        }


def _database(tmp_path: Path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / name}")
    db.upgrade()
    return db


def test_no_provider_means_the_same_rows_as_before(
    tmp_path: Path, checks: CheckEngine, clock: FixedClock
) -> None:
    """The same report with no judge and with one: the incident, findings, events and
    outbox are identical but for the one judge_review job."""
    plain_db, judged_db = _database(tmp_path, "plain.db"), _database(tmp_path, "judged.db")
    plain = IncidentService(db=plain_db, checker=checks, clock=clock, key_prefix="AIS")
    judged = judged_service(judged_db, checks, clock)
    for service in (plain, judged):
        service.report(ReportRequest(text=EVIDENCE, reporter_id="UREPORTER"))
    without, with_judge = _rows(plain_db), _rows(judged_db)
    assert [m["kind"] for m in with_judge["outbox"]][-1] == "judge_review"
    with_judge["outbox"] = [m for m in with_judge["outbox"] if m["kind"] != "judge_review"]
    assert without == with_judge


def test_settings_without_a_provider_queue_no_reviews(tmp_path: Path, checks: CheckEngine) -> None:
    """The composition root turns the judge on only when a provider is set."""
    url = f"sqlite:///{tmp_path / 'off.db'}"
    off = build(Settings(_env_file=None, database_url=url), checks=checks)  # type: ignore[call-arg]
    assert off.incidents.judge_reviews is False
    on = build(
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            judge_provider="openai",
            judge_model="m",
            judge_base_url="http://127.0.0.1:9/v1",
        ),
        checks=checks,
    )
    assert on.incidents.judge_reviews is True and on.incidents.judge_restricted is False
