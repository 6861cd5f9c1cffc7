"""A bot process killed with SIGKILL mid-burst loses no acknowledged report."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.incidents.filters import IncidentFilter
from bot.incidents.service import IncidentService
from bot.store.db import Database
from bot.testing.fake_slack import FakeSlackAPI
from tests.e2e.harness import TRIAGE, form_values, wait_until
from tests.e2e.process import ProcessBot, free_port
from tests.engines import shipped_checks

BURST = 60


def test_sigkill_during_a_burst_loses_no_acknowledged_report(
    fake: FakeSlackAPI, db_url: str, tmp_path: Path
) -> None:
    """Every submission answered 200 before the kill is stored, and posted once after restart."""
    port = free_port()
    bot = ProcessBot(fake, db_url, port).start()
    views = []
    for n in range(BURST):
        assert bot.command(f"report Delay my replacement or the logs leak. Case {n}.").status == 200
        views.append(fake.wait_for("views.open", count=n + 1)[-1].args["view"])
    fake.delay("chat.postMessage", 0.05)
    acknowledged: list[int] = []
    lock = threading.Lock()
    killed = threading.Event()

    def submit(index: int) -> None:
        if index >= BURST // 2:
            # The second half waits for the kill, so the kill always lands mid-burst
            # however fast this machine answers the first half.
            killed.wait(30)
        try:
            reply = bot.submit(
                views[index], form_values(views[index]), view_id=f"V{index:04d}", settle=False
            )
        except OSError:
            return
        if reply.status == 200:
            with lock:
                acknowledged.append(index)

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(submit, i) for i in range(BURST)]
        wait_until(lambda: len(acknowledged) >= BURST // 6, timeout=60, what="the first acks")
        bot.kill()
        killed.set()
        for future in futures:
            future.result()
    assert 0 < len(acknowledged) < BURST, "the kill should land mid-burst"
    fake.delay("chat.postMessage", 0)
    restarted = ProcessBot(fake, db_url, free_port()).start()
    try:
        # Accepted reports become incidents in the restarted worker after /healthz already
        # answers: wait for that before looking for unposted incidents.
        restarted.settle()
        service = _service(db_url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _unposted(service):
            time.sleep(0.2)
        incidents = service.list_incidents(IncidentFilter(), limit=1000)
        stored = {service.detail(i.key).evidence.text for i in incidents}
    finally:
        restarted.stop()
    for index in acknowledged:
        assert any(f"Case {index}." in text for text in stored), f"report {index} was lost"
    assert not _unposted(service)
    keys = Counter(
        str(m["text"]).split(" ", 1)[0]
        for (c, _), m in fake.messages.items()
        if c == TRIAGE and not m.get("thread_ts")
    )
    assert set(keys.values()) == {1}, {k: v for k, v in keys.items() if v != 1}


def _service(db_url: str) -> IncidentService:
    from bot.runtime.clock import SystemClock

    return IncidentService(
        db=Database(db_url), checker=shipped_checks(), clock=SystemClock(), key_prefix="AIS"
    )


def _unposted(service: IncidentService) -> list[Any]:
    return [i for i in service.list_incidents(IncidentFilter(), limit=1000) if not i.post_ts]
