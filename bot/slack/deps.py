"""What the Slack listeners need, handed to each module's ``register``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.incidents.drafts import DraftStore
from bot.incidents.intake import Intake
from bot.incidents.permissions import Permissions
from bot.incidents.service import IncidentService
from bot.judge.reviewer import Reviewer
from bot.runtime.clock import Clock
from bot.runtime.ratelimit import RateLimiter
from bot.slack.after_ack import AfterAck
from bot.slack.blocks import TemplateRenderer
from bot.slack.delivery import Delivery
from bot.store.idempotency import Deduplicator

if TYPE_CHECKING:
    from bot.reproduce.runs import ReproductionService


@dataclass
class SlackDeps:
    """Services, templates and delivery for the listeners, all built by the composition root."""

    settings: Settings
    clock: Clock
    incidents: IncidentService
    drafts: DraftStore
    intake: Intake
    renderer: TemplateRenderer
    delivery: Delivery
    after_ack: AfterAck  # the work after an ack goes here, never on the request's thread
    limiter: RateLimiter
    permissions: Permissions
    dedupe: Deduplicator | None = None
    reproductions: ReproductionService | None = None  # when a target model is configured
    judge: Reviewer | None = None  # the judge of ``check --judge``, when one is configured

    @property
    def rules(self) -> Permissions:
        """Who may do what (the triage team, reporters, everyone)."""
        return self.permissions

    def is_triage(self, user_id: str) -> bool:
        """Whether ``user_id`` is on the triage team (configured ids or the user group)."""
        return self.rules.is_triage(user_id)
