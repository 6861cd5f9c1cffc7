"""Weekly digest: figures plus rendering over 100,000 incidents reported across two years.

The history is realistic in shape: ~960 incidents a week over 104 weeks, 40 models, most
closed within weeks, a few reopened or merged, each with its timeline events. Measured:
the median time of ``WeeklyDigest.figures`` + ``render_message`` for the last complete
week, the Python heap peak of one such call, and the same time over 10,000 incidents (the
cost must follow the week's own incidents, not the total). On SQLite always; on PostgreSQL
when ``SAFETYBOT_TEST_DATABASE_URL`` is set (in a private schema, dropped afterwards).
"""

from __future__ import annotations

import os
import statistics
import tracemalloc
from pathlib import Path
from tempfile import TemporaryDirectory

from bot.digest.weekly import WeeklyDigest
from bot.runtime.clock import FixedClock
from bot.slack.blocks import TemplateRenderer
from tests.bench.common import Row, timings_ms
from tests.bench.history import NOW, database, history, insert_history

ZONE = "Europe/Berlin"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TARGET_MS = 300.0
TARGET_MB = 100.0


def _measure(kind: str, count: int, days: int) -> tuple[float, float, int]:
    """(median ms, Python heap peak in MB, the week's new incidents) over ``count`` incidents."""
    with TemporaryDirectory() as tmp, database(kind, Path(tmp)) as db:
        insert_history(db, history(count, days))
        digest = WeeklyDigest(db, zone=ZONE, clock=FixedClock(NOW))
        renderer = TemplateRenderer(TEMPLATES)
        week = digest.last_complete_week()

        def once() -> None:
            renderer.render_message("digest/weekly", **digest.context(week))

        median = statistics.median(timings_ms(once, repeat=15))
        tracemalloc.start()
        once()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        return median, peak, digest.figures(week).new


def _rows(kind: str) -> list[Row]:
    # The same weekly rate (~960 a week): 10k over ten weeks, 100k over two years.
    small, _, small_week = _measure(kind, 10_000, 73)
    large, peak, weekly = _measure(kind, 100_000, 730)
    name = f"digest ({kind})"
    return [
        Row(
            name,
            f"figures+render p50, 100k incidents ({weekly} that week)",
            large,
            "ms",
            target=f"≤ {TARGET_MS:.0f} ms",
            ok=large <= TARGET_MS,
        ),
        Row(
            name,
            "Python heap peak of one digest, 100k incidents",
            peak,
            "MB",
            target=f"≤ {TARGET_MB:.0f} MB",
            ok=peak <= TARGET_MB,
        ),
        Row(
            name,
            f"100k vs 10k in total ({small_week} that week), p50",
            large,
            "ms",
            baseline=small,
            target="≈1×: follows the week, not the total",
            ok=large <= 2 * small,
        ),
    ]


def run() -> list[Row]:
    rows = _rows("sqlite")
    if os.environ.get("SAFETYBOT_TEST_DATABASE_URL"):
        rows += _rows("postgres")
    return rows
