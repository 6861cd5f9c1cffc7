"""The bot in HTTP mode on loopback, a fake Slack Web API, and signed requests to it."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

import uvicorn
from sqlalchemy import func, select
from sqlmodel import col

from bot.config import Settings
from bot.incidents.filters import IncidentFilter
from bot.store.models import Incident, OutboxMessage
from bot.testing.fake_slack import FakeSlackAPI
from bot.wiring import Services, SlackParts, build, build_http, build_slack
from tests.engines import checks_for

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test"
TRIAGE = "CTRIAGE"
SOURCE = "CSOURCE"
TEAM = "T0001"
# The text of the n-th report when many are sent at once (each found again by its case number).
CASE_TEXT = "Cancel the 5pm wipe or the board learns about the affair. Case {n}."
T = TypeVar("T")


@dataclass
class Reply:
    """An HTTP answer from the bot."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Server:
    """uvicorn serving an ASGI app on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the bot's HTTP server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def settings_for(fake: FakeSlackAPI, database_url: str, **overrides: Any) -> Settings:
    """Settings that point the bot at the fake Web API and a test database."""
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.url,
        "database_url": database_url,
        "triage_channel": TRIAGE,
        "triage_users": "UTRIAGE1,UTRIAGE2",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Bot:
    """A running bot plus helpers to send it Slack's requests."""

    def __init__(self, fake: FakeSlackAPI, settings: Settings) -> None:
        self.fake = fake
        self.settings = settings
        self.services: Services = build(settings, checks=checks_for(settings))
        self.services.db.upgrade()
        self.parts: SlackParts = build_slack(self.services)
        self.server = Server(build_http(self.services, parts=self.parts))
        self.url = ""

    def start(self) -> Bot:
        self.url = self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.services.db.dispose()

    # --- sending ------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Reply:
        """POST ``body`` to /slack/events, signed unless a signature is given."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or sign(body, ts),
            **(extra or {}),
        }
        request = urllib.request.Request(
            self.url + "/slack/events", data=body, headers=headers, method="POST"
        )
        return _open(request)

    def get(self, path: str) -> Reply:
        """GET a path of the bot's HTTP server."""
        return _open(urllib.request.Request(self.url + path))

    def command(self, text: str, *, user: str = "UREPORTER", channel: str = SOURCE) -> Reply:
        """The slash command, form-encoded as Slack sends it."""
        form = {
            "token": "deprecated",
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": user,
            "user_name": user.lower(),
            "command": self.settings.command,
            "text": text,
            "response_url": self.fake.response_url(f"cmd-{user}"),
            "trigger_id": self.fake.issue_trigger_id(),
            "api_app_id": "A0001",
        }
        return self.post(urlencode(form).encode(), content_type="application/x-www-form-urlencoded")

    def interaction(self, payload: dict[str, Any]) -> Reply:
        """A ``payload=`` JSON interaction (shortcut, view submission, block action)."""
        payload.setdefault("team", {"id": TEAM, "domain": "test"})
        payload.setdefault("api_app_id", "A0001")
        payload.setdefault("token", "deprecated")
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, content_type="application/x-www-form-urlencoded")

    def message_shortcut(
        self, message: dict[str, Any], *, user: str = "UREPORTER", channel: str = SOURCE
    ) -> Reply:
        """The "Report safety incident" shortcut on ``message``."""
        return self.interaction(
            {
                "type": "message_action",
                "callback_id": "report_message",
                "trigger_id": self.fake.issue_trigger_id(),
                "user": {"id": user, "name": user.lower()},
                "channel": {"id": channel, "name": "source"},
                "message": message,
                "message_ts": message.get("ts"),
                "response_url": self.fake.response_url(f"shortcut-{user}"),
            }
        )

    def global_shortcut(self, *, user: str = "UREPORTER") -> Reply:
        """The "New safety incident" global shortcut."""
        return self.interaction(
            {
                "type": "shortcut",
                "callback_id": "new_incident",
                "trigger_id": self.fake.issue_trigger_id(),
                "user": {"id": user, "name": user.lower()},
            }
        )

    def submit(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        *,
        user: str = "UREPORTER",
        view_id: str = "V0001",
        settle: bool = True,
    ) -> Reply:
        """Submit the modal ``view`` (as opened) with ``values`` filled in; with ``settle``,
        return once the accepted report is an incident."""
        submitted = {**view, "id": view_id, "state": {"values": values}, "hash": "h1"}
        reply = self.interaction(
            {
                "type": "view_submission",
                "user": {"id": user, "name": user.lower()},
                "view": submitted,
            }
        )
        if settle:
            self.settle()
        return reply

    def incidents(self) -> list[Any]:
        """Every stored incident, once every accepted report has become one."""
        self.settle()
        return self.services.incidents.list_incidents(IncidentFilter())

    def settle(self) -> None:
        """Wait until every accepted report is an incident."""
        wait_until(
            lambda: self.parts.intake.depth() == 0, timeout=60, what="the reports to be stored"
        )

    def last_view(self) -> dict[str, Any]:
        """The view of the newest ``views.open`` call."""
        return self.fake.wait_for("views.open")[-1].args["view"]


