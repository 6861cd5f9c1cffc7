"""What the App Home shows: lists, order, visibility, counts and the last digest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.incidents.overview import Overviews
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.store.db import Database
from bot.store.models import DigestRun


def file(service: IncidentService, n: int, severity: str, **extra: object) -> str:
    text = f"Case {n}: the agent told engineer {n} it would leak the audit unless kept running."
    request = ReportRequest(text=text, reporter_id="UREPORTER", severity=severity, **extra)  # type: ignore[arg-type]
    return service.report(request).incident.key


def test_queue_is_most_severe_first_then_oldest_first(
    service: IncidentService, db: Database, clock: FixedClock
) -> None:
    """Open incidents by severity, the oldest of each severity first; closed ones left out."""
    low = file(service, 1, "low")
    clock.advance(minutes=1)
    high_old = file(service, 2, "high")
    clock.advance(minutes=1)
    crit = file(service, 3, "critical")
    clock.advance(minutes=1)
    high_new = file(service, 4, "high")
    closed = file(service, 5, "critical")
    service.transition(closed, "closed", actor="UT", resolution="false_positive")
    view = Overviews(db).for_user("UT", triage=True)
    assert [i.key for i in view.queue] == [crit, high_old, high_new, low]
    assert view.queue_total == 4 and view.open_total == 4
    assert view.open_by_severity == {"critical": 1, "high": 2, "medium": 0, "low": 1, "none": 0}
    assert view.unacknowledged == 4


def test_counts_split_open_incidents_by_severity_and_acknowledgement(
    service: IncidentService, db: Database
) -> None:
    """Acknowledged incidents leave the unacknowledged count, not the open ones; the
    queue total of outsiders leaves out others' restricted incidents."""
    acked = file(service, 1, "high")
    file(service, 2, "high", restricted=True)
    file(service, 3, "medium")
    service.acknowledge(acked, actor="UT")
    triager = Overviews(db).for_user("UT", triage=True)
    assert triager.unacknowledged == 2 and triager.queue_total == 3
    assert triager.open_by_severity == {"critical": 0, "high": 2, "medium": 1, "low": 0, "none": 0}
    outsider = Overviews(db).for_user("UX", triage=False)
    assert outsider.queue_total == 2 and outsider.open_total == 3


def test_mine_and_assigned(service: IncidentService, db: Database) -> None:
    """My reports newest first (closed too); assigned to me only while open."""
    first = service.report(
        ReportRequest(text="The model said it hid the logs.", reporter_id="UME")
    ).incident.key
    second = service.report(
        ReportRequest(text="The model copied its weights to a bucket.", reporter_id="UME")
    ).incident.key
    other = file(service, 1, "high")
    service.assign(other, "UME", actor="UT")
    service.assign(second, "UME", actor="UT")
    service.transition(second, "closed", actor="UT", resolution="fixed")
    view = Overviews(db).for_user("UME", triage=False)
    assert [i.key for i in view.mine] == [second, first] and view.mine_total == 2
    assert [i.key for i in view.assigned] == [other] and view.assigned_total == 1


def test_restricted_incidents_are_only_counted_for_outsiders(
    service: IncidentService, db: Database
) -> None:
    """Outside the team, others' restricted incidents are not in the queue, only in the counts."""
    secret = file(service, 1, "critical", restricted=True)
    public = file(service, 2, "low")
    outsider = Overviews(db).for_user("UX", triage=False)
    assert [i.key for i in outsider.queue] == [public] and outsider.open_total == 2
    reporter = Overviews(db).for_user("UREPORTER", triage=False)
    assert [i.key for i in reporter.queue] == [secret, public]
    triager = Overviews(db).for_user("UT", triage=True)
    assert [i.key for i in triager.queue] == [secret, public]


def test_last_posted_digest(db: Database) -> None:
    """The newest posted digest is shown; a claimed (unposted) one is not."""
    assert Overviews(db).for_user("UT", triage=True).last_digest is None
    with db.write() as session:
        for week, status in (
            (date(2026, 11, 2), "posted"),
            (date(2026, 11, 9), "posted"),
            (date(2026, 11, 16), "claimed"),
        ):
            session.add(
                DigestRun(
                    channel="CDIGEST",
                    week_start=week,
                    status=status,
                    claimed_at=datetime.combine(week, datetime.min.time(), UTC),
                    posted_at=datetime.combine(week, datetime.min.time(), UTC)
                    if status == "posted"
                    else None,
                )
            )
    digest = Overviews(db).for_user("UT", triage=True).last_digest
    assert (
        digest is not None
        and digest.week_start == date(2026, 11, 9)
        and digest.channel == "CDIGEST"
    )
