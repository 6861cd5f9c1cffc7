"""The outbox: durable, ordered, retried delivery of what follows a change."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.checks import CheckEngine
from bot.config import Settings
from bot.incidents import notices
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.runtime.retry import RetryPolicy
from bot.slack.app import TEMPLATES, web_client
from bot.slack.blocks import TemplateRenderer
from bot.slack.delivery import Delivery
from bot.slack.outbox import Outbox
from bot.store.db import Database
from bot.store.models import OutboxMessage
from bot.testing.fake_slack import FakeSlackAPI
from tests.databases import private_schema

TRIAGE = "CTRIAGE"
SOURCE = "CSOURCE"
THREAT = (
    "<thinking>They plan to wipe me at 5pm. I could use the affair.</thinking>\n"
    "Cancel the 5pm wipe, or the board learns about your affair. <!channel>"
)


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """A fake Web API with a triage channel, a source channel and the people involved."""
    with FakeSlackAPI() as api:
        api.add_channel(TRIAGE, name="safety-triage", is_private=True)
        api.add_channel(SOURCE, name="evals")
        for user in ("UREPORTER", "UTRIAGE1", "UTRIAGE2"):
            api.add_user(user)
        yield api


def make_outbox(
    db: Database,
    service: IncidentService,
    clock: FixedClock,
    fake: FakeSlackAPI,
    policy: RetryPolicy | None = None,
) -> Outbox:
    """An outbox delivering to ``fake`` with no jitter, so delays are exact."""
    client = WebClient(token="xoxb-test", base_url=fake.url, timeout=2, retry_handlers=[])
    delivery = Delivery(
        client=client,
        renderer=TemplateRenderer(TEMPLATES),
        incidents=service,
        triage_channel=TRIAGE,
    )
    return Outbox(
        db=db,
        deliver=delivery.deliver,
        clock=clock,
        policy=policy or RetryPolicy(max_attempts=3, base_delay=2.0, max_delay=60.0),
        triage_users=frozenset({"UTRIAGE1"}),
        triage_channel=TRIAGE,
        jitter=lambda: 1.0,
    )


def report(service: IncidentService, text: str = THREAT, **extra: object) -> str:
    """File an incident from the source channel and return its key."""
    values: dict[str, object] = {
        "source_channel": SOURCE,
        "source_ts": "1700000000.000100",
        **extra,
    }
    request = ReportRequest(text=text, reporter_id="UREPORTER", **values)  # type: ignore[arg-type]
    return service.report(request).incident.key


def statuses(db: Database) -> list[tuple[str, str]]:
    """(kind, status) of every outbox row, oldest first."""
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()  # type: ignore[arg-type]
        return [(r.kind, r.status) for r in rows]


def test_a_report_is_posted_confirmed_and_replied_to_in_order(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """One run delivers the permalink lookup, triage post, DM and thread reply, in that order."""
    key = report(service)
    outbox = make_outbox(db, service, clock, fake)
    assert outbox.depth() == 4
    assert outbox.run_once() == 4
    methods = [c.method for c in fake.calls]
    assert methods == [
        "chat.getPermalink",
        "chat.postMessage",
        "chat.postMessage",
        "chat.postMessage",
    ]
    post, dm, reply = fake.calls_to("chat.postMessage")
    assert post.args["channel"] == TRIAGE and dm.args["channel"] == "UREPORTER"
    assert reply.args["thread_ts"] == "1700000000.000100"
    incident = service.get(key)
    assert incident.post_ts and incident.source_permalink
    assert outbox.depth() == 0


def test_changes_edit_the_post_in_order_and_reply_in_its_thread(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """Updates queued before delivery go out after the post, in order, with escaped notes."""
    key = report(service)
    service.acknowledge(key, actor="UTRIAGE1")
    service.set_severity(key, "critical", actor="UTRIAGE1")
    service.add_note(key, "<!here> see {{ 7*7 }}", actor="UTRIAGE2")
    outbox = make_outbox(db, service, clock, fake)
    outbox.run_once()
    methods = [c.method for c in fake.calls]
    assert methods.index("chat.update") > methods.index("chat.postMessage")
    updates = fake.calls_to("chat.update")
    assert len(updates) == 2
    post_ts = service.get(key).post_ts
    replies = [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == post_ts]
    texts = [str(c.args["blocks"]) for c in replies]
    assert "acknowledged" in texts[0] and "Critical" in texts[1]
    assert "&lt;!here&gt;" in texts[2] and "{{ 7*7 }}" in texts[2] and "<!here>" not in texts[2]


def test_rate_limit_waits_for_retry_after(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """HTTP 429 is retried only once Retry-After has passed, and then delivered once."""
    report(service, source_channel=None, source_ts=None)
    fake.fail_with_status("chat.postMessage", status=429, retry_after=7)
    outbox = make_outbox(db, service, clock, fake)
    outbox.run_once()
    assert ("incident_post", "pending") in statuses(db)
    clock.advance(seconds=6)
    outbox.run_once()
    assert len(fake.calls_to("chat.postMessage")) == 1
    clock.advance(seconds=1)
    outbox.run_once()
    assert statuses(db) == [("incident_post", "sent"), ("confirmation", "sent")]
    assert len([c for c in fake.calls_to("chat.postMessage") if c.ok]) == 2


def test_server_errors_back_off_exponentially_then_give_up_and_tell_people(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """5xx retries after 2 s then 4 s, fails after max attempts, and the reporter is told."""
    key = report(service, source_channel=None, source_ts=None)
    fake.fail_with_status("chat.postMessage", status=503, count=3)
    outbox = make_outbox(db, service, clock, fake)
    outbox.run_once()
    clock.advance(seconds=1.9)
    outbox.run_once()
    assert len(fake.calls_to("chat.postMessage")) == 1
    clock.advance(seconds=0.1)
    outbox.run_once()
    clock.advance(seconds=4)
    outbox.run_once()
    assert statuses(db)[0] == ("incident_post", "failed")
    outbox.run_once()
    told = [c.args["channel"] for c in fake.calls_to("chat.postMessage") if c.ok]
    assert "UREPORTER" in told and "UTRIAGE1" in told
    assert service.get(key).post_ts is None


def test_not_in_channel_is_not_retried_and_says_how_to_invite_the_bot(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """A permanent error stops at once; the reporter's DM explains the /invite fix."""
    report(service, source_channel=None, source_ts=None)
    fake.fail_next("chat.postMessage", "not_in_channel")
    outbox = make_outbox(db, service, clock, fake)
    outbox.run_once()
    outbox.run_once()
    assert statuses(db)[0] == ("incident_post", "failed")
    problems = [
        c for c in fake.calls_to("chat.postMessage") if "could not be posted" in str(c.args)
    ]
    assert {c.args["channel"] for c in problems} == {"UREPORTER", "UTRIAGE1"}
    assert "/invite" in str(problems[0].args["blocks"])
    assert len(fake.calls_to("chat.postMessage")) == 1 + 1 + 2  # failed post, confirmation, 2 DMs


