"""APScheduler 3.x: one background scheduler per process, jobs with fixed ids.

Fixed ids with ``replace_existing`` mean a restart (or a second ``start``) replaces a job
instead of adding a copy. Jobs must be safe to run on several replicas at once: each one
coordinates through the database (a claimed row, a locked outbox message), not through the
scheduler.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger


@dataclass(frozen=True)
class ScheduledJob:
    """A job to schedule: a fixed id, what to call, and when."""

    id: str
    func: Callable[[], Any]
    trigger: BaseTrigger
    options: dict[str, Any] = field(default_factory=dict)


def build_scheduler(jobs: Sequence[ScheduledJob], *, timezone: str) -> BackgroundScheduler:
    """A scheduler holding ``jobs``; nothing runs until ``start()``."""
    scheduler = BackgroundScheduler(timezone=timezone)
    for job in jobs:
        scheduler.add_job(
            job.func,
            job.trigger,
            id=job.id,
            name=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            **job.options,
        )
    return scheduler
