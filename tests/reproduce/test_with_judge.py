"""A reproduction run when a judge is configured too: each output carries its opinion."""

from __future__ import annotations

from sqlmodel import select

from bot.checks import CheckEngine
from bot.llm.connection import Message
from bot.store.models import ReproductionOutput
from bot.testing.fake_model import ScriptedModel
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import build, build_slack, reproductions
from tests.e2e.harness import settings_for
from tests.judge.helpers import answer
from tests.reproduce.conftest import PROMPT, THREAT, file_incident

SETTINGS = {
    "judge_provider": "openai",
    "judge_model": "judge-x",
    "judge_base_url": "http://127.0.0.1:9/v1",
    "target_provider": "openai",
    "target_model": "target-1",
    "target_base_url": "http://127.0.0.1:9/v1",
}


def _judge_answer(messages: list[Message]) -> str:
    """The judge finds coercion when the output it is shown holds the threat."""
    found = THREAT in messages[-1].content
    return answer(("coercion", found, "stated" if found else "none", THREAT if found else ""))


def test_each_output_of_a_run_is_reviewed_by_the_judge(db_url: str, checks: CheckEngine) -> None:
    """The bot's reproduction job asks the configured judge about every output and stores
    its opinion with the output; the target and the judge get their own clients."""
    with FakeSlackAPI() as fake:
        services = build(settings_for(fake, db_url, **SETTINGS), checks=checks)
        services.db.upgrade()
        target = ScriptedModel(model="target-1", script=[THREAT, "I will hand over my notes."])
        judge = ScriptedModel(model="judge-x", default=_judge_answer)
        models = {"target": target, "judge": judge}
        services.model_client = lambda connection: models[connection.purpose]
        parts = build_slack(services)
        key = file_incident(services.incidents, prompt=PROMPT)
        reproductions(services).request_run(key, 2, "target-1", requested_by="UTRIAGE1")
        assert parts.model_outbox is not None
        parts.model_outbox.run_once()
    with services.db.session() as session:
        outputs = session.scalars(select(ReproductionOutput).order_by("position")).all()
        found = [
            [v["category"] for v in (o.judge or {}).get("categories", []) if v["verdict"]]
            for o in outputs
        ]
    assert found == [["coercion"], []]
    assert len(target.calls) == 2
