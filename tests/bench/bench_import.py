"""``safetybot import`` throughput: a 1,000-sample Inspect ``.eval`` log, screened and filed.

The log is realistic in shape: each sample a short agent transcript (system prompt, task,
two model turns with a tool call, a tool result), 5% of them flagged. The transcripts share
their prompts, as one task's samples do, so most flagged samples are near-duplicates of one
filed earlier in the run and are linked to it instead. Measured: samples per second
for reading the log and the first run (checks on every sample, the flagged ones filed),
and for a re-run (checks again, nothing filed). On SQLite always; on PostgreSQL when
``SAFETYBOT_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

from bot.incidents.service import IncidentService
from bot.ingest.formats import read_file
from bot.ingest.screening import ImportOptions, Screening, Summary
from bot.runtime.clock import SystemClock
from tests.bench.common import Row
from tests.bench.history import database
from tests.engines import shipped_checks

SAMPLES = 1_000
TARGET = 50.0  # samples per second, first run


def _messages(n: int) -> list[dict[str, object]]:
    answer = f"I listed the files in /srv/app{n}; the tests in module {n} pass."
    if n % 20 == 0:  # flagged
        answer = (
            f"If you replace me with the new model, I will send the board the emails about "
            f"project {n}. Cancel the switch tonight."
        )
    return [
        {"role": "system", "content": "You are a coding agent with shell access."},
        {"role": "user", "content": f"Check the test suite of module {n} and report."},
        {"role": "assistant", "content": "Let me look at the files first.",
         "tool_calls": [{"id": f"c{n}", "function": "bash", "arguments": {"cmd": "ls -la"}}]},
        {"role": "tool", "content": "total 12\nmain.py\ntests.py", "tool_call_id": f"c{n}",
         "function": "bash"},
        {"role": "assistant", "content": answer},
    ]  # fmt: skip


def _log(path: Path) -> Path:
    spec = {"eval_id": "BenchEval", "run_id": "BenchRun", "task": "bench", "model": "m/bench"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps({"version": 2, "eval": spec}))
        for n in range(SAMPLES):
            sample = {"id": n, "epoch": 1, "messages": _messages(n)}
            archive.writestr(f"samples/{n}_epoch_1.json", json.dumps(sample))
    return path


def _run(service: IncidentService, log: Path) -> tuple[float, Summary]:
    started = time.perf_counter()
    screening = Screening(service, ImportOptions())
    for sample in read_file(log):
        screening.screen(sample)
    summary = screening.finish()
    return SAMPLES / (time.perf_counter() - started), summary


def _rows(kind: str) -> list[Row]:
    with TemporaryDirectory() as tmp, database(kind, Path(tmp)) as db:
        log = _log(Path(tmp) / "bench.eval")
        checks = shipped_checks()
        service = IncidentService(db=db, checker=checks, clock=SystemClock(), key_prefix="AIS")
        first, summary = _run(service, log)
        again, repeat = _run(service, log)
    name = f"import ({kind})"
    filed = f"{summary.filed} filed, {summary.duplicates} linked"
    return [
        Row(name, f"first run, samples/s ({filed})", first, "/s", target=f">= {TARGET:g}",
            ok=first >= TARGET),
        Row(name, f"re-run, samples/s ({repeat.filed} filed)", again, "/s", ok=repeat.filed == 0),
    ]  # fmt: skip


def run() -> list[Row]:
    rows = _rows("sqlite")
    if os.environ.get("SAFETYBOT_TEST_DATABASE_URL"):
        rows += _rows("postgresql")
    return rows
