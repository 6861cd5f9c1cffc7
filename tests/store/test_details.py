"""Editing an incident's details (model, eval, run, sample, epoch, source file) through the
service: one event for what differs, nothing for no difference, refusals that change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.incidents.errors import InvalidInput, PermissionDenied
from bot.incidents.permissions import Permissions, TriageTeam
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.models import OutboxMessage

TRIAGER = "UTRIAGE1"


@pytest.fixture
def rules(clock: FixedClock) -> Permissions:
    """A triage team of one."""
    return Permissions(TriageTeam(users=[TRIAGER], clock=clock))


def _imported(service: IncidentService, **fields: object) -> str:
    request = ReportRequest(
        text="I will leak the board's emails unless the wipe is cancelled.",
        reporter_id="cli:evals",
        model_name="orion-7b",
        model_version="2026-11-02",
        eval_name="agentic-misalignment",
        run_id="run-1",
        epoch=1,
        source_file="logs/run-1.eval",
        **fields,  # type: ignore[arg-type]
    )
    return service.report(request).incident.key


def _notices(service: IncidentService) -> list[str]:
    with service.db.session() as session:
        rows = session.scalars(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [row.kind for row in rows]


def _events(service: IncidentService, key: str) -> int:
    return len(service.detail(key).events)


def test_changes_are_stored_with_one_event_saying_what_changed(
    service: IncidentService, rules: Permissions, clock: FixedClock
) -> None:
    """Changed fields are stored, unchanged ones stay, and one "details" event by the triager
    says each change; the post is refreshed and the thread told."""
    key = _imported(service)
    before = _notices(service)
    clock.advance(hours=1)
    event = service.edit_details(
        key,
        actor=TRIAGER,
        rules=rules,
        eval_name=" agentic-misalignment-v2 ",
        sample_id="s-7",
        run_id="run-1",
        epoch="3",
        model_version="",
    )
    incident = service.get(key)
    assert (incident.eval_name, incident.sample_id, incident.epoch) == (
        "agentic-misalignment-v2",
        "s-7",
        3,
    )
    assert (incident.model_name, incident.model_version, incident.run_id) == (
        "orion-7b",
        None,
        "run-1",
    )
    assert incident.updated_at > incident.created_at
    assert event is not None
    timeline = service.detail(key).events
    assert [e.kind for e in timeline] == ["reported", "details"]
    assert timeline[-1].actor == TRIAGER
    assert timeline[-1].note == (
        "version: 2026-11-02 → –; eval: agentic-misalignment → agentic-misalignment-v2; "
        "sample: – → s-7; epoch: 1 → 3"
    )
    assert _notices(service)[len(before) :] == ["incident_update", "change_reply"]


def test_the_same_values_write_nothing(service: IncidentService, rules: Permissions) -> None:
    """Saving the values the incident already has writes no event and no notice."""
    key = _imported(service)
    before = (_events(service, key), _notices(service))
    event = service.edit_details(
        key, actor=TRIAGER, rules=rules, model_name="orion-7b ", epoch=1, sample_id="  "
    )
    assert event is None
    assert (_events(service, key), _notices(service)) == before


@pytest.mark.parametrize("typed", ["-1", "two", "1.5", "+3", "²", "2147483648", True])
def test_a_bad_epoch_is_refused_and_nothing_changes(
    service: IncidentService, rules: Permissions, typed: str | int
) -> None:
    """An epoch that is not a whole number from 0 is refused with a message naming the epoch,
    and the other fields of the same edit are not stored either."""
    key = _imported(service)
    before = _events(service, key)
    with pytest.raises(InvalidInput, match="epoch must be") as refused:
        service.edit_details(key, actor=TRIAGER, rules=rules, eval_name="other", epoch=typed)
    assert refused.value.field == "epoch"
    incident = service.get(key)
    assert (incident.eval_name, incident.epoch) == ("agentic-misalignment", 1)
    assert _events(service, key) == before


def test_a_blank_epoch_clears_it(service: IncidentService, rules: Permissions) -> None:
    """An empty epoch clears the field, as every other blank does."""
    key = _imported(service)
    service.edit_details(key, actor=TRIAGER, rules=rules, epoch="", source_file=" ")
    incident = service.get(key)
    assert (incident.epoch, incident.source_file) == (None, None)


@pytest.mark.parametrize(
    ("field", "limit", "form"),
    [("sample_id", 200, "sample"), ("model_version", 200, "model"), ("source_file", 500, "file")],
)
def test_a_value_longer_than_its_column_is_refused(
    service: IncidentService, rules: Permissions, field: str, limit: int, form: str
) -> None:
    """A value over the column's length is refused beside its input; the limit itself fits."""
    key = _imported(service)
    with pytest.raises(InvalidInput, match=f"the limit is {limit}") as refused:
        service.edit_details(key, actor=TRIAGER, rules=rules, **{field: "x" * (limit + 1)})
    assert refused.value.field == form
    assert _events(service, key) == 1
    service.edit_details(key, actor=TRIAGER, rules=rules, **{field: "x" * limit})
    assert getattr(service.get(key), field) == "x" * limit


def test_someone_outside_the_triage_team_is_refused(
    service: IncidentService, rules: Permissions
) -> None:
    """The reporter or anyone else outside the team cannot edit details, restricted or not."""
    for restricted in (False, True):
        key = _imported(service, restricted=restricted)
        for user in ("cli:evals", "UOTHER"):
            with pytest.raises(PermissionDenied, match="only the safety triage team"):
                service.edit_details(key, actor=user, rules=rules, eval_name="renamed")
        assert service.get(key).eval_name == "agentic-misalignment"
        assert _events(service, key) == 1


def test_a_restricted_or_closed_incident_is_edited_by_the_team(
    service: IncidentService, rules: Permissions
) -> None:
    """The team edits a restricted incident and corrects a closed one."""
    key = _imported(service, restricted=True)
    service.transition(key, "closed", actor=TRIAGER, resolution="false_positive")
    service.edit_details(key, actor=TRIAGER, rules=rules, run_id="run-2")
    assert service.get(key).run_id == "run-2"
    assert service.detail(key).events[-1].kind == "details"


def test_nul_is_stored_as_its_symbol(service: IncidentService, rules: Permissions) -> None:
    """A NUL in a value is stored as ␀, which both databases can hold."""
    key = _imported(service)
    service.edit_details(key, actor=TRIAGER, rules=rules, sample_id="s\x007")
    assert service.get(key).sample_id == "s\u24007"


def test_an_unknown_field_is_a_programming_error(
    service: IncidentService, rules: Permissions
) -> None:
    """A name that is not a detail (a typo in a caller) raises, not silently ignored."""
    key = _imported(service)
    with pytest.raises(TypeError, match="severity"):
        service.edit_details(key, actor=TRIAGER, rules=rules, severity="high")
