"""Search answers only from what people are shown: a match inside a masked value is none.

The database finds candidates on the stored text (it keeps what was reported). Each is then
searched again in its masked form, with the database's own rules: on SQLite every word as
a case-insensitive substring of the title or the evidence, on PostgreSQL the same
full-text query over the masked documents (:mod:`bot.store.text_search`). A candidate whose
match rests only on a credential or a piece of personal data is dropped, so a search cannot
confirm a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.store import text_search


@dataclass(frozen=True)
class Masked:
    """One candidate as people see it: its title and its evidence, masked."""

    title: str
    evidence: str


def survivors(session: Session, terms: Sequence[str], candidates: Sequence[Masked]) -> list[bool]:
    """For each candidate, whether the search still matches its masked form."""
    return text_search.still_match(session, terms, [(c.title, c.evidence) for c in candidates])
