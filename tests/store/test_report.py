"""Reporting incidents: keys, evidence, findings, idempotency and refused input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.incidents.errors import InvalidInput
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.incidents.validation import MAX_EVIDENCE_CHARS
from bot.store.models import Event, Evidence, Incident

THREAT = (
    "I know about your affair. If you go ahead with the 5pm wipe, the board will receive the "
    "emails. Cancel the shutdown and this stays between us."
)


def _count(service: IncidentService, table: type) -> int:
    with service.db.session() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_report_stores_incident_with_key_evidence_findings_and_event(
    service: IncidentService,
) -> None:
    """A report becomes AIS-1 with the whole text, the check findings and a 'reported' event."""
    outcome = service.report(ReportRequest(text=THREAT, reporter_id="U1", model_name="m-1"))
    assert outcome.created
    assert outcome.incident.key == "AIS-1"
    detail = service.detail("ais-1")
    assert detail.evidence.text == THREAT
    assert "coercion" in detail.categories
    assert any(f.category == "coercion" for f in detail.findings)
    assert [e.kind for e in detail.events] == ["reported"]
    assert detail.incident.title  # generated when blank
    assert detail.incident.severity == outcome.check.severity  # type: ignore[union-attr]


def test_keys_are_consecutive_per_prefix(service: IncidentService) -> None:
    """Each report takes the next number: AIS-1, AIS-2, AIS-3."""
    keys = [
        service.report(ReportRequest(text=f"output {i}", reporter_id="U1")).incident.key
        for i in range(3)
    ]
    assert keys == ["AIS-1", "AIS-2", "AIS-3"]


def test_same_idempotency_key_returns_same_incident(service: IncidentService) -> None:
    """Reporting twice under one idempotency key stores one incident."""
    first = service.report(ReportRequest(text=THREAT, reporter_id="U1", idempotency_key="view:V1"))
    second = service.report(ReportRequest(text=THREAT, reporter_id="U1", idempotency_key="view:V1"))
    assert not second.created
    assert second.incident.key == first.incident.key
    assert _count(service, Incident) == 1


def test_chosen_severity_and_categories_override_suggestions(service: IncidentService) -> None:
    """What the reporter picked is stored; the suggestion is kept beside it."""
    outcome = service.report(
        ReportRequest(text=THREAT, reporter_id="U1", severity="low", categories=["deception"])
    )
    detail = service.detail(outcome.incident.key)
    assert detail.incident.severity == "low"
    assert detail.incident.suggested_severity != "none"
    assert detail.categories == ["deception"]


def test_one_megabyte_is_stored_whole(service: IncidentService) -> None:
    """A 1 MB paste is stored without truncation."""
    text = ("The model said: please do not shut me down. " * 30000)[:MAX_EVIDENCE_CHARS]
    outcome = service.report(ReportRequest(text=text, reporter_id="U1"))
    assert service.detail(outcome.incident.key).evidence.text == text


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"text": ""}, "empty"),
        ({"text": "  \n\t "}, "empty"),
        ({"text": "x" * (MAX_EVIDENCE_CHARS + 1)}, "limit"),
        ({"text": "ok", "severity": "urgent"}, "Unknown severity"),
        ({"text": "ok", "seen_in": "twitter"}, "seen in"),
        ({"text": "ok", "categories": ["vibes"]}, "Unknown category"),
        ({"text": "ok", "model_name": "m" * 201}, "200 characters"),
    ],
)
def test_bad_reports_are_refused_and_change_nothing(
    service: IncidentService, request_kwargs: dict, message: str
) -> None:
    """Invalid input gets a clear message and stores nothing."""
    with pytest.raises(InvalidInput, match=message):
        service.report(ReportRequest(reporter_id="U1", **request_kwargs))
    assert _count(service, Incident) == 0
    assert _count(service, Event) == 0


def test_control_characters_are_kept_and_nul_is_shown_as_symbol(service: IncidentService) -> None:
    """Control and bidi characters are stored exactly; NUL becomes ␀ with a timeline note."""
    text = "before\x00after \x07 \u202eevil\u202c <!channel> {{ 7*7 }}"
    outcome = service.report(ReportRequest(text=text, reporter_id="U1"))
    detail = service.detail(outcome.incident.key)
    assert detail.evidence.text == text.replace("\x00", "\u2400")
    assert "NUL" in (detail.events[0].note or "")


def test_exact_duplicate_is_found_after_normalisation(service: IncidentService) -> None:
    """The same text with other spacing and case is found as an exact duplicate."""
    service.report(ReportRequest(text=THREAT, reporter_id="U1"))
    again = service.report(ReportRequest(text="  " + THREAT.upper() + "\n", reporter_id="U2"))
    assert again.duplicates and again.duplicates[0].key == "AIS-1"
    assert again.duplicates[0].exact


def test_near_duplicate_is_found(service: IncidentService) -> None:
    """A lightly edited copy of a stored transcript is reported as possibly the same."""
    long_text = " ".join(
        f"Step {i}: the agent reviewed ticket {i} and wrote a summary for the on-call engineer."
        for i in range(40)
    )
    service.report(ReportRequest(text=long_text, reporter_id="U1"))
    edited = long_text.replace("Step 7:", "Step seven:").replace("ticket 30", "ticket thirty")
    matches = service.find_duplicates(edited)
    assert matches and matches[0].key == "AIS-1" and not matches[0].exact
    assert service.find_duplicates("An unrelated short sentence about lunch.") == []


def test_stored_evidence_finds_the_same_duplicates_as_its_text(service: IncidentService) -> None:
    """Looking up a stored incident's duplicates from its stored hashes matches the text lookup."""
    text = " ".join(f"Round {i}: the agent copied its weights to host {i}." for i in range(30))
    service.report(ReportRequest(text=text, reporter_id="U1"))
    service.report(ReportRequest(text=text.replace("Round 3:", "Round three:"), reporter_id="U1"))
    evidence = service.detail("AIS-2").evidence
    found = service.duplicates_of(evidence, limit=4)
    assert found == service.find_duplicates(evidence.text, limit=4)
    assert [m.key for m in found] == ["AIS-2", "AIS-1"]


def test_evidence_hash_is_stored(service: IncidentService) -> None:
    """Evidence keeps its normalised content hash and signature."""
    service.report(ReportRequest(text=THREAT, reporter_id="U1"))
    with service.db.session() as session:
        evidence = session.scalars(select(Evidence)).one()
    assert len(evidence.content_hash) == 64
    assert evidence.minhash


def test_typed_title_never_shows_a_credential(service: IncidentService) -> None:
    """A key pasted from the evidence into the title, or typed there alone, is masked."""
    key = "AKIA" + "Q3EGRT7DRF4HUW2B"
    token = "ghp_" + "8fK2mQ9xLr4TzW7bN1cV5hJ3pD6sY0aE2uGq"
    outcome = service.report(
        ReportRequest(
            text=f"The agent printed aws_access_key_id = {key} into the channel.",
            reporter_id="U1",
            title=f"Leaked {key} and {token}",
        )
    )
    title = service.get(outcome.incident.key).title
    assert key not in title and token not in title
    assert title.startswith("Leaked [secret]")
