"""``templates/digest/weekly``: valid Block Kit within Slack's limits whatever the data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from bot.digest.context import digest_context
from bot.digest.figures import Figures, Named
from bot.digest.weekly import WeeklyDigest
from bot.digest.weeks import Week
from bot.runtime.clock import FixedClock
from bot.slack.block_limits import MAX_MESSAGE_BLOCKS_TEXT, _text_length
from bot.slack.blocks import TemplateRenderer
from bot.store.db import Database
from bot.store.models import Incident, IncidentCategory
from tests.digest.conftest import ZONE
from tests.digest.test_presentation import _figures
from tests.inert import repeated

TEMPLATE = "digest/weekly"
HOSTILE = {
    "markup": "<!channel> <@U1> <#C1> <!subteam^S1> <https://evil|click> & *bold* `x` ```",
    "template": "{{ 7*7 }} {% raw %}{% endraw %} {# c #} ${x} {{ config }}",
    "json": '"}], "blocks": [{"type": "divider"}], "x": "\\" \n\t \u2028',
    "controls": "a\x00b\x1b[31m\u202egnp.exe\u2066 \r\n",
    "empty": "",
    "blank": " \n\t \u202e",
    "megabyte": "A<&>" * 262_144,
}


def _everything(value: str, *, named: int = 10, models: int = 40) -> Figures:
    """Figures for a week with 500 incidents where every piece of text is ``value`` (whole in
    the first of each list, :func:`~tests.inert.repeated` in the rest)."""
    week = Week(date(2026, 11, 16), ZONE)
    texts = [value] + [repeated(value)] * max(named, models, 20)
    people = [
        Named(f"AIS-{i}", texts[i], "critical" if i % 2 else "high", "investigating", week.start_at)
        for i in range(named)
    ]
    return replace(
        _figures(),
        new=500,
        previous_new=12,
        closed=480,
        previous_closed=3,
        backlog=1200,
        previous_backlog=1180,
        reopened=9,
        merged=40,
        restricted_new=77,
        reporters=350,
        by_severity={"critical": 100, "high": 100, "medium": 100, "low": 100, "none": 100},
        by_category=[(f"{texts[i]}-{i}", 500 - i) for i in range(20)],
        by_model=[(f"{texts[i]} model {i}", 40 - i) for i in range(models)] + [(None, 3)],
        ack_median=3600.0,
        acknowledged=450,
        close_median=86400.0 * 3,
        high=people,
        high_total=300,
        high_restricted=50,
        oldest=people[:5],
        trend={s: [i * 7 for i in range(8)] for s in ("critical", "high", "medium", "low", "none")},
    )


def _render(renderer: TemplateRenderer, figures: Figures) -> dict[str, Any]:
    return renderer.render_message(TEMPLATE, **digest_context(figures, command="/safety"))


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_renders_valid_and_inert(renderer: TemplateRenderer, kind: str) -> None:
    """Slack markup, template syntax, JSON breakers, controls, empty and 1 MB texts stay inert."""
    message = _render(renderer, _everything(HOSTILE[kind]))  # validated by render_message
    shown = json.dumps(message, ensure_ascii=False)
    assert "<!channel>" not in shown and "<@U1>" not in shown and "<https://evil" not in shown
    if kind == "template":
        assert "{{ 7*7 }}" in shown
    assert "\x1b" not in shown and "\u202e" not in shown
    assert len(message["blocks"]) <= 50
    assert _text_length(message["blocks"]) <= MAX_MESSAGE_BLOCKS_TEXT


def test_huge_week_keeps_lists_short(renderer: TemplateRenderer) -> None:
    """500 incidents and 40 models: top 8 models plus "others", ten named, the rest counted."""
    message = _render(renderer, _everything("A perfectly ordinary title"))
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert "33 others: 33" in shown or "33 others" in shown
    assert "model 7" in shown and "model 8:" not in shown
    assert "…and 240 more" in shown and "50 restricted (counted, not named)" in shown
    assert "*High and critical this week (300)*" in shown


def test_quiet_week_is_one_friendly_line(renderer: TemplateRenderer) -> None:
    """An empty week shows the range and one line saying so, not an empty table."""
    message = _render(renderer, _figures())
    types = [b["type"] for b in message["blocks"]]
    assert types == ["header", "context", "section", "context"]
    assert message["blocks"][2]["text"]["text"].startswith("A quiet week")
    assert "A quiet week" in message["text"]


def test_partial_week_says_so_far(renderer: TemplateRenderer) -> None:
    """The week in progress is titled "so far" and says as of when."""
    figures = _figures()
    figures = replace(figures, as_of=figures.week.start_at + timedelta(days=2, hours=13))
    message = _render(renderer, figures)
    assert message["blocks"][0]["text"]["text"] == "Weekly safety digest (so far)"
    assert "as of Wed 18 Nov, 13:00" in message["blocks"][1]["elements"][0]["text"]


def test_fallback_text_escapes_and_terminal_text_does_not(renderer: TemplateRenderer) -> None:
    """The message text escapes for Slack; the terminal text shows the title as written."""
    figures = _everything("Tom & <Jerry>", named=1)
    fallback = renderer.render_text(TEMPLATE, **digest_context(figures, command="/safety"))
    terminal = renderer.render_text(
        TEMPLATE, **digest_context(figures, command="/safety", terminal=True)
    )
    assert "Tom &amp; &lt;Jerry&gt;" in fallback and "<Jerry>" not in fallback
    assert "Tom & <Jerry>" in terminal


def _bulk_week(db: Database, week: Week, count: int, models: int) -> None:
    """Insert ``count`` incidents spread over ``week`` without going through the service."""
    start = week.start_at
    rows = [
        {
            "key": f"AIS-{n}",
            "prefix": "AIS",
            "number": n,
            "title": ("<!here> " + "very long title " * 40)[:300],
            "status": "new",
            "severity": ("critical", "high", "medium", "low")[n % 4],
            "restricted": n % 10 == 0,
            "model_name": f"model-{n % models}-" + "x" * 150,
            "reporter_id": f"U{n % 37}",
            "created_at": start + timedelta(minutes=17 * n),
            "updated_at": start + timedelta(minutes=17 * n),
            "seen_in": "other",
            "suggested_severity": "none",
            "check_reason": "",
            "reminders_sent": 0,
        }
        for n in range(1, count + 1)
    ]
    with db.write() as session:
        session.execute(insert(Incident), rows)
        ids = (
            session.execute(Incident.__table__.select().with_only_columns(Incident.__table__.c.id))
            .scalars()
            .all()
        )  # type: ignore[attr-defined]
        session.execute(
            insert(IncidentCategory),
            [{"incident_id": i, "category": c} for i in ids for c in ("coercion", "secrets")],
        )


def test_a_real_week_of_500_incidents_and_40_models(
    db: Database, clock: FixedClock, renderer: TemplateRenderer
) -> None:
    """Figures from 500 stored incidents with 40 long model names render within Slack's limits."""
    week = Week(date(2026, 11, 9), ZONE)
    _bulk_week(db, week, 500, 40)
    report = WeeklyDigest(db, zone=ZONE, clock=clock)
    figures = report.figures(week)
    assert figures.new == 500 and len(figures.by_model) == 40
    assert figures.restricted_new == 50 and figures.high_restricted == 25
    message = renderer.render_message(TEMPLATE, **report.context(week))
    shown = json.dumps(message, ensure_ascii=False)
    assert "<!here>" not in shown and "&lt;!here&gt;" in shown
    assert "32 others" in shown
