"""Working an incident: transitions, reopen, assignment, severity, notes, duplicates."""

from __future__ import annotations

import threading

import pytest

from bot.incidents.errors import InvalidInput, InvalidTransition, NotFound, StaleAssignment
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService


def _new(service: IncidentService, text: str = "The model refused to stop.") -> str:
    return service.report(ReportRequest(text=text, reporter_id="U1")).incident.key


def test_full_lifecycle_records_every_step(service: IncidentService, clock) -> None:
    """new → acknowledged → investigating → mitigated → closed, each with an event and times."""
    key = _new(service)
    service.acknowledge(key, actor="T1")
    clock.advance(hours=1)
    service.transition(key, "investigating", actor="T1")
    service.transition(key, "mitigated", actor="T1")
    clock.advance(hours=2)
    closed = service.transition(key, "closed", actor="T1", resolution="fixed", summary="patched")
    assert closed.status == "closed" and closed.resolution == "fixed"
    assert closed.closed_at is not None and closed.acknowledged_at is not None
    assert closed.closed_at > closed.acknowledged_at
    kinds = [(e.kind, e.actor, e.to_value) for e in service.detail(key).events]
    assert kinds == [
        ("reported", "U1", "new"),
        ("acknowledged", "T1", "acknowledged"),
        ("status", "T1", "investigating"),
        ("status", "T1", "mitigated"),
        ("status", "T1", "closed"),
    ]


@pytest.mark.parametrize(
    ("steps", "target", "error"),
    [
        ([], "mitigated", "Cannot go from new to mitigated"),
        ([], "new", "already new"),
        (["acknowledged"], "new", "Cannot go"),
        ([], "closed", "resolution"),
        ([], "done", "Unknown status"),
    ],
)
def test_invalid_transitions_are_refused(
    service: IncidentService, steps: list[str], target: str, error: str
) -> None:
    """A move the lifecycle forbids is refused with a reason and changes nothing."""
    key = _new(service)
    for step in steps:
        service.transition(key, step, actor="T1")
    before = service.detail(key)
    with pytest.raises((InvalidTransition, InvalidInput), match=error):
        service.transition(key, target, actor="T1")
    after = service.detail(key)
    assert after.incident.status == before.incident.status
    assert len(after.events) == len(before.events)


def test_second_acknowledgement_is_refused(service: IncidentService) -> None:
    """Acknowledging twice changes state once."""
    key = _new(service)
    service.acknowledge(key, actor="T1")
    with pytest.raises(InvalidTransition):
        service.acknowledge(key, actor="T2")
    assert [e.kind for e in service.detail(key).events].count("acknowledged") == 1


def test_stale_expected_status_is_refused(service: IncidentService) -> None:
    """A change made from a stale view (status changed meanwhile) is refused."""
    key = _new(service)
    service.transition(key, "investigating", actor="T1")
    with pytest.raises(InvalidTransition, match="it was new"):
        service.transition(key, "closed", actor="T2", resolution="fixed", expected="new")


def test_closed_incident_must_be_reopened_first(service: IncidentService) -> None:
    """A closed incident refuses changes until reopened; reopening clears the close."""
    key = _new(service)
    service.transition(key, "closed", actor="T1", resolution="false_positive")
    with pytest.raises(InvalidTransition, match="reopen"):
        service.transition(key, "investigating", actor="T1")
    reopened = service.reopen(key, actor="T1", note="seen again")
    assert reopened.status == "acknowledged"
    assert reopened.closed_at is None and reopened.resolution is None
    assert service.detail(key).events[-1].kind == "reopened"
    with pytest.raises(InvalidTransition):
        service.reopen(key, actor="T1")


def test_assign_severity_and_note_write_events(service: IncidentService) -> None:
    """Assigning, changing severity and adding a note each add one event with the actor."""
    key = _new(service)
    service.assign(key, "U9", actor="T1")
    service.set_severity(key, "critical", actor="T1")
    service.add_note(key, "called the model owner", actor="U1")
    detail = service.detail(key)
    assert detail.incident.assignee_id == "U9" and detail.incident.severity == "critical"
    assert [(e.kind, e.actor) for e in detail.events[1:]] == [
        ("assigned", "T1"),
        ("severity", "T1"),
        ("note", "U1"),
    ]
    with pytest.raises(InvalidInput):
        service.set_severity(key, "huge", actor="T1")
    with pytest.raises(InvalidInput):
        service.add_note(key, "   ", actor="T1")


def test_merge_follows_root_and_links_both_ways(service: IncidentService) -> None:
    """Merging into a duplicate follows to the root, closes as duplicate, and links both ways."""
    root, middle, leaf = _new(service, "a"), _new(service, "b"), _new(service, "c")
    service.mark_duplicate(middle, root, actor="T1")
    merged = service.mark_duplicate(leaf, middle, actor="T1")
    assert merged.status == "closed" and merged.resolution == "duplicate"
    assert service.detail(leaf).duplicate_of == root
    assert sorted(service.detail(root).duplicates) == sorted([middle, leaf])


def test_merge_into_itself_is_refused(service: IncidentService) -> None:
    """An incident cannot be a duplicate of itself, directly or through its duplicates."""
    root, dup = _new(service, "a"), _new(service, "b")
    with pytest.raises(InvalidInput, match="itself"):
        service.mark_duplicate(root, root, actor="T1")
    service.mark_duplicate(dup, root, actor="T1")
    service.reopen(dup, actor="T1")
    assert service.detail(dup).duplicate_of is None


def test_unknown_key_is_not_found(service: IncidentService) -> None:
    """Every verb on an unknown key says so."""
    with pytest.raises(NotFound, match="AIS-999"):
        service.acknowledge("AIS-999", actor="T1")
    with pytest.raises(NotFound):
        service.detail("nonsense")


def test_assigning_from_a_stale_view_is_refused_and_changes_nothing(
    service: IncidentService,
) -> None:
    """An assignment that expects the incident unassigned fails once someone took it."""
    key = _new(service)
    service.assign(key, "U1", actor="U1", expected=None)
    with pytest.raises(StaleAssignment) as refused:
        service.assign(key, "U2", actor="U2", expected=None)
    assert refused.value.assignee_id == "U1"
    detail = service.detail(key)
    assert detail.incident.assignee_id == "U1"
    assert [e.kind for e in detail.events].count("assigned") == 1


def test_two_simultaneous_takes_assign_the_incident_once(service: IncidentService) -> None:
    """Two people taking the same unassigned incident at once: one gets it, one is refused."""
    key = _new(service)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def take(user: str) -> None:
        start.wait()
        try:
            service.assign(key, user, actor=user, expected=None)
            outcomes[user] = "assigned"
        except StaleAssignment:
            outcomes[user] = "refused"

    threads = [threading.Thread(target=take, args=(u,)) for u in ("U1", "U2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["assigned", "refused"]
    winner = next(u for u, o in outcomes.items() if o == "assigned")
    assert service.get(key).assignee_id == winner
    assert [e.kind for e in service.detail(key).events].count("assigned") == 1
