"""The triage team and who may do what."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from bot.incidents.errors import PermissionDenied
from bot.incidents.permissions import Permissions, TriageTeam
from bot.runtime.clock import FixedClock
from bot.store.models import Incident


class Group:
    """A user group whose members can change, counting how often it is asked."""

    def __init__(self, *members: str) -> None:
        self.members = list(members)
        self.calls = 0
        self.failing = False

    def __call__(self, usergroup: str) -> Iterable[str]:
        self.calls += 1
        if self.failing:
            raise ConnectionError("slack is down")
        assert usergroup == "S1"
        return list(self.members)


@pytest.fixture
def clock() -> FixedClock:
    """A clock at a fixed instant."""
    return FixedClock(datetime(2026, 11, 18, 12, 0, tzinfo=UTC))


def team(clock: FixedClock, group: Group, users: tuple[str, ...] = ()) -> TriageTeam:
    return TriageTeam(
        users=users, usergroup="S1", fetch=group, clock=clock, ttl=timedelta(seconds=60)
    )


def incident(**fields: object) -> Incident:
    values: dict[str, object] = {
        "key": "AIS-1",
        "prefix": "AIS",
        "number": 1,
        "title": "t",
        "reporter_id": "UREPORTER",
        "created_at": datetime(2026, 11, 18, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 18, tzinfo=UTC),
        **fields,
    }
    return Incident(**values)  # type: ignore[arg-type]


def test_listed_users_are_members_without_asking_slack(clock: FixedClock) -> None:
    """Configured ids are on the team; with no user group nothing is fetched."""
    fetched: list[str] = []
    listed = TriageTeam(users=("U1",), clock=clock, fetch=lambda g: fetched.append(g) or [])
    assert listed.is_member("U1") and not listed.is_member("U2") and not listed.is_member("")
    assert fetched == []


def test_group_members_are_cached_until_the_ttl_runs_out(clock: FixedClock) -> None:
    """The group is fetched once per TTL; a member removed in Slack loses rights after it."""
    group = Group("UA", "UB")
    triage = team(clock, group)
    assert triage.is_member("UA") and triage.is_member("UB") and not triage.is_member("UC")
    assert group.calls == 1
    group.members = ["UB"]
    clock.advance(seconds=59)
    assert triage.is_member("UA") and group.calls == 1
    clock.advance(seconds=1)
    assert not triage.is_member("UA") and triage.is_member("UB")
    assert group.calls == 2


def test_a_failed_fetch_keeps_the_last_members_and_retries_soon(clock: FixedClock) -> None:
    """When Slack cannot be asked, the last known members still count, and it asks again soon."""
    group = Group("UA")
    triage = team(clock, group)
    assert triage.is_member("UA")
    group.failing = True
    clock.advance(seconds=61)
    assert triage.is_member("UA")
    assert triage.is_member("UA") and group.calls == 2  # not asked again straight away
    group.failing = False
    group.members = []
    clock.advance(seconds=10)
    assert not triage.is_member("UA") and group.calls == 3


def test_with_the_group_never_read_only_listed_users_count(clock: FixedClock) -> None:
    """Failing closed: an unreadable group grants nobody, the listed users keep their rights."""
    group = Group("UA")
    group.failing = True
    triage = team(clock, group, users=("ULISTED",))
    assert not triage.is_member("UA") and triage.is_member("ULISTED")
    assert triage.members() == {"ULISTED"}


def test_forget_fetches_again(clock: FixedClock) -> None:
    """``forget`` drops the cache, so the next question asks Slack."""
    group = Group("UA")
    triage = team(clock, group)
    triage.is_member("UA")
    triage.forget()
    triage.is_member("UA")
    assert group.calls == 2


def test_only_the_team_may_change_and_the_refusal_is_polite(clock: FixedClock) -> None:
    """``require_triage`` passes members and refuses others with a message naming the incident."""
    rules = Permissions(TriageTeam(users=("UT",), clock=clock))
    rules.require_triage("UT", "AIS-1", "acknowledge")
    with pytest.raises(
        PermissionDenied, match="Sorry, only the safety triage team can acknowledge AIS-1"
    ):
        rules.require_triage("UX", "AIS-1", "acknowledge")


def test_notes_and_content_of_restricted_incidents(clock: FixedClock) -> None:
    """Anyone notes and reads an open incident; a restricted one only the team and its reporter."""
    rules = Permissions(TriageTeam(users=("UT",), clock=clock))
    public, secret = incident(), incident(restricted=True)
    assert rules.may_note("UX", public) and rules.may_see_content("UX", public)
    for user in ("UT", "UREPORTER"):
        assert rules.may_note(user, secret) and rules.may_see_content(user, secret)
    assert not rules.may_note("UX", secret) and not rules.may_see_content("UX", secret)
    with pytest.raises(PermissionDenied, match="restricted"):
        rules.require_note("UX", secret)
