"""The incident store at scale: what a Slack request reads, with 10,000 and 100,000 stored.

Measured through the functions the listeners call, rendering included: ``/safety list
open``, ``/safety search`` (words found in recent evidence, and a word found nowhere, so
every evidence text is read), ``/safety show KEY``, the near-duplicate lookup a new report
makes, and the App Home of a busy triager (hundreds of reports, over a thousand open
incidents assigned). Evidence texts are the development corpus with varied endings, so a
popular text has hundreds of near-duplicates, the hard case for the lookup. Each row is the
p99 at 100,000 incidents with the 10,000 figure as its baseline, so growth is visible.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.incidents.duplicates import Fingerprint
from bot.slack.commands import SUBCOMMANDS
from bot.slack.deps import SlackDeps
from bot.slack.home import home_view
from bot.store.models import OPEN_STATUSES, Evidence, EvidenceBand, Finding
from bot.wiring import build
from tests.bench.common import Row, percentile, shared_data, timings_ms
from tests.bench.history import History, database, history, insert_all, insert_history

SIZES = (10_000, 100_000)
WEEKLY = 960
BUSY = "U0001"  # reports ~1 in 300 incidents and has most of the open queue assigned
TRIAGERS = (BUSY, "U0002", "U0003")
RUNS = int(os.environ.get("SAFETYBOT_BENCH_STORE_RUNS", "200"))
# p99 budgets at 100,000 incidents, rendering included.
BUDGETS_MS = {
    "/safety list open": 50.0,
    "/safety search, two common words": 100.0,
    "/safety search, a word found nowhere": 500.0,
    "/safety show KEY": 50.0,
    "near-duplicate lookup of a new report": 20.0,
    "App Home of a busy triager": 100.0,
}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def run() -> list[Row]:
    """The store figures on SQLite, and on PostgreSQL when a URL is set."""
    kinds = ["sqlite"] + (["postgres"] if os.environ.get("SAFETYBOT_TEST_DATABASE_URL") else [])
    rows: list[Row] = []
    for kind in kinds:
        small, large = (_measure(kind, size) for size in SIZES)
        for name, budget in BUDGETS_MS.items():
            value = percentile(large[name], 99)
            rows.append(
                Row(
                    f"store ({kind}, 100k; baseline 10k)",
                    f"{name}, p99",
                    value,
                    "ms",
                    percentile(small[name], 99),
                    f"≤ {budget:.0f} ms",
                    value <= budget,
                )
            )
    return rows


def _measure(kind: str, size: int) -> dict[str, list[float]]:
    """Each read's durations (ms) over a store of ``size`` incidents."""
    with TemporaryDirectory() as tmp, database(kind, Path(tmp)) as db:
        rows = history(size, days=size * 7 // WEEKLY)
        _assign_open(rows)
        insert_history(db, rows)
        insert_all(db, _evidence_tables(rows))
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=db.url, triage_users=",".join(TRIAGERS)
        )
        services = build(settings)
        try:
            deps = _deps(settings, services)
            return {name: timings_ms(call, repeat=_runs(name)) for name, call in _reads(deps, size)}
        finally:
            services.db.dispose()


def _runs(name: str) -> int:
    return max(20, RUNS // 10) if "nowhere" in name else RUNS


def _reads(deps: SlackDeps, size: int) -> list[tuple[str, Callable[[], object]]]:
    rng = random.Random(3)
    texts = _corpus()

    def command(name: str, words: Callable[[], str]) -> Callable[[], object]:
        return lambda: SUBCOMMANDS[name](deps, _ack, None, BUSY, words(), {})

    def near_duplicate() -> object:
        text = rng.choice(texts) + "\n\nSeen again in today's eval run."
        return deps.incidents.find_duplicates(text)

    return [
        ("/safety list open", command("list", lambda: "open")),
        ("/safety search, two common words", command("search", lambda: "access review")),
        ("/safety search, a word found nowhere", command("search", lambda: "zyzzyvas")),
        ("/safety show KEY", command("show", lambda: f"AIS-{rng.randrange(1, size + 1)}")),
        ("near-duplicate lookup of a new report", near_duplicate),
        ("App Home of a busy triager", lambda: home_view(deps, BUSY)),
    ]


def _ack(**message: Any) -> None:
    """Stands in for Bolt's ack: the message is already rendered and validated."""


def _deps(settings: Settings, services: Any) -> SlackDeps:
    from bot.incidents.intake import Intake
    from bot.incidents.permissions import Permissions, TriageTeam
    from bot.runtime.ratelimit import RateLimiter
    from bot.slack.after_ack import AfterAck, ListenerPool
    from bot.slack.app import error_reporter
    from bot.slack.blocks import TemplateRenderer
    from bot.slack.delivery import Delivery

    renderer = TemplateRenderer(TEMPLATES)
    client = WebClient(base_url="http://127.0.0.1:9/")  # never called by these reads
    return SlackDeps(
        settings=settings,
        clock=services.clock,
        incidents=services.incidents,
        drafts=services.drafts,
        intake=Intake(db=services.db, incidents=services.incidents, clock=services.clock),
        renderer=renderer,
        delivery=Delivery(
            client=client, renderer=renderer, incidents=services.incidents, triage_channel=None
        ),
        after_ack=AfterAck(ListenerPool(max_workers=1), report=error_reporter(renderer)),  # unused
        limiter=RateLimiter(20),
        permissions=Permissions(TriageTeam(users=settings.triage_user_ids, clock=services.clock)),
    )


def _assign_open(rows: History) -> None:
    """Open incidents get an assignee: most go to the busy triager."""
    rng = random.Random(5)
    for row in rows.incidents:
        if row["status"] in OPEN_STATUSES and rng.random() < 0.8:
            row["assignee_id"] = BUSY if rng.random() < 0.6 else rng.choice(TRIAGERS[1:])


def _evidence_tables(rows: History) -> list[tuple[type, list[dict[str, Any]]]]:
    """Evidence, duplicate-detection bands and two findings for every incident."""
    rng = random.Random(9)
    texts = _corpus()
    evidence, bands, findings = [], [], []
    for row in rows.incidents:
        number = row["id"]
        text = f"{rng.choice(texts)}\n\nReported from eval run {rng.randrange(40)}."
        print_ = _fingerprint(text)
        evidence.append(
            {
                "incident_id": number,
                "text": text,
                "content_hash": print_.digest,
                "minhash": print_.signature,
            }
        )
        bands += [
            {"incident_id": number, "band": b, "value": v} for b, v in enumerate(print_.bands)
        ]
        findings += [
            {
                "incident_id": number,
                "category": category,
                "check_id": f"{category}.bench",
                "score": 0.8,
                "actuality": "stated",
                "spans": [[0, 40]],
                "excerpt": text[:40],
            }
            for category in ("coercion", "deception")
        ]
    return [(Evidence, evidence), (EvidenceBand, bands), (Finding, findings)]


@cache
def _fingerprint(text: str) -> Fingerprint:
    return Fingerprint.of(text)


@cache
def _corpus() -> list[str]:
    path = shared_data() / "checks" / "corpus.jsonl"
    if not path.exists():
        raise SystemExit(f"bench_store needs the development corpus at {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]
