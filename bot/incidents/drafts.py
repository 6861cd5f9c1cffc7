"""Drafts: the text of a report modal kept server-side while the modal is open.

A modal's ``private_metadata`` holds the draft id (and the categories and severity it
opened with); the evidence, which may be longer than any modal field, waits here until
the report is submitted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from bot.incidents import carried_checks
from bot.incidents.errors import NotFound
from bot.incidents.validation import NUL_STAND_IN
from bot.runtime.clock import Clock
from bot.store.db import Database
from bot.store.models import Draft, PendingReport

if TYPE_CHECKING:
    from bot.checks import CheckResult

KEEP_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Source:
    """Where a flagged message was: channel, timestamp and author."""

    channel: str | None = None
    ts: str | None = None
    author: str | None = None


def owned_draft(
    session: Session, draft_id: str, *, user_id: str, checks: bool = True, hold: bool = False
) -> Draft:
    """The draft in ``session``, if it belongs to ``user_id``; without ``checks`` loaded
    unless asked for (a long form's submission does not need them). With ``hold`` its row is
    locked until the transaction ends, so storing its report (which deletes it) waits."""
    options = [] if checks else [defer(Draft.checks)]  # type: ignore[arg-type]
    draft = session.get(Draft, draft_id, options=options, with_for_update=hold)
    if draft is None or draft.user_id != user_id:
        raise NotFound("This report form has expired; please open it again.")
    return draft


def checks_of(draft: Draft) -> CheckResult | None:
    """The checks the form ran on the draft's text, if it kept them."""
    return carried_checks.from_json(draft.checks) if draft.checks else None


def kept(text: str) -> str:
    """``text`` as a draft keeps it: NUL as ␀, which the form then shows as it is stored."""
    return text.replace("\x00", NUL_STAND_IN)


class DraftStore:
    """Create, read and expire drafts."""

    def __init__(self, *, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def create(
        self, *, user_id: str, text: str, source: Source, checks: CheckResult | None = None
    ) -> str:
        """Keep ``text`` and the ``checks`` the form ran on it for ``user_id``'s modal; returns
        the draft id."""
        draft_id = secrets.token_hex(12)
        with self.db.write() as session:
            session.add(
                Draft(
                    id=draft_id,
                    user_id=user_id,
                    text=kept(text),
                    source_channel=source.channel,
                    source_ts=source.ts,
                    source_author=source.author,
                    created_at=self.clock.now(),
                    checks=carried_checks.to_json(checks) if checks is not None else None,
                )
            )
        return draft_id

    def renew(self, draft_id: str, *, user_id: str, text: str, checks: CheckResult | None) -> Draft:
        """Keep ``text``, pasted into ``user_id``'s blank form, and the ``checks`` its refresh
        ran on it, so that a submission of that text reuses them; returns the draft
        (``NotFound`` when gone)."""
        with self.db.write() as session:
            draft = owned_draft(session, draft_id, user_id=user_id, checks=False)
            draft.text = kept(text)
            draft.checks = carried_checks.to_json(checks) if checks is not None else None
            session.add(draft)
        return draft

    def get(self, draft_id: str, *, user_id: str) -> Draft:
        """The draft, if it belongs to ``user_id``."""
        with self.db.session() as session:
            return owned_draft(session, draft_id, user_id=user_id)

    def purge(self) -> int:
        """Delete drafts older than two days, but for those whose text a report waiting to be
        stored holds (``PendingReport.draft_id``); returns how many."""
        cutoff = self.clock.now() - KEEP_FOR
        waiting = select(col(PendingReport.draft_id)).where(
            col(PendingReport.draft_id).is_not(None)
        )
        old = delete(Draft).where(col(Draft.created_at) < cutoff, col(Draft.id).not_in(waiting))
        with self.db.write() as session:
            result = session.execute(old)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
