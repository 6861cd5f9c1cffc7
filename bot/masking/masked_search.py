"""Search answers only from what people are shown: a match inside a masked value is none.

The database finds candidates on the stored text (it keeps what was reported). Each is then
searched again in its masked form, with the database's own rules: on SQLite every word as
a case-insensitive substring of the title or the evidence, on PostgreSQL the same
full-text query over the masked documents. A candidate whose match rests only on a
credential or a piece of personal data is dropped, so a search cannot confirm a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal, literal_column, select
from sqlmodel import Session

# As in the PostgreSQL index expression (migration 0001): the first 200,000 characters.
FTS_LIMIT = 200_000
_SIMPLE = "'simple'::regconfig"


@dataclass(frozen=True)
class Masked:
    """One candidate as people see it: its title and its evidence, masked."""

    title: str
    evidence: str


def survivors(session: Session, terms: Sequence[str], candidates: Sequence[Masked]) -> list[bool]:
    """For each candidate, whether the search still matches its masked form."""
    if not candidates:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _full_text(session, " ".join(terms), candidates)
    return [_substrings(terms, c) for c in candidates]


def _substrings(terms: Sequence[str], candidate: Masked) -> bool:
    title, evidence = candidate.title.lower(), candidate.evidence.lower()
    return all(t.lower() in title or t.lower() in evidence for t in terms)


def _full_text(session: Session, words: str, candidates: Sequence[Masked]) -> list[bool]:
    """One round trip: the query against every masked title and evidence."""
    query = func.plainto_tsquery(literal_column(_SIMPLE), words)

    def matches(document: str) -> object:
        return func.to_tsvector(literal_column(_SIMPLE), literal(document)).op("@@")(query)

    columns = []
    for candidate in candidates:
        columns += [matches(candidate.title), matches(candidate.evidence[:FTS_LIMIT])]
    row = session.execute(select(*columns)).one()  # type: ignore[call-overload]
    return [bool(row[i]) or bool(row[i + 1]) for i in range(0, len(columns), 2)]
