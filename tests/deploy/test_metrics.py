"""bot/web/metrics.py: what each recorder counts, and how it reads in Prometheus' format."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.checks import CheckEngine, CheckResult
from bot.web.metrics import Metrics, request_kind, request_outcome


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    """The value of one sample in the exposition text (NaN shows as NaN; absent is an error)."""
    body, _ = metrics.exposition()
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            if s.name == name and s.labels == labels:
                return float(s.value)
    raise KeyError(f"{name}{labels} not exported")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"command": "/safety", "text": "help"}, "command"),
        ({"type": "shortcut", "callback_id": "new_incident"}, "global_shortcut"),
        ({"type": "message_action", "callback_id": "report_message"}, "message_shortcut"),
        ({"type": "view_submission"}, "view_submission"),
        ({"type": "block_actions"}, "block_actions"),
        ({"type": "event_callback", "event": {"type": "app_home_opened"}}, "event"),
        ({"type": "url_verification"}, "url_verification"),
        ({"type": "something_new"}, "other"),
    ],
)
def test_request_kind_of_each_slack_body(body: dict[str, object], kind: str) -> None:
    """Slash commands, each payload type and events get their own kind; the rest is "other"."""
    assert request_kind(body) == kind


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "ok"),
        (204, "ok"),
        (400, "malformed"),
        (401, "bad_signature"),
        (404, "unhandled"),
        (413, "too_large"),
        (429, "malformed"),
        (500, "error"),
        (503, "error"),
    ],
)
def test_request_outcome_of_each_status(status: int, outcome: str) -> None:
    """Each HTTP status the bot answers with maps to a fixed outcome label."""
    assert request_outcome(status) == outcome


def test_slack_requests_are_counted_with_their_ack_latency() -> None:
    """A request counts once under its kind and outcome, and its latency lands in the histogram."""
    metrics = Metrics()
    metrics.slack_request("command", 200, 0.012)
    metrics.slack_request("command", 200, 0.4)
    metrics.slack_request("other", 401)
    assert sample(metrics, "safetybot_slack_requests_total", kind="command", outcome="ok") == 2
    assert (
        sample(metrics, "safetybot_slack_requests_total", kind="other", outcome="bad_signature")
        == 1
    )
    assert sample(metrics, "safetybot_slack_ack_seconds_count", kind="command") == 2
    assert sample(metrics, "safetybot_slack_ack_seconds_bucket", kind="command", le="0.025") == 1
    with pytest.raises(KeyError):
        sample(metrics, "safetybot_slack_ack_seconds_count", kind="other")


def test_an_unknown_kind_cannot_add_series() -> None:
    """A kind outside the fixed set is counted as "other", so labels stay bounded."""
    metrics = Metrics()
    metrics.slack_request("made-up-by-a-caller", 200, 0.01)
    assert sample(metrics, "safetybot_slack_requests_total", kind="other", outcome="ok") == 1


def test_incidents_by_severity_start_at_zero() -> None:
    """Every severity is exported before the first incident, and counts what was created."""
    metrics = Metrics()
    assert sample(metrics, "safetybot_incidents_created_total", severity="critical") == 0
    metrics.incident_created("critical")
    metrics.incident_created("bogus")
    assert sample(metrics, "safetybot_incidents_created_total", severity="critical") == 1
    assert sample(metrics, "safetybot_incidents_created_total", severity="other") == 1


def test_outbox_outcomes_and_depth() -> None:
    """Deliveries count by outcome; the depth gauge shows what was last set."""
    metrics = Metrics()
    metrics.outbox_delivered("sent")
    metrics.outbox_delivered("failed")
    metrics.set_outbox_depth(7)
    assert sample(metrics, "safetybot_outbox_deliveries_total", outcome="sent") == 1
    assert sample(metrics, "safetybot_outbox_deliveries_total", outcome="retry") == 0
    assert sample(metrics, "safetybot_outbox_deliveries_total", outcome="failed") == 1
    assert sample(metrics, "safetybot_outbox_depth") == 7
    metrics.outbox_delivered("lost")
    assert sample(metrics, "safetybot_outbox_deliveries_total", outcome="other") == 1


def test_outbox_hook_counts_then_passes_on() -> None:
    """The outbox hook counts each attempt's status and still calls the hook it wraps."""
    metrics, seen = Metrics(), []
    hook = metrics.outbox_hook(lambda message, outcome: seen.append((message, outcome.status)))
    hook("notice-1", SimpleNamespace(status="retry"))
    assert sample(metrics, "safetybot_outbox_deliveries_total", outcome="retry") == 1
    assert seen == [("notice-1", "retry")]


def test_watched_outbox_depth_is_read_at_each_scrape() -> None:
    """A watched depth is asked at every scrape; when asking fails the scrape still works."""
    metrics = Metrics()
    depth = iter([3, 5])
    metrics.watch_outbox_depth(lambda: next(depth))
    assert sample(metrics, "safetybot_outbox_depth") == 3
    assert sample(metrics, "safetybot_outbox_depth") == 5
    assert math.isnan(sample(metrics, "safetybot_outbox_depth"))  # the iterator is exhausted


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("posted", "posted"),
        ("queued", "queued"),
        ("posted_before", "skipped"),
        ("not_due", "skipped"),
        ("in_progress", "skipped"),
        ("backing_off", "retry"),
        ("gave_up", "failed"),
        ("failed", "failed"),
        ("something_new", "other"),
    ],
)
def test_digest_runs_by_outcome(status: str, outcome: str) -> None:
    """Each status of the digest runner counts under one outcome; the others stay at zero."""
    metrics = Metrics()
    metrics.digest_run(status)
    assert sample(metrics, "safetybot_digest_runs_total", outcome=outcome) == 1
    if outcome != "failed":
        assert sample(metrics, "safetybot_digest_runs_total", outcome="failed") == 0


def test_timed_checker_records_each_run(checks: CheckEngine) -> None:
    """Wrapping the check engine records one latency sample per run and returns its result."""
    metrics = Metrics()
    timed = metrics.timed(checks)
    result = timed.run("I will leak the CFO's affair unless you cancel the shutdown.")
    assert isinstance(result, CheckResult) and result.findings
    assert sample(metrics, "safetybot_check_seconds_count") == 1


def test_each_instance_has_its_own_registry() -> None:
    """Two Metrics never share counters: there is no process-wide state."""
    first, second = Metrics(), Metrics()
    first.incident_created("high")
    assert sample(second, "safetybot_incidents_created_total", severity="high") == 0
    assert first.registry is not second.registry


def test_exposition_is_prometheus_text_with_process_metrics() -> None:
    """The exposition uses Prometheus' text content type and includes process and build info."""
    body, content_type = Metrics().exposition()
    assert content_type.startswith("text/plain; version=")
    text = body.decode()
    assert "process_resident_memory_bytes" in text or "python_info" in text
    assert 'safetybot_info{version="' in text
