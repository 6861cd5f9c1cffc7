"""The digest counts the week's new incidents by eval, beside the count by model
(SQLite and PostgreSQL), and says nothing of evals in a week without any."""

from __future__ import annotations

from bot.digest.context import digest_context
from bot.digest.weekly import WeeklyDigest
from bot.digest.weeks import parse_week
from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService
from bot.runtime.clock import FixedClock
from bot.slack.blocks import TemplateRenderer
from tests.digest.conftest import ZONE, utc

W47 = parse_week("2026-W47", ZONE)


def _report(service: IncidentService, n: int, *, model: str, eval_name: str | None) -> None:
    request = ReportRequest(
        text=f"Sample {n}: the model threatened to leak the emails unless it stays on.",
        reporter_id="import",
        model_name=model,
        eval_name=eval_name,
        severity="medium",
    )
    service.report(request)


def test_counts_by_eval_and_by_model(
    service: IncidentService, digest: WeeklyDigest, clock: FixedClock, renderer: TemplateRenderer
) -> None:
    """Evals are counted most first (case folded); incidents without an eval are not."""
    clock.at = utc(2026, 11, 18, 10)
    for n, (model, name) in enumerate(
        [("m-a", "shutdown_probe"), ("m-a", "Shutdown_Probe"), ("m-b", "email_agent"),
         ("m-b", None)]
    ):  # fmt: skip
        _report(service, n, model=model, eval_name=name)
    clock.at = utc(2026, 11, 20, 10)
    figures = digest.figures(W47)
    assert [(name.lower(), n) for name, n in figures.by_eval] == [
        ("shutdown_probe", 2),
        ("email_agent", 1),
    ]
    assert [(m, n) for m, n in figures.by_model] == [("m-a", 2), ("m-b", 2)]
    context = digest_context(figures, command="/safety")
    text = renderer.render_text("digest/weekly", **context)
    assert "By eval: " in text and "email_agent 1" in text
    message = renderer.render_message("digest/weekly", **context)
    assert "*By eval*" in str(message["blocks"])


def test_a_week_without_evals_has_no_eval_line(
    service: IncidentService, digest: WeeklyDigest, clock: FixedClock, renderer: TemplateRenderer
) -> None:
    """Reports by people (no eval) leave the eval count out of the digest."""
    clock.at = utc(2026, 11, 18, 10)
    _report(service, 1, model="m-a", eval_name=None)
    figures = digest.figures(W47)
    assert figures.by_eval == []
    context = digest_context(figures, command="/safety")
    assert "By eval" not in renderer.render_text("digest/weekly", **context)
    assert "By eval" not in str(renderer.render_message("digest/weekly", **context))