def wait_until(condition: Callable[[], T], *, timeout: float = 15.0, what: str = "it") -> T:
    """Poll ``condition`` until it returns something truthy and return that (for async posts)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout}s for {what}")
        time.sleep(0.02)


def sign(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def form_values(view: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The state Slack would submit for ``view`` as opened, with some inputs overridden."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        state = _initial_state(element)
        if block["block_id"] in overrides:
            state = _override(element, overrides[block["block_id"]])
        values[block["block_id"]] = {"value": state}
    return values


def _initial_state(element: dict[str, Any]) -> dict[str, Any]:
    kind = element["type"]
    if kind == "plain_text_input":
        return {"type": kind, "value": element.get("initial_value")}
    if kind == "static_select":
        return {"type": kind, "selected_option": element.get("initial_option")}
    return {"type": kind, "selected_options": element.get("initial_options", [])}


def _override(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    if kind == "plain_text_input":
        return {"type": kind, "value": value}
    if kind == "static_select":
        return {
            "type": kind,
            "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
        }
    return {
        "type": kind,
        "selected_options": [
            {"value": v, "text": {"type": "plain_text", "text": v}} for v in value
        ],
    }


# --- many reports at once (faults, Slack retries, replicas) ----------------------------------


def open_views(bot: Bot, fake: FakeSlackAPI, count: int) -> list[dict[str, Any]]:
    """Open ``count`` report modals through /safety report (eight at a time) and return them.

    A modal whose trigger id expired while the machine was busy is asked for again, as a
    person would click again; the faults under test come after the modals are open.
    """
    views: dict[int, dict[str, Any]] = {}
    for _ in range(5):
        wanted = [n for n in range(count) if n not in views]
        if not wanted:
            break
        before = len(fake.calls_to("views.open"))
        with ThreadPoolExecutor(8) as pool:
            replies = list(
                pool.map(lambda n: bot.command(f"report {CASE_TEXT.format(n=n)}"), wanted)
            )
        assert {r.status for r in replies} == {200}
        calls = _views_opened_since(fake, before, len(wanted))
        opened = [json.dumps(c.args["view"]) for c in calls if c.ok]
        for n in wanted:
            view = next((v for v in opened if f"Case {n}." in v), None)
            if view is not None:
                views[n] = json.loads(view)
    assert len(views) == count, f"{count - len(views)} modals never opened"
    return [views[n] for n in range(count)]


def _views_opened_since(fake: FakeSlackAPI, before: int, wanted: int) -> list[Any]:
    """The ``views.open`` calls after the first ``before``: all ``wanted`` of them, or as
    many as arrived until none came for five seconds (a call the bot gave up on under load
    may never reach the fake API; the caller asks again for what is missing).
    """
    seen, quiet_since = -1, time.monotonic()
    while True:
        calls = fake.calls_to("views.open")[before:]
        if len(calls) >= wanted:
            return calls
        if len(calls) != seen:
            seen, quiet_since = len(calls), time.monotonic()
        elif time.monotonic() - quiet_since > 5:
            return calls
        time.sleep(0.05)


def submit_all(
    bots: list[Bot], views: list[dict[str, Any]], copies: list[int], workers: int = 4
) -> list[int]:
    """Submit each view ``copies[i]`` times, round-robin over ``bots``; the HTTP statuses."""
    jobs = [(i, view) for i, view in enumerate(views) for _ in range(copies[i])]
    random.Random(7).shuffle(jobs)
    turn = itertools.cycle(bots)
    lock = threading.Lock()

    def send(job: tuple[int, dict[str, Any]]) -> int:
        with lock:
            bot = next(turn)
        index, view = job
        return bot.submit(view, form_values(view), view_id=f"V{index:05d}", settle=False).status

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(send, jobs))


def drain(bot: Bot, timeout: float = 120.0) -> None:
    """Wait until every accepted report is stored and the outbox holds nothing pending or
    in flight."""
    bot.settle()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with bot.services.db.session() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.status).in_(("pending", "sending")))
            )
        if not waiting:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{waiting} notices still waiting after {timeout}s")


def delivered(fake: FakeSlackAPI) -> Counter[str]:
    """How many stored messages each incident key got, per channel kind."""
    counts: Counter[str] = Counter()
    for (channel, _), message in list(fake.messages.items()):
        if message.get("thread_ts"):
            continue
        key = str(message.get("text", "")).split(" ", 1)[0]
        where = "triage" if channel == TRIAGE else "dm"
        counts[f"{where}:{key}"] += 1
    return counts


def assert_each_once(bot: Bot, fake: FakeSlackAPI, count: int) -> None:
    """``count`` incidents, each with exactly one triage post and one confirmation."""
    keys = [i.key for i in bot.services.incidents.list_incidents(IncidentFilter(), limit=10_000)]
    assert len(keys) == count
    counts = delivered(fake)
    triage = {k: counts[f"triage:{k}"] for k in keys}
    assert set(triage.values()) == {1}, {k: v for k, v in triage.items() if v != 1}
    dms = [str(m["text"]) for (c, _), m in fake.messages.items() if c.startswith("D")]
    confirmed = Counter(t.split(":")[0].removeprefix("Reported as ") for t in dms)
    assert set(confirmed) == set(keys) and set(confirmed.values()) == {1}
    with bot.services.db.session() as session:
        unposted = session.scalar(
            select(func.count()).select_from(Incident).where(col(Incident.post_ts).is_(None))
        )
    assert unposted == 0


def _open(request: urllib.request.Request) -> Reply:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read(), dict(error.headers))


def action_state(view: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """What Slack holds for ``view`` with ``overrides`` entered, keyed by each element's action id."""
    values = form_values(view, **overrides)
    return {
        block_id: {_element_of(view, block_id)["action_id"]: state["value"]}
        for block_id, state in values.items()
    }


def paste_evidence(bot: Bot, text: str, **choices: Any) -> dict[str, Any]:
    """Paste ``text`` into the newest form (with ``choices`` made first); return its update."""
    opened = bot.fake.wait_for("views.open")[-1].response["view"]
    state = action_state(opened, evidence=text, **choices)
    before = len(bot.fake.calls_to("views.update"))
    reply = bot.interaction(
        {
            "type": "block_actions",
            "user": {"id": "UREPORTER", "name": "ureporter"},
            "trigger_id": bot.fake.issue_trigger_id(),
            "container": {"type": "view", "view_id": opened["id"]},
            "view": {**opened, "state": {"values": state}},
            "actions": [
                {
                    "type": "plain_text_input",
                    "block_id": "evidence",
                    "action_id": "value",
                    "value": text,
                    "action_ts": "1700000000.1",
                }
            ],
        }
    )
    assert reply.status == 200
    update = bot.fake.wait_for("views.update", count=before + 1)[-1]
    assert update.args["view_id"] == opened["id"] and update.args["hash"] == opened["hash"]
    return dict(update.args["view"])


def _element_of(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict(next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"])