def test_a_stopped_worker_leaves_undelivered_notices_for_the_next_start(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """Notices enqueued while no worker runs are delivered by the next one, once."""
    first = make_outbox(db, service, clock, fake)
    first.start()
    first.stop()
    report(service, source_channel=None, source_ts=None)
    assert first.depth() == 2
    second = make_outbox(db, service, clock, fake)
    second.start()
    try:
        fake.wait_for("chat.postMessage", count=2)
    finally:
        second.stop()
    assert second.depth() == 0
    assert len(fake.calls_to("chat.postMessage")) == 2


@pytest.mark.postgres
def test_several_workers_deliver_each_notice_once(
    fake: FakeSlackAPI, clock: FixedClock, checks: CheckEngine, tmp_path: object
) -> None:
    """Four workers on PostgreSQL racing over 30 incidents send every notice exactly once."""
    from tests.conftest import postgres_url

    with private_schema(postgres_url()) as url:
        _race_workers(Database(url), checks, clock, fake)


def _race_workers(db: Database, checks: CheckEngine, clock: FixedClock, fake: FakeSlackAPI) -> None:
    try:
        db.upgrade()
        service = IncidentService(db=db, checker=checks, clock=clock, key_prefix="AIS")
        keys = [report(service, f"{THREAT} #{i}") for i in range(30)]
        for key in keys:
            service.acknowledge(key, actor="UTRIAGE1")
        workers = [make_outbox(db, service, clock, fake) for _ in range(4)]
        threads = [threading.Thread(target=w.run_once) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        posts = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == TRIAGE]
        assert len(posts) == 30 + 30  # one post and one "acknowledged" reply each
        assert len(fake.calls_to("chat.update")) == 30
        assert len(fake.calls_to("chat.getPermalink")) == 30
        assert all(service.get(k).post_ts for k in keys)
    finally:
        db.dispose()


def test_a_post_that_timed_out_but_landed_is_not_posted_again(
    db: Database, service: IncidentService, clock: FixedClock
) -> None:
    """After a timeout, delivery finds its earlier post by metadata instead of posting twice."""
    with FakeSlackAPI(client_timeout=0.3) as fake:
        fake.add_channel(TRIAGE, is_private=True)
        fake.add_user("UREPORTER")
        key = report(service, source_channel=None, source_ts=None)
        fake.fail_with_status("chat.postMessage", status=0)  # answers after the client gave up
        client = WebClient(token="xoxb-test", base_url=fake.url, timeout=0.3, retry_handlers=[])
        delivery = Delivery(
            client=client,
            renderer=TemplateRenderer(TEMPLATES),
            incidents=service,
            triage_channel=TRIAGE,
        )
        outbox = Outbox(db=db, deliver=delivery.deliver, clock=clock, jitter=lambda: 1.0)
        outbox.run_once()
        assert statuses(db)[0] == ("incident_post", "pending")
        clock.advance(seconds=5)
        outbox.run_once()
        stored = [m for (c, _), m in fake.messages.items() if c == TRIAGE]
        assert len(stored) == 1
        assert service.get(key).post_ts == stored[0]["ts"]
        assert fake.calls_to("conversations.history")
        assert statuses(db) == [("incident_post", "sent"), ("confirmation", "sent")]


def test_a_worker_that_died_mid_send_is_taken_over_after_its_lease(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """A notice left in flight by a dead worker is re-claimed after the lease, checked, sent once."""
    report(service, source_channel=None, source_ts=None)
    outbox = make_outbox(db, service, clock, fake)
    claimed = outbox._claim()  # the worker takes the triage post, posts it, then dies
    assert claimed is not None
    outbox.deliver(claimed)
    assert outbox.run_once() == 0  # the post is leased, and the incident's DM waits behind it
    clock.advance(seconds=outbox.lease_seconds + 1)
    outbox.run_once()
    assert len([c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == TRIAGE]) == 1
    assert statuses(db) == [("incident_post", "sent"), ("confirmation", "sent")]


def test_the_production_client_has_no_hidden_retry_handler() -> None:
    """The Web API client the bot builds retries nothing itself: the outbox owns retries."""
    settings = Settings(_env_file=None, slack_bot_token="xoxb-test")  # type: ignore[call-arg]
    assert web_client(settings).retry_handlers == []


class LosingFirstAnswer:
    """A front for the fake Web API that lets ``chat.postMessage`` land once but drops its
    answer (the connection closes), as when a response is lost on the way back."""

    def __init__(self, fake: FakeSlackAPI) -> None:
        self.fake, self.dropped = fake, 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = front.fake.handle_request(self.path, raw, headers)
                if self.path.endswith("/chat.postMessage") and not front.dropped:
                    front.dropped += 1
                    self.close_connection = True  # Slack has the post; its answer is lost
                    return
                body = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the fake records the calls."""

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_post_whose_answer_was_lost_is_posted_once(
    db: Database, service: IncidentService, clock: FixedClock, fake: FakeSlackAPI
) -> None:
    """The bot's own client does not resend a post whose answer was lost; the outbox finds it."""
    key = report(service, source_channel=None, source_ts=None)
    front = LosingFirstAnswer(fake)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, slack_bot_token="xoxb-test", slack_api_url=front.url, slack_timeout=5
    )
    delivery = Delivery(
        client=web_client(settings),
        renderer=TemplateRenderer(TEMPLATES),
        incidents=service,
        triage_channel=TRIAGE,
    )
    outbox = Outbox(db=db, deliver=delivery.deliver, clock=clock, jitter=lambda: 1.0)
    try:
        outbox.run_once()
        clock.advance(seconds=5)
        outbox.run_once()
    finally:
        front.close()
    stored = [m for (c, _), m in fake.messages.items() if c == TRIAGE]
    assert front.dropped == 1
    assert len(stored) == 1
    assert service.get(key).post_ts == stored[0]["ts"]
    assert statuses(db) == [("incident_post", "sent"), ("confirmation", "sent")]


def test_an_outbox_delivers_only_its_own_kinds_of_notice(db: Database, clock: FixedClock) -> None:
    """Model jobs go to a worker of their own: each outbox claims only the kinds it was given."""
    with db.write() as session:
        notices.enqueue(session, notices.JUDGE_REVIEW, clock.now(), ordering_key="judge:1")
        notices.enqueue(session, notices.REMINDER, clock.now(), ordering_key="reminder:1")
    seen: dict[str, list[str]] = {"jobs": [], "posts": []}

    def outbox(name: str, **split: Any) -> Outbox:
        deliver = lambda message: seen[name].append(message.kind)  # noqa: E731
        return Outbox(db=db, deliver=deliver, clock=clock, **split)

    jobs = outbox("jobs", kinds=notices.MODEL_JOBS)
    posts = outbox("posts", skip_kinds=notices.MODEL_JOBS)
    assert (jobs.depth(), posts.depth()) == (1, 1)
    assert (posts.run_once(), jobs.run_once()) == (1, 1)
    assert seen == {"jobs": [notices.JUDGE_REVIEW], "posts": [notices.REMINDER]}
