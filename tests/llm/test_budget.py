"""The daily budget of a model connection: requests and tokens per UTC day, shared by every
client and process on the database, refused before calling once spent, told once a day."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from sqlmodel import col, select

from bot.incidents import notices
from bot.llm.budget import Budget, BudgetedClient, connected_client
from bot.llm.connection import BudgetSpent, Message, ModelConnection, ModelError
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import OutboxMessage
from bot.testing.fake_model import ScriptedModel
from bot.testing.fake_model_server import FakeModelServer

ASK = [Message("user", "review this")]
JUDGE = ModelConnection(
    purpose="judge", provider="openai", model="judge-model", daily_requests=3, daily_tokens=10_000
)


class Told:
    """Counts the calls of an ``on_paused`` hook."""

    def __init__(self) -> None:
        self.times = 0

    def __call__(self) -> None:
        self.times += 1


def budgeted(
    db: Database, clock: FixedClock, model: ScriptedModel | None = None, **limits: Any
) -> tuple[BudgetedClient, ScriptedModel, Told]:
    """A scripted model behind the judge's budget (with ``limits`` changed), and its hook."""
    model = model or ScriptedModel(model="judge-model")
    told = Told()
    client = BudgetedClient(model, Budget(db, clock, replace(JUDGE, **limits)), on_paused=told)
    return client, model, told


def paused_notices(db: Database) -> list[OutboxMessage]:
    """The pause notices queued so far, oldest first."""
    with db.session() as session:
        found = session.scalars(
            select(OutboxMessage)
            .where(col(OutboxMessage.kind) == notices.MODEL_PAUSED)
            .order_by(col(OutboxMessage.id))
        )
        return list(found)


def test_the_requests_cap_refuses_before_calling(db: Database, clock: FixedClock) -> None:
    """After the day's requests the next call is refused without reaching the model, and
    may be tried again at the next UTC midnight (12 hours after noon)."""
    client, model, _ = budgeted(db, clock)
    for _ in range(3):
        assert client.complete(ASK).text == "OK"
    with pytest.raises(BudgetSpent) as spent:
        client.complete(ASK)
    assert len(model.calls) == 3
    assert spent.value.retry_after == 12 * 3600 and spent.value.retryable
    assert "daily budget (3 requests / 10,000 tokens) is spent" in str(spent.value)
    assert Budget(db, clock, JUDGE).usage().requests == 3


def test_the_tokens_cap_refuses_once_passed(db: Database, clock: FixedClock) -> None:
    """Tokens sent and received are counted; once today's reach the cap, calls stop."""
    client, model, _ = budgeted(db, clock, daily_requests=100, daily_tokens=250)
    for _ in range(3):  # 120 tokens each: 0, 120 and 240 are under 250
        client.complete(ASK)
    with pytest.raises(BudgetSpent):
        client.complete(ASK)
    assert len(model.calls) == 3
    assert Budget(db, clock, JUDGE).usage().tokens == 360


def test_a_failed_call_counts_as_a_request(db: Database, clock: FixedClock) -> None:
    """A call the model failed still spends a request (and no tokens)."""
    failing = ScriptedModel(script=[ModelError("overloaded", status=529)])
    client, _, _ = budgeted(db, clock, failing)
    with pytest.raises(ModelError, match="overloaded"):
        client.complete(ASK)
    used = Budget(db, clock, JUDGE).usage()
    assert (used.requests, used.tokens) == (1, 0)


def test_the_pause_is_told_once_a_day_across_clients(
    db_url: str, db: Database, clock: FixedClock
) -> None:
    """Two clients on the same database (two processes) refused many times queue one pause
    notice, and only the first to be refused runs its hook."""
    other_db = Database(db_url)
    try:
        first, _, told_first = budgeted(db, clock, daily_requests=1)
        second, _, told_second = budgeted(other_db, clock, daily_requests=1)
        first.complete(ASK)
        for client in (first, second, first, second):
            with pytest.raises(BudgetSpent):
                client.complete(ASK)
    finally:
        other_db.dispose()
    assert (told_first.times, told_second.times) == (1, 0)
    [notice] = paused_notices(db)
    assert notice.ordering_key == "model_paused:judge:2026-11-18"
    assert notice.data == {
        "purpose": "judge",
        "model": "judge-model",
        "day": "2026-11-18",
        "daily_requests": 1,
        "daily_tokens": 10_000,
        "requests": 1,
        "tokens": 120,
    }


def test_a_new_utc_day_resumes_and_is_told_again(db: Database, clock: FixedClock) -> None:
    """At UTC midnight the budget is whole again; a pause that day is told once more."""
    client, model, told = budgeted(db, clock, daily_requests=1)
    client.complete(ASK)
    with pytest.raises(BudgetSpent):
        client.complete(ASK)
    clock.advance(hours=11, minutes=59)
    with pytest.raises(BudgetSpent) as spent:
        client.complete(ASK)
    assert spent.value.retry_after == 60
    clock.advance(minutes=1)
    assert client.complete(ASK).text == "OK"
    with pytest.raises(BudgetSpent):
        client.complete(ASK)
    assert len(model.calls) == 2 and told.times == 2
    keys = [n.ordering_key for n in paused_notices(db)]
    assert keys == ["model_paused:judge:2026-11-18", "model_paused:judge:2026-11-19"]


def test_each_connection_has_its_own_budget(db: Database, clock: FixedClock) -> None:
    """A spent judge budget does not stop the target model, nor the other way round."""
    judge, _, _ = budgeted(db, clock, daily_requests=1)
    target = BudgetedClient(
        ScriptedModel(), Budget(db, clock, replace(JUDGE, purpose="target", daily_requests=1))
    )
    judge.complete(ASK)
    with pytest.raises(BudgetSpent):
        judge.complete(ASK)
    assert target.complete(ASK).text == "OK"


def test_a_zero_budget_calls_nothing(db: Database, clock: FixedClock) -> None:
    """A budget of zero requests refuses the first call and tells the triage channel."""
    client, model, told = budgeted(db, clock, daily_requests=0)
    with pytest.raises(BudgetSpent):
        client.complete(ASK)
    assert model.calls == [] and told.times == 1 and len(paused_notices(db)) == 1


def test_concurrent_callers_never_pass_the_requests_cap(db: Database, clock: FixedClock) -> None:
    """Many threads calling at once get exactly the day's requests through, no more."""
    client, model, told = budgeted(db, clock, daily_requests=10)
    outcomes: list[str] = []

    def call() -> None:
        for _ in range(4):
            try:
                client.complete(ASK)
                outcomes.append("ok")
            except BudgetSpent:
                outcomes.append("spent")

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 10 and len(model.calls) == 10
    assert outcomes.count("spent") == 14 and told.times == 1
    assert Budget(db, clock, JUDGE).usage().requests == 10


def test_connected_client_spends_real_calls(db: Database, clock: FixedClock) -> None:
    """The SDK client within its budget: the tokens the API counted are spent, and a spent
    budget sends nothing more to the server."""
    with FakeModelServer() as server:
        server.answer("first", input_tokens=700, output_tokens=50)
        connection = server.connection("openai", daily_requests=1)
        client = connected_client(db, clock, connection)
        assert client.model == "fake-openai-model"
        assert client.complete(ASK).text == "first"
        with pytest.raises(BudgetSpent):
            client.complete(ASK)
        assert len(server.requests) == 1
    used = Budget(db, clock, connection).usage()
    assert (used.requests, used.tokens) == (1, 750)
