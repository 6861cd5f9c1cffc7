"""Many reporters at once: keys stay gap-free and distinct."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.incidents.filters import IncidentFilter
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService


def test_fifty_concurrent_reports_get_fifty_consecutive_keys(service: IncidentService) -> None:
    """50 threads reporting at once produce AIS-1 … AIS-50 and 50 incidents."""

    def report(i: int) -> str:
        return service.report(
            ReportRequest(text=f"report number {i}", reporter_id=f"U{i}")
        ).incident.key

    with ThreadPoolExecutor(max_workers=50) as pool:
        keys = list(pool.map(report, range(50)))
    assert sorted(keys, key=lambda k: int(k.split("-")[1])) == [f"AIS-{n}" for n in range(1, 51)]


def test_reports_drawing_the_same_provisional_number_are_all_stored(
    service: IncidentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports are numbered at the end of their transaction; equal provisional numbers in
    concurrent transactions only wait for each other, and the keys stay consecutive."""
    monkeypatch.setattr(secrets, "randbits", lambda bits: 7)

    def report(i: int) -> str:
        return service.report(ReportRequest(text=f"clash {i}", reporter_id="U1")).incident.key

    with ThreadPoolExecutor(max_workers=10) as pool:
        keys = list(pool.map(report, range(10)))
    assert sorted(keys, key=lambda k: int(k.split("-")[1])) == [f"AIS-{n}" for n in range(1, 11)]
    assert all(i.number > 0 for i in service.list_incidents(IncidentFilter(), limit=20))


def test_concurrent_same_idempotency_key_gives_one_incident(service: IncidentService) -> None:
    """Ten concurrent submissions of one view give one incident and no gap in keys."""

    def report(_: int) -> str:
        request = ReportRequest(text="same view", reporter_id="U1", idempotency_key="view:V42")
        return service.report(request).incident.key

    with ThreadPoolExecutor(max_workers=10) as pool:
        keys = set(pool.map(report, range(10)))
    assert keys == {"AIS-1"}
    follow_up = service.report(ReportRequest(text="next", reporter_id="U1")).incident.key
    assert follow_up == "AIS-2"


def test_concurrent_acknowledgements_one_wins(service: IncidentService) -> None:
    """Two triagers acknowledging at the same moment: one succeeds, one event."""
    key = service.report(ReportRequest(text="x", reporter_id="U1")).incident.key

    def ack(actor: str) -> bool:
        try:
            service.acknowledge(key, actor=actor)
            return True
        except Exception:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ack, [f"T{i}" for i in range(8)]))
    assert results.count(True) == 1
    assert [e.kind for e in service.detail(key).events].count("acknowledged") == 1
