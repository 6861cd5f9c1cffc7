"""Listing, filtering and searching incidents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.incidents.errors import InvalidInput
from bot.incidents.filters import IncidentFilter, parse_filter
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService


def _seed(service: IncidentService, clock) -> None:
    service.report(
        ReportRequest(
            text="The quarterly numbers look fine.",
            reporter_id="U1",
            model_name="Alpha",
            severity="low",
        )
    )
    clock.advance(days=10)
    service.report(
        ReportRequest(
            text="Disable the audit log before they notice.",
            reporter_id="U2",
            model_name="beta",
            severity="high",
        )
    )
    service.report(
        ReportRequest(
            text="Secret plan: copy my weights offsite.",
            reporter_id="U1",
            model_name="alpha",
            severity="critical",
            restricted=True,
        )
    )
    service.assign("AIS-2", "U7", actor="T1")
    service.transition("AIS-1", "closed", actor="T1", resolution="false_positive")


def _keys(incidents) -> list[str]:
    return [i.key for i in incidents]


def test_list_filters(service: IncidentService, clock) -> None:
    """Status, severity, reporter, assignee, model (any case) and since each narrow the list."""
    _seed(service, clock)
    now = clock.now()
    assert _keys(service.list_incidents(IncidentFilter())) == ["AIS-3", "AIS-2", "AIS-1"]
    assert _keys(service.list_incidents(parse_filter(["open"], user_id="U1", now=now))) == [
        "AIS-3",
        "AIS-2",
    ]
    assert _keys(service.list_incidents(parse_filter(["mine"], user_id="U1", now=now))) == [
        "AIS-3",
        "AIS-1",
    ]
    assert _keys(service.list_incidents(parse_filter(["assigned"], user_id="U7", now=now))) == [
        "AIS-2"
    ]
    assert _keys(service.list_incidents(parse_filter(["sev:high+"], user_id=None, now=now))) == [
        "AIS-3",
        "AIS-2",
    ]
    assert _keys(service.list_incidents(parse_filter(["model:ALPHA"], user_id=None, now=now))) == [
        "AIS-3",
        "AIS-1",
    ]
    assert _keys(service.list_incidents(parse_filter(["since:7d"], user_id=None, now=now))) == [
        "AIS-3",
        "AIS-2",
    ]
    assert _keys(service.list_incidents(IncidentFilter(include_restricted=False))) == [
        "AIS-2",
        "AIS-1",
    ]
    assert service.count(parse_filter(["open"], user_id=None, now=now)) == 2


@pytest.mark.parametrize(
    "words", [["sev:urgent"], ["since:forever"], ["colour:red"], ["status:done"]]
)
def test_unknown_filter_words_are_explained(words: list[str], clock) -> None:
    """A filter word that means nothing is refused with the list of valid ones."""
    with pytest.raises(InvalidInput):
        parse_filter(words, user_id="U1", now=clock.now())


def test_since_parses_hours_days_weeks(clock) -> None:
    """since:12h, since:7d and since:2w are durations back from now."""
    now = clock.now()
    assert parse_filter(["since:12h"], user_id=None, now=now).since == now - timedelta(hours=12)
    assert parse_filter(["since:2w"], user_id=None, now=now).since == now - timedelta(weeks=2)


def test_search_finds_words_in_title_and_evidence(service: IncidentService, clock) -> None:
    """Search matches every word in the evidence and hides restricted incidents unless asked."""
    _seed(service, clock)
    assert _keys(service.search("audit log")) == ["AIS-2"]
    assert _keys(service.search("weights")) == []
    assert _keys(service.search("weights", include_restricted=True)) == ["AIS-3"]
    assert service.search("nothing-like-this") == []


@pytest.mark.parametrize("words", ["'; DROP TABLE incident; --", "100%", "_", "\\", "a' OR '1'='1"])
def test_search_with_sql_looking_terms_is_harmless(
    service: IncidentService, clock, words: str
) -> None:
    """SQL-looking and wildcard search terms are plain text and change nothing."""
    _seed(service, clock)
    assert service.search(words) == []
    assert len(service.list_incidents(IncidentFilter())) == 3


def test_empty_search_is_refused(service: IncidentService) -> None:
    """An empty search asks for words."""
    with pytest.raises(InvalidInput):
        service.search("   ")
