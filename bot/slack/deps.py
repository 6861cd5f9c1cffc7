"""What the Slack listeners need, handed to each module's ``register``."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.incidents.drafts import DraftStore
from bot.incidents.intake import Intake
from bot.incidents.permissions import Permissions, TriageTeam
from bot.incidents.service import IncidentService
from bot.runtime.clock import Clock
from bot.runtime.ratelimit import RateLimiter
from bot.slack.after_ack import AfterAck
from bot.slack.blocks import TemplateRenderer
from bot.slack.delivery import Delivery
from bot.store.idempotency import Deduplicator


@dataclass
class SlackDeps:
    """Services, templates and delivery for the listeners."""

    settings: Settings
    clock: Clock
    incidents: IncidentService
    drafts: DraftStore
    intake: Intake
    renderer: TemplateRenderer
    delivery: Delivery
    after_ack: AfterAck  # the work after an ack goes here, never on the request's thread
    dedupe: Deduplicator | None = None
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(20))
    permissions: Permissions | None = None

    def __post_init__(self) -> None:
        if self.permissions is None:
            team = TriageTeam(users=self.settings.triage_user_ids, clock=self.clock)
            self.permissions = Permissions(team)

    @property
    def rules(self) -> Permissions:
        """Who may do what (the triage team, reporters, everyone)."""
        assert self.permissions is not None
        return self.permissions

    def is_triage(self, user_id: str) -> bool:
        """Whether ``user_id`` is on the triage team (configured ids or the user group)."""
        return self.rules.is_triage(user_id)
