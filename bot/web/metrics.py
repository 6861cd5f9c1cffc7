"""Prometheus metrics of one process, on a registry of its own (served at ``/metrics``).

``Metrics()`` creates a fresh ``CollectorRegistry``: nothing is registered globally, so every
test (and every ASGI worker) gets independent counters. Label values come from small fixed
sets, never from request data, so a flood of odd requests cannot grow the series count.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from bot.store.models import SEVERITIES

if TYPE_CHECKING:
    from bot.checks import CheckResult
    from bot.incidents.ports import Checker

log = logging.getLogger(__name__)

REQUEST_KINDS = (
    "command",
    "global_shortcut",
    "message_shortcut",
    "view_submission",
    "view_closed",
    "block_actions",
    "block_suggestion",
    "event",
    "url_verification",
    "other",
)
REQUEST_OUTCOMES = ("ok", "unhandled", "bad_signature", "malformed", "too_large", "error")
OUTBOX_OUTCOMES = ("sent", "retry", "failed", "other")
DIGEST_OUTCOMES = ("posted", "queued", "skipped", "retry", "failed", "other")
# DigestRunner's statuses: "queued" is a post handed to the outbox, which delivers it.
_DIGEST_STATUSES = {
    "posted": "posted",
    "queued": "queued",
    "posted_before": "skipped",
    "in_progress": "skipped",
    "not_due": "skipped",
    "backing_off": "retry",
    "gave_up": "failed",
    "failed": "failed",
}
# Slack gives up on an ack after 3 s; the buckets are dense below that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
CHECK_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_PAYLOAD_KINDS = {
    "shortcut": "global_shortcut",
    "message_action": "message_shortcut",
    "view_submission": "view_submission",
    "view_closed": "view_closed",
    "block_actions": "block_actions",
    "block_suggestion": "block_suggestion",
    "event_callback": "event",
    "url_verification": "url_verification",
}
_STATUS_OUTCOMES = {400: "malformed", 401: "bad_signature", 404: "unhandled", 413: "too_large"}


def request_kind(body: dict[str, Any]) -> str:
    """The kind of a parsed Slack request body: a slash command, a payload type, or an event."""
    if "command" in body and "type" not in body:
        return "command"
    return _PAYLOAD_KINDS.get(str(body.get("type", "")), "other")


def request_outcome(status: int) -> str:
    """The outcome label of an HTTP status the bot answered a Slack request with."""
    if 200 <= status < 300:
        return "ok"
    if status >= 500:
        return "error"
    return _STATUS_OUTCOMES.get(status, "malformed")


class Metrics:
    """Every metric safetybot exports, with one small method per thing that happened."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        self._info = Info("safetybot", "The running safetybot build.", registry=r)
        self._info.info({"version": _version()})
        self._requests = Counter(
            "safetybot_slack_requests",
            "Slack requests received (over HTTP or Socket Mode), by kind and outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self._ack = Histogram(
            "safetybot_slack_ack_seconds",
            "Time from receiving a Slack request to answering it (the ack), by kind.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self._check = Histogram(
            "safetybot_check_seconds",
            "Time the quick checks took on one text.",
            buckets=CHECK_BUCKETS,
            registry=r,
        )
        self._incidents = Counter(
            "safetybot_incidents_created",
            "Incidents created, by the severity they were filed with.",
            ["severity"],
            registry=r,
        )
        self._outbox_depth = Gauge(
            "safetybot_outbox_depth",
            "Notices waiting in the outbox to be delivered to Slack.",
            registry=r,
        )
        self._reports_waiting = Gauge(
            "safetybot_reports_waiting",
            "Reports acknowledged in Slack whose incident is not stored yet.",
            registry=r,
        )
        self._outbox = Counter(
            "safetybot_outbox_deliveries",
            "Outbox delivery attempts, by outcome (sent, retry, failed for good).",
            ["outcome"],
            registry=r,
        )
        self._digest = Counter(
            "safetybot_digest_runs",
            "Weekly digest runs, by outcome (posted, queued: handed to the outbox, skipped: not "
            "due or already posted, retry, failed).",
            ["outcome"],
            registry=r,
        )
        self._start_series()

    def _start_series(self) -> None:
        """Create the zero series up front, so rates and alerts work before the first event."""
        for severity in SEVERITIES:
            self._incidents.labels(severity)
        for outcome in OUTBOX_OUTCOMES[:-1]:
            self._outbox.labels(outcome)
        for outcome in DIGEST_OUTCOMES[:-1]:
            self._digest.labels(outcome)

    # --- Slack requests ------------------------------------------------------------------

    def slack_request(self, kind: str, status: int, seconds: float | None = None) -> None:
        """Count one Slack request; ``seconds`` (when it reached Bolt) is its ack latency."""
        kind = kind if kind in REQUEST_KINDS else "other"
        self._requests.labels(kind, request_outcome(status)).inc()
        if seconds is not None:
            self._ack.labels(kind).observe(max(seconds, 0.0))

    def slack_payload(self, body: dict[str, Any], status: int, seconds: float) -> None:
        """Count one Slack request that came over Socket Mode (already parsed), acked in
        ``seconds``."""
        self.slack_request(request_kind(body), status, seconds)

    # --- domain --------------------------------------------------------------------------

    def check_ran(self, seconds: float) -> None:
        """Record how long one run of the quick checks took."""
        self._check.observe(max(seconds, 0.0))

    def incident_created(self, severity: str) -> None:
        """Count a new incident (not a retried or duplicate submission) by its severity."""
        self._incidents.labels(severity if severity in SEVERITIES else "other").inc()

    def outbox_delivered(self, outcome: str) -> None:
        """Count one outbox delivery attempt: ``sent``, ``retry`` or ``failed`` (else ``other``)."""
        self._outbox.labels(outcome if outcome in OUTBOX_OUTCOMES else "other").inc()

    def outbox_hook(self, then: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        """An ``Outbox.on_outcome`` hook that counts each attempt's status, then calls ``then``."""

        def hook(message: Any, outcome: Any) -> None:
            self.outbox_delivered(str(getattr(outcome, "status", "")))
            then(message, outcome)

        return hook

    def set_outbox_depth(self, depth: int) -> None:
        """Set the number of notices waiting to be delivered."""
        self._outbox_depth.set(depth)

    def watch_outbox_depth(self, depth: Callable[[], int]) -> None:
        """Read the outbox depth from ``depth`` at every scrape instead of setting it."""
        self._outbox_depth.set_function(_guarded(depth, "outbox depth"))

    def watch_reports_waiting(self, depth: Callable[[], int]) -> None:
        """Read how many accepted reports wait for their incident at every scrape."""
        self._reports_waiting.set_function(_guarded(depth, "reports waiting"))

    def digest_run(self, status: str) -> None:
        """Count one digest run by the runner's status (``posted``, ``posted_before``, ...)."""
        self._digest.labels(_DIGEST_STATUSES.get(status, "other")).inc()

    def timed(self, checker: Checker) -> TimedChecker:
        """``checker`` with the latency of every run recorded."""
        return TimedChecker(checker, self)

    # --- exposition ----------------------------------------------------------------------

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class TimedChecker:
    """Runs the quick checks and records how long each run took."""

    def __init__(self, checker: Checker, metrics: Metrics) -> None:
        self.checker = checker
        self.metrics = metrics

    def run(self, text: str) -> CheckResult:
        started = time.perf_counter()
        try:
            return self.checker.run(text)
        finally:
            self.metrics.check_ran(time.perf_counter() - started)


def _guarded(read: Callable[[], int], what: str) -> Callable[[], float]:
    """``read`` for a scrape: a failure is logged and shows as NaN, not as a failed scrape."""

    def value() -> float:
        try:
            return float(read())
        except Exception:
            log.exception("could not read the %s for /metrics", what)
            return math.nan

    return value


def _version() -> str:
    try:
        return version("safetybot")
    except PackageNotFoundError:
        return "unknown"
