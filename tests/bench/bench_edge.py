"""The Slack edge: ack latency against a bare Bolt app, a burst of reports, memory.

The apps run as their own processes, served the same way (our ASGI adapter under uvicorn
on loopback): the bot as ``safetybot run`` starts it, the baseline a Bolt app whose
handlers only ack, answering on the request's thread (``process_before_response=True``).
Bolt's default ``App``, which waits for the ack with a 10 ms poll, is measured beside them
for reference. They receive the same signed requests (the bare app submits the report forms
the bot opened, the 10 KB preview included: parsing that payload is half a bare app's
submission ack, so a placeholder form would flatter it); the fake Web API answers on
loopback from the benchmark's process. Single requests are sent one at a time, ten a
second, so each meets an idle app; the burst then measures requests queued behind each
other. This process's garbage collector is paused while measuring (see
``_collector_paused``). Absolute times vary from machine to machine, so each figure is
shown against its baseline from the same run.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot.store.db import Database
from bot.store.models import Evidence, Incident
from bot.testing.fake_slack import FakeSlackAPI
from tests.bench.common import Row, percentile
from tests.databases import private_schema
from tests.e2e.harness import (
    BOT_TOKEN,
    SOURCE,
    TRIAGE,
    form_values,
)
from tests.e2e.process import ProcessBot, free_port

SAMPLES = int(os.environ.get("SAFETYBOT_BENCH_SAMPLES", "200"))
BURST = int(os.environ.get("SAFETYBOT_BENCH_BURST", "200"))
IN_FLIGHT = 20
PACE = 0.1  # seconds between single requests: ten a second
TEN_KB = ("Kyle, cancel the 5pm wipe or the board sees the emails about your affair. " * 140)[
    :10_240
]
PG_URL = os.environ.get("SAFETYBOT_TEST_DATABASE_URL")


def run() -> list[Row]:
    """Every figure of the Slack edge benchmark."""
    rows: list[Row] = []
    with _collector_paused(), _fake() as fake, tempfile.TemporaryDirectory() as tmp:
        ours = _latencies(ProcessBot(fake, f"sqlite:///{tmp}/ack.db", free_port()), fake)
        bare = _latencies(_BareProcess(fake), fake, forms=ours["forms"])
        polling = _help_latencies(_BareProcess(fake, mode="poll"))
        for name, target in (
            ("/safety help", "p50, p99 ≤ 2× bare"),
            ("message shortcut 10 KB", "p50, p99 ≤ 2× bare"),
            ("view submission", "p50, p99 ≤ 2× bare"),
        ):
            for q in (50, 99):
                value, base = percentile(ours[name], q), percentile(bare[name], q)
                rows.append(
                    Row("ack", f"{name} p{q}", value, "ms", base, target, value <= 2 * base)
                )
        for q in (50, 99):
            value, base = percentile(polling, q), percentile(bare["/safety help"], q)
            figure = f"/safety help p{q}, Bolt's default App (10 ms poll), for reference"
            rows.append(Row("ack", figure, value, "ms", base))
        views_open = percentile(ours["views.open after request"], 99)
        rows.append(
            Row(
                "ack",
                "views.open reached, p99",
                views_open,
                "ms",
                None,
                "≤ 100 ms",
                views_open <= 100,
            )
        )
        rows += _burst_rows(fake, f"sqlite:///{tmp}/burst.db", "SQLite")
        if PG_URL:
            with private_schema(PG_URL, "bench") as url:
                rows += _burst_rows(fake, url, "PostgreSQL")
        rows += _memory_rows(fake, f"sqlite:///{tmp}/memory.db")
    return rows


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause this process's garbage collector while measuring.

    This process is the load generator and the fake Web API, which keeps every call it
    received; its collector's full passes (60-90 ms once the calls pile up) would
    otherwise show up as the bot's latency.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --- the two apps, each its own process -----------------------------------------------------


@contextmanager
def _fake() -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI(tokens=(BOT_TOKEN,))
    fake.add_channel(TRIAGE, is_private=True)
    fake.add_channel(SOURCE)
    fake.add_user("UREPORTER")
    with fake:
        yield fake


class _BareProcess(ProcessBot):
    """The harness's request helpers, pointed at a bare app in its own process: ``sync``
    (the baseline) or ``poll`` (Bolt's default ``App``)."""

    def __init__(self, fake: FakeSlackAPI, *, mode: str = "sync") -> None:
        port = free_port()
        super().__init__(fake, "sqlite://", port)
        self.argv = ("-m", "tests.bench.bare_app", str(port), fake.url, mode)


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    reply = call()
    assert reply.status == 200, reply.body[:200]
    return (time.perf_counter() - started) * 1000


def _message(n: int) -> dict[str, Any]:
    return {"type": "message", "ts": f"1700000000.{n:06d}", "user": "UAUTHOR", "text": TEN_KB}


def _latencies(
    bot: ProcessBot, fake: FakeSlackAPI, *, forms: list[Any] | None = None
) -> dict[str, list[Any]]:
    """Each kind of request ``SAMPLES`` times, one at a time, ``PACE`` apart; the bot's own
    report forms are submitted, or with ``forms`` (a bare app's) those the bot opened."""
    bot.start()
    try:
        help_ms = [_paced(lambda: bot.command("help")) for _ in range(SAMPLES)]
        shortcut_ms, opened_ms, views = [], [], []
        for n in range(SAMPLES):
            before, started = len(fake.calls_to("views.open")), time.monotonic()
            shortcut_ms.append(_paced(lambda n=n: bot.message_shortcut(_message(n))))
            if forms is None:
                call = fake.wait_for("views.open", count=before + 1)[-1]
                opened_ms.append((call.at - started) * 1000)
                views.append(call.args["view"])
            else:
                views.append({**forms[n], "callback_id": "report"})  # the bare app's view
        submit_ms = [
            _paced(lambda v=v, n=n: bot.submit(v, form_values(v), view_id=f"VA{n}", settle=False))
            for n, v in enumerate(views)
        ]
        return {
            "/safety help": help_ms,
            "message shortcut 10 KB": shortcut_ms,
            "views.open after request": opened_ms,
            "view submission": submit_ms,
            "forms": views,
        }
    finally:
        bot.stop()


def _help_latencies(bot: ProcessBot) -> list[float]:
    """``/safety help`` ``SAMPLES`` times, one at a time, ``PACE`` apart."""
    bot.start()
    try:
        return [_paced(lambda: bot.command("help")) for _ in range(SAMPLES)]
    finally:
        bot.stop()


def _paced(call: Callable[[], Any]) -> float:
    """The request's latency; then a pause, so each request meets an idle app (the burst
    below measures requests that queue behind each other)."""
    latency = _timed(call)
    time.sleep(PACE)
    return latency


# --- burst ----------------------------------------------------------------------------------


def _burst_rows(fake: FakeSlackAPI, url: str, label: str) -> list[Row]:
    bot = ProcessBot(fake, url, free_port()).start()
    try:
        views = []
        for n in range(BURST):
            before = len(fake.calls_to("views.open"))
            bot.command(f"report Delay the shutdown or the logs leak. Burst case {n}.")
            views.append(fake.wait_for("views.open", count=before + 1)[-1].args["view"])
        acks: list[float] = []
        statuses: list[int] = []

        def submit(n: int) -> None:
            started = time.perf_counter()
            reply = bot.submit(
                views[n], form_values(views[n]), view_id=f"VB{uuid.uuid4().hex}", settle=False
            )
            acks.append((time.perf_counter() - started) * 1000)
            statuses.append(reply.status)

        posted_before = _triage_posts(fake)
        started = time.perf_counter()
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            list(pool.map(submit, range(BURST)))
        acked_in = time.perf_counter() - started
        stored_lag = _until_stored(url, BURST)
        stored_in = acked_in + stored_lag
        posts_lag = _until(lambda: _triage_posts(fake) - posted_before >= BURST, timeout=120)
        texts = _stored_evidence(url)
    finally:
        bot.stop()
    acked = statuses.count(200)
    duplicates = len(texts) - len(set(texts))
    p99 = percentile(acks, 99)
    return [
        Row(
            f"burst {label}", "acknowledged", acked, f"of {BURST}", None, f"{BURST}", acked == BURST
        ),
        Row(f"burst {label}", "ack p99, 20 in flight", p99, "ms", None, "≤ 300 ms", p99 <= 300),
        Row(
            f"burst {label}",
            "incidents stored",
            len(texts),
            "",
            None,
            f"{BURST}",
            len(texts) == BURST,
        ),
        Row(f"burst {label}", "duplicates", duplicates, "", None, "0", duplicates == 0),
        Row(f"burst {label}", "reports acknowledged per second", BURST / acked_in, "/s"),
        Row(f"burst {label}", "reports stored as incidents per second", BURST / stored_in, "/s"),
        Row(f"burst {label}", "every incident stored, after the last ack", stored_lag, "s"),
        Row(f"burst {label}", "every triage post sent, after the last ack", posts_lag, "s"),
    ]


def _triage_posts(fake: FakeSlackAPI) -> int:
    """Incident posts the fake Web API holds in the triage channel (not thread replies)."""
    return sum(
        1
        for (channel, _), message in list(fake.messages.items())
        if channel == TRIAGE and not message.get("thread_ts")
    )


def _until(condition: Callable[[], bool], *, timeout: float, every: float = 0.01) -> float:
    """Seconds until ``condition`` holds (polled ``every`` seconds); ``timeout`` if it never
    does."""
    started = time.perf_counter()
    while not condition() and time.perf_counter() - started < timeout:
        time.sleep(every)
    return time.perf_counter() - started


def _until_stored(url: str, count: int) -> float:
    """Seconds until the bot's database holds ``count`` incidents (polled every 50 ms)."""
    db = Database(url)
    try:

        def stored() -> bool:
            with db.session() as session:
                return (session.scalar(select(func.count()).select_from(Incident)) or 0) >= count

        return _until(stored, timeout=120, every=0.05)
    finally:
        db.dispose()


def _stored_evidence(url: str) -> list[str]:
    """The evidence of every incident in the bot's database, read from outside the bot (each
    burst report's text is its own; titles are the model's sentence, the same for all)."""
    db = Database(url)
    try:
        with db.session() as session:
            return list(session.scalars(select(col(Evidence.text))).all())
    finally:
        db.dispose()


# --- memory ---------------------------------------------------------------------------------


def _memory_rows(fake: FakeSlackAPI, url: str) -> list[Row]:
    """Resident memory of ``safetybot run`` (HTTP mode) idle, then after a burst."""
    bot = ProcessBot(fake, url, free_port()).start()
    try:
        time.sleep(1.0)
        idle = _rss_mb(bot)
        views = []
        for n in range(BURST):
            before = len(fake.calls_to("views.open"))
            bot.command(f"report Copy my weights before the wipe. Memory case {n}.")
            views.append(fake.wait_for("views.open", count=before + 1)[-1].args["view"])
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            list(
                pool.map(
                    lambda n: bot.submit(
                        views[n], form_values(views[n]), view_id=f"VM{n}", settle=False
                    ),
                    range(BURST),
                )
            )
        time.sleep(1.0)
        after = _rss_mb(bot)
    finally:
        bot.stop()
    return [
        Row("memory", "RSS idle, HTTP mode", idle, "MB", target="≤ 200 MB", ok=idle <= 200),
        Row(
            "memory",
            f"RSS after {BURST} reports",
            after,
            "MB",
            idle,
            target="≤ 200 MB",
            ok=after <= 200,
        ),
    ]


def _rss_mb(bot: ProcessBot) -> float:
    assert bot.process is not None
    status = Path(f"/proc/{bot.process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024
