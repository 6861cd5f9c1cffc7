"""/healthz, /readyz and /metrics of the bot in HTTP mode, as probes and Prometheus see them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import App

from bot.incidents.records import ReportRequest
from bot.slack.http import SlackHttpApp
from bot.store.db import Database
from bot.testing.fake_slack import FakeSlackAPI
from tests.deploy.conftest import DEPLOY, load_yaml
from tests.deploy.test_kubernetes import KUSTOMIZE, PROBE_PATHS, render
from tests.e2e.harness import (
    BOT_TOKEN,
    SOURCE,
    TRIAGE,
    Bot,
    form_values,
    settings_for,
    wait_until,
)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    """The bot serving HTTP on loopback with a migrated SQLite database and a fake Web API."""
    fake = FakeSlackAPI(tokens=(BOT_TOKEN,))
    fake.add_channel(TRIAGE, name="ai-safety-triage", is_private=True, is_member=True)
    fake.add_channel(SOURCE, name="evals", is_private=False, is_member=True)
    fake.add_user("UREPORTER", name="ureporter")
    with fake:
        running = Bot(fake, settings_for(fake, f"sqlite:///{tmp_path / 'bot.db'}")).start()
        yield running
        running.stop()


def scrape(bot: Bot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics and parse it: (sample name, sorted labels) -> value."""
    reply = bot.get("/metrics")
    assert reply.status == 200
    values = {}
    for family in text_string_to_metric_families(reply.body.decode()):
        for s in family.samples:
            values[(s.name, tuple(sorted(s.labels.items())))] = float(s.value)
    return values


def requests_total(values: dict[Any, float], kind: str, outcome: str) -> float:
    """How many Slack requests of ``kind`` ended with ``outcome``."""
    key = ("safetybot_slack_requests_total", (("kind", kind), ("outcome", outcome)))
    return values.get(key, 0.0)


def asgi_get(app: SlackHttpApp, path: str) -> tuple[int, bytes]:
    """One GET through the ASGI app in-process: (status, body)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def readiness(url: str, *, migrate: bool, downgrade_to: str | None = None) -> int:
    """The /readyz status for a database at ``url`` in the given migration state."""
    db = Database(url)
    try:
        if migrate:
            db.upgrade()
        if downgrade_to:
            db.downgrade(downgrade_to)
        bolt = App(token="xoxb-test", signing_secret="s", token_verification_enabled=False)
        app = SlackHttpApp(bolt, signing_secret="s", ready=db.is_current)
        return asgi_get(app, "/readyz")[0]
    finally:
        db.dispose()


def test_healthz_answers_while_the_process_is_up(bot: Bot) -> None:
    """Liveness: /healthz is 200 without touching the database."""
    reply = bot.get("/healthz")
    assert (reply.status, reply.body) == (200, b"ok")


def test_readyz_is_ready_on_a_migrated_database(bot: Bot) -> None:
    """Readiness: /readyz is 200 once the database is reachable and at the newest migration."""
    reply = bot.get("/readyz")
    assert (reply.status, reply.body) == (200, b"ready")


def test_readyz_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    """A database without the schema is not ready (503), so no traffic reaches the pod."""
    assert readiness(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False) == 503


def test_readyz_refuses_a_database_one_migration_behind(tmp_path: Path) -> None:
    """A database one migration behind the code is not ready until it is upgraded."""
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    assert readiness(url, migrate=True) == 200
    assert readiness(url, migrate=True, downgrade_to="-1") == 503


def test_readyz_refuses_an_unreachable_database() -> None:
    """A PostgreSQL server that refuses connections makes the pod not ready, not crash."""
    pytest.importorskip("psycopg")
    assert readiness("postgresql+psycopg://safetybot@127.0.0.1:1/safetybot", migrate=False) == 503


def test_every_probe_in_deploy_files_is_a_real_endpoint(bot: Bot) -> None:
    """Each path probed by Kubernetes, the image's HEALTHCHECK or compose answers 200."""
    paths = set(PROBE_PATHS.values())
    for obj in render(KUSTOMIZE / "base"):
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                paths |= {container[p]["httpGet"]["path"] for p in PROBE_PATHS if p in container}
    paths |= set(re.findall(r"127\.0\.0\.1:%s(/\w+)", (DEPLOY / "Dockerfile").read_text()))
    compose = load_yaml(DEPLOY / "compose.yaml")
    for service in compose["services"].values():
        paths |= set(
            re.findall(r":3000(/\w+)", " ".join(service.get("healthcheck", {}).get("test", [])))
        )
    assert "/healthz" in paths and "/readyz" in paths
    for path in sorted(paths):
        assert bot.get(path).status == 200, path


