"""Who may do what: the triage team (configured ids or a Slack user group) and the rules.

The triage team changes incidents; a reporter may add notes to their own incidents and see
their content; anyone may add a note to an incident that is not restricted. A user group's
members are fetched through an injected function (``usergroups.users.list`` in production)
and cached for a short while, measured on the injected clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from bot.incidents.errors import PermissionDenied
from bot.runtime.clock import Clock
from bot.store.models import Incident

log = logging.getLogger(__name__)

MEMBERS_TTL = timedelta(seconds=60)
RETRY_AFTER_FAILURE = timedelta(seconds=10)

FetchMembers = Callable[[str], Iterable[str]]


class TriageTeam:
    """The triage team: configured user ids plus the members of a user group, cached."""

    def __init__(
        self,
        *,
        users: Iterable[str] = (),
        usergroup: str | None = None,
        fetch: FetchMembers | None = None,
        clock: Clock,
        ttl: timedelta = MEMBERS_TTL,
    ) -> None:
        self.users = frozenset(users)
        self.usergroup = usergroup or None
        self.fetch = fetch
        self.clock = clock
        self.ttl = ttl
        self._group: frozenset[str] | None = None
        self._expires: datetime | None = None
        self._lock = threading.Lock()

    def is_member(self, user_id: str) -> bool:
        """Whether ``user_id`` is on the team right now (as far as the cache knows)."""
        return bool(user_id) and (user_id in self.users or user_id in self._group_members())

    def members(self) -> frozenset[str]:
        """Everyone on the team: the configured ids and the group's members."""
        return self.users | self._group_members()

    def forget(self) -> None:
        """Drop the cached group members; the next question fetches them again."""
        with self._lock:
            self._group, self._expires = None, None

    def _group_members(self) -> frozenset[str]:
        if self.usergroup is None or self.fetch is None:
            return frozenset()
        with self._lock:
            now = self.clock.now()
            if self._expires is None or now >= self._expires:
                self._refresh(now)
            return self._group or frozenset()

    def _refresh(self, now: datetime) -> None:
        """Fetch the group; on failure keep what was known (or nobody) and retry soon."""
        assert self.usergroup is not None and self.fetch is not None
        try:
            self._group = frozenset(self.fetch(self.usergroup))
            self._expires = now + self.ttl
        except Exception as exc:
            log.warning(
                "could not read the members of user group %s (%s); %s",
                self.usergroup,
                type(exc).__name__,
                "keeping the last known members" if self._group else "only listed users count",
            )
            self._expires = now + RETRY_AFTER_FAILURE


class Permissions:
    """The rules of who may change, annotate and read an incident."""

    def __init__(self, team: TriageTeam) -> None:
        self.team = team

    def is_triage(self, user_id: str) -> bool:
        """Whether ``user_id`` is on the triage team."""
        return self.team.is_member(user_id)

    def require_triage(self, user_id: str, key: str, what: str) -> None:
        """Refuse politely unless ``user_id`` is on the triage team."""
        if not self.is_triage(user_id):
            raise PermissionDenied(
                f"Sorry, only the safety triage team can {what} {key}. Nothing was changed; "
                "you can still add a note."
            )

    def may_note(self, user_id: str, incident: Incident) -> bool:
        """Notes: the team, the reporter, or anyone when the incident is not restricted."""
        return self.may_see_content(user_id, incident)

    def require_note(self, user_id: str, incident: Incident) -> None:
        """Refuse politely unless ``user_id`` may add a note to ``incident``."""
        if not self.may_note(user_id, incident):
            raise PermissionDenied(
                f"Sorry, {incident.key} is restricted: only the triage team and its reporter "
                "can add notes. Nothing was changed."
            )

    def may_see_content(self, user_id: str, incident: Incident) -> bool:
        """Title, evidence and findings of a restricted incident: team and reporter only."""
        return not incident.restricted or user_id == incident.reporter_id or self.is_triage(user_id)
