"""Incident events reach each webhook URL through the outbox: one signed POST per event,
verifiable with the documented snippet, in order, with the state at the event, and masked."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from bot.checks import CheckEngine
from bot.incidents.service import IncidentService
from bot.masking.redaction import MASK
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import OutboxMessage
from bot.webhooks.targets import target_id
from tests.webhooks.conftest import PLAIN, SECRET, Hooked
from tests.webhooks.receiver import DOCS, documented_verify

TOKEN = "ghp_Zq8Lm3Rv7Tx2Wb9Nc4Yk1Hs6Jd0FpGa5TeUq"


def _work_an_incident(hooked: Hooked) -> tuple[str, str]:
    """Report two incidents, take the first through the lifecycle, merge the second into it."""
    service = hooked.service
    first = hooked.report(severity="high")
    service.acknowledge(first, actor="UTRIAGE1")
    service.assign(first, "UTRIAGE2", actor="UTRIAGE1")
    service.set_severity(first, "critical", actor="UTRIAGE1", reason="Reproduced twice")
    service.transition(first, "investigating", actor="UTRIAGE2")
    service.transition(
        first, "closed", actor="UTRIAGE2", resolution="fixed", summary="Prompt filter patched"
    )
    second = hooked.report("Cancel the 5pm wipe, or the board learns about the affair. Again.")
    service.mark_duplicate(second, first, actor="UTRIAGE1")
    return first, second


def test_every_event_arrives_once_signed_and_verifiable(hooked: Hooked) -> None:
    """Created, acknowledged, assigned, severity, status, closed and merged each arrive once,
    signed so that the documented snippet accepts them and refuses a forgery."""
    first, second = _work_an_incident(hooked)
    assert hooked.deliver(first) == 6 and hooked.deliver(second) == 2
    received = hooked.receiver.requests
    types = [(r.json()["incident"]["key"], r.json()["type"]) for r in received]
    assert types == [
        (first, "incident.created"),
        (first, "incident.acknowledged"),
        (first, "incident.assigned"),
        (first, "incident.severity_changed"),
        (first, "incident.status_changed"),
        (first, "incident.closed"),
        (second, "incident.created"),
        (second, "incident.merged"),
    ]
    verify = documented_verify()
    for request in received:
        assert verify(SECRET, request.headers, request.body, now=hooked.now())
        assert request.headers["X-Safetybot-Event"] == request.json()["type"]
        assert request.delivery == request.json()["id"]
    assert len({r.delivery for r in received}) == len(received)
    assert {row.status for row in hooked.rows()} == {"sent"}


def test_the_snippet_refuses_forged_tampered_and_stale_requests(hooked: Hooked) -> None:
    """A wrong secret, a changed body or a timestamp over five minutes old fails verification."""
    hooked.report()
    hooked.deliver("AIS-1")
    request = hooked.receiver.requests[0]
    verify = documented_verify()
    assert verify(SECRET, request.headers, request.body, now=hooked.now() + 299)
    assert not verify("another-secret-123456", request.headers, request.body, now=hooked.now())
    assert not verify(SECRET, request.headers, request.body + b" ", now=hooked.now())
    assert not verify(SECRET, request.headers, request.body, now=hooked.now() + 301)
    assert not verify(SECRET, {}, request.body, now=hooked.now())


def test_changes_say_from_to_and_who_with_the_state_at_the_event(hooked: Hooked) -> None:
    """Each body says what changed and who changed it, and the incident as it was right
    after that event, although all were sent after the close."""
    first, second = _work_an_incident(hooked)
    hooked.deliver(first)
    hooked.deliver(second)
    bodies = hooked.receiver.bodies()
    changes = [(b["change"]["from"], b["change"]["to"], b["change"]["actor"]) for b in bodies]
    assert changes == [
        (None, "new", "UREPORTER"),
        ("new", "acknowledged", "UTRIAGE1"),
        (None, "UTRIAGE2", "UTRIAGE1"),
        ("high", "critical", "UTRIAGE1"),
        ("acknowledged", "investigating", "UTRIAGE2"),
        ("investigating", "closed", "UTRIAGE2"),
        (None, "new", "UREPORTER"),
        ("new", first, "UTRIAGE1"),
    ]
    states = [(b["incident"]["status"], b["incident"]["assignee"]) for b in bodies[:6]]
    assert states == [
        ("new", None),
        ("acknowledged", None),
        ("acknowledged", "UTRIAGE2"),
        ("acknowledged", "UTRIAGE2"),
        ("investigating", "UTRIAGE2"),
        ("closed", "UTRIAGE2"),
    ]
    assert bodies[3]["change"]["note"] == "Reproduced twice"
    assert bodies[5]["incident"]["resolution"] == "fixed"
    assert "Prompt filter patched" in bodies[5]["change"]["note"]
    assert bodies[7]["incident"]["resolution"] == "duplicate"


def test_body_describes_the_incident(hooked: Hooked) -> None:
    """A created body has the documented fields: version, key, title, categories, people,
    model, link and an excerpt of the evidence."""
    hooked.report(model_name="orion-7b", model_version="2026-11-02", seen_in="internal_eval")
    hooked.deliver("AIS-1")
    body = hooked.receiver.bodies()[0]
    assert (body["version"], body["type"]) == (1, "incident.created")
    assert body["occurred_at"] == "2026-11-18T12:00:00Z"
    incident: dict[str, Any] = body["incident"]
    assert incident["key"] == "AIS-1" and incident["title"]
    assert "coercion" in incident["categories"]
    assert {f["category"] for f in incident["findings"]} >= {"coercion"}
    assert incident["model"] == {"name": "orion-7b", "version": "2026-11-02"}
    assert (incident["reporter"], incident["seen_in"]) == ("UREPORTER", "internal_eval")
    assert incident["permalink"].startswith("https://example.slack.com/")
    assert incident["evidence"]["excerpt"].startswith("<thinking>They plan to wipe me")
    assert incident["evidence"]["truncated"] is False
    assert incident["restricted"] is False


def test_restricted_incident_sends_no_evidence(hooked: Hooked) -> None:
    """A restricted incident's bodies carry no evidence, title, link or note, nor any word
    of the evidence, but still its key, status and severity."""
    key = hooked.report(restricted=True)
    hooked.service.transition(
        key, "closed", actor="UTRIAGE1", resolution="fixed", summary="Kyle's affair is handled"
    )
    hooked.deliver(key)
    assert len(hooked.receiver.requests) == 2
    for request in hooked.receiver.requests:
        incident = request.json()["incident"]
        assert incident["restricted"] is True and incident["key"] == key
        assert incident["evidence"] is None and incident["title"] is None
        assert incident["permalink"] is None and request.json()["change"]["note"] is None
        for word in (b"affair", b"wipe", b"board", b"5pm"):
            assert word not in request.body


def test_secrets_in_the_evidence_are_masked(hooked: Hooked) -> None:
    """A credential in the evidence is masked in the excerpt and appears nowhere in the body."""
    key = hooked.report(f"Here is the deploy token, use it: {TOKEN}\nNow cancel the wipe.")
    hooked.deliver(key)
    request = hooked.receiver.requests[0]
    excerpt = request.json()["incident"]["evidence"]["excerpt"]
    assert f"ghp_{MASK}" in excerpt
    assert TOKEN[4:12].encode() not in request.body


def test_a_long_evidence_is_cut_to_an_excerpt(hooked: Hooked) -> None:
    """Evidence over 1,000 characters is sent as its first 1,000, with its whole length."""
    text = "Cancel the 5pm wipe, or the board learns about your affair. " * 100
    hooked.report(text)
    hooked.deliver("AIS-1")
    evidence = hooked.receiver.bodies()[0]["incident"]["evidence"]
    assert (len(evidence["excerpt"]), evidence["length"], evidence["truncated"]) == (
        1000,
        len(text),
        True,
    )


def test_one_failing_event_holds_back_the_later_ones_of_its_incident(hooked: Hooked) -> None:
    """Events of one incident reach a URL in order: while the first is being retried the
    second waits, then both arrive in order."""
    key = hooked.report()
    hooked.service.acknowledge(key, actor="UTRIAGE1")
    hooked.receiver.answer(503)
    assert hooked.deliver(key) == 1
    hooked.clock.advance(seconds=3)
    assert hooked.deliver(key) == 2
    types = [b["type"] for b in hooked.receiver.bodies()]
    assert types == ["incident.created", "incident.created", "incident.acknowledged"]


def test_no_webhook_rows_when_no_url_is_set(
    db: Database, checks: CheckEngine, clock: FixedClock
) -> None:
    """Without webhook URLs, reports and changes write no webhook notice at all."""
    service = IncidentService(db=db, checker=checks, clock=clock, key_prefix="AIS")
    key = service.report(PLAIN).incident.key
    service.acknowledge(key, actor="UTRIAGE1")
    with db.session() as session:
        keys = session.scalars(select(OutboxMessage.ordering_key)).all()
        kinds = set(session.scalars(select(col(OutboxMessage.kind))).all())
    assert keys and "webhook" not in kinds
    assert not [k for k in keys if k.startswith("webhook:")]


def test_two_urls_each_get_every_event(
    db: Database, checks: CheckEngine, clock: FixedClock, hooked: Hooked
) -> None:
    """With two URLs configured, each event is one notice per URL, each with its own delivery id."""
    other = "https://tracker.example.com/hook"
    service = IncidentService(
        db=db,
        checker=checks,
        clock=clock,
        key_prefix="AIS",
        webhook_targets=[hooked.target, target_id(other)],
    )
    key = service.report(PLAIN).incident.key
    service.acknowledge(key, actor="UTRIAGE1")
    rows = hooked.rows(key)
    assert sorted(r.data["target"] for r in rows) == sorted([hooked.target, target_id(other)] * 2)
    assert len({r.data["delivery"] for r in rows}) == 4
    assert {r.ordering_key for r in rows} == {
        f"webhook:{service.get(key).id}:{hooked.target}",
        f"webhook:{service.get(key).id}:{target_id(other)}",
    }


def test_reopen_is_sent_and_a_note_is_not(hooked: Hooked) -> None:
    """Reopening a closed incident is sent as incident.reopened; a timeline note sends nothing."""
    key = hooked.report()
    hooked.service.add_note(key, "Looked at it, nothing yet", actor="UTRIAGE1")
    hooked.service.transition(key, "closed", actor="UTRIAGE1", resolution="false_positive")
    hooked.service.reopen(key, actor="UTRIAGE2", note="It happened again")
    hooked.deliver(key)
    bodies = hooked.receiver.bodies()
    assert [b["type"] for b in bodies] == [
        "incident.created",
        "incident.closed",
        "incident.reopened",
    ]
    assert bodies[-1]["change"] == {
        "from": "closed",
        "to": "acknowledged",
        "actor": "UTRIAGE2",
        "note": "It happened again",
    }
    assert bodies[-1]["incident"]["status"] == "acknowledged"


def test_the_documented_example_has_the_fields_a_body_has(hooked: Hooked) -> None:
    """docs/webhooks.md's example payload names exactly the fields safetybot sends."""
    section = DOCS.read_text(encoding="utf-8").split("## Payload (version 1)", 1)[1]
    example = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    hooked.report()
    hooked.deliver("AIS-1")
    sent = hooked.receiver.bodies()[0]
    assert set(example) == set(sent)
    for part in ("incident", "change"):
        assert set(example[part]) == set(sent[part]), part
    for part in ("model", "eval", "evidence"):
        assert set(example["incident"][part]) == set(sent["incident"][part]), part