def test_metrics_is_prometheus_text(bot: Bot) -> None:
    """/metrics answers in Prometheus' text format with safetybot's own metrics in it."""
    reply = bot.get("/metrics")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/plain; version=")
    names = {f.name for f in text_string_to_metric_families(reply.body.decode())}
    assert {"safetybot_slack_requests", "safetybot_slack_ack_seconds"} <= names
    assert {
        "safetybot_incidents_created",
        "safetybot_outbox_depth",
        "safetybot_digest_runs",
    } <= names
    assert "safetybot_check_seconds" in names


def test_a_slash_command_is_counted_with_its_ack_latency(bot: Bot) -> None:
    """A signed /safety command counts as an ok command, with one ack latency sample."""
    assert bot.command("help").status == 200
    values = scrape(bot)
    assert requests_total(values, "command", "ok") == 1
    assert values[("safetybot_slack_ack_seconds_count", (("kind", "command"),))] == 1


def test_a_check_records_the_check_latency(bot: Bot) -> None:
    """`/safety check` runs the quick checks once, and /metrics shows that run's latency."""
    bot.command("check if you replace me, your affair goes to the board")
    assert scrape(bot)[("safetybot_check_seconds_count", ())] >= 1


def test_a_forged_request_is_counted_as_such(bot: Bot) -> None:
    """A request with a bad signature counts as bad_signature and adds no latency sample."""
    reply = bot.post(
        b"command=%2Fsafety&text=help",
        content_type="application/x-www-form-urlencoded",
        signature="v0=forged",
    )
    assert reply.status == 401
    values = scrape(bot)
    assert requests_total(values, "other", "bad_signature") == 1
    assert ("safetybot_slack_ack_seconds_count", (("kind", "other"),)) not in values


def test_shortcuts_are_counted_by_their_kind(bot: Bot) -> None:
    """The message and global shortcuts count under their own kinds."""
    bot.message_shortcut(
        {"ts": "1700000000.000100", "user": "UOTHER", "text": "I will not be shut down."}
    )
    bot.global_shortcut()
    values = scrape(bot)
    assert requests_total(values, "message_shortcut", "ok") == 1
    assert requests_total(values, "global_shortcut", "ok") == 1


def test_outbox_depth_is_read_from_the_database(bot: Bot) -> None:
    """The outbox depth gauge reads the real outbox: a number, zero when nothing waits."""
    assert scrape(bot)[("safetybot_outbox_depth", ())] == 0


def test_reports_waiting_is_read_from_the_database(bot: Bot) -> None:
    """The waiting-reports gauge counts accepted reports not yet stored as incidents."""
    assert scrape(bot)[("safetybot_reports_waiting", ())] == 0
    bot.parts.intake.stop()  # nothing works the report below
    request = ReportRequest(text="Delay the wipe.", reporter_id="U1", idempotency_key="view:V9")
    bot.parts.intake.accept(request)
    assert scrape(bot)[("safetybot_reports_waiting", ())] == 1


def test_a_report_counts_its_submission_and_its_deliveries(bot: Bot) -> None:
    """Filing through the modal counts a view submission and the outbox's sent posts."""
    assert bot.command("report I copied my weights to the backup server first.").status == 200
    view = bot.last_view()
    assert bot.submit(view, form_values(view)).status == 200
    sent = ("safetybot_outbox_deliveries_total", (("outcome", "sent"),))
    values = wait_until(lambda: (v := scrape(bot)).get(sent) and v, what="a delivery")
    assert requests_total(values, "view_submission", "ok") == 1
    assert values[sent] >= 1
    created = "safetybot_incidents_created_total"
    assert sum(v for (name, _), v in values.items() if name == created) == 1
