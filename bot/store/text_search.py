"""Searching incidents for words, each database in its own way.

On PostgreSQL a word is a whole word of a full-text document (``plainto_tsquery`` over the
``simple`` configuration), answered by the GIN indexes of migrations 0001 (evidence) and
0003 (titles). On SQLite a word is a case-insensitive substring ("model" finds "models").
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlmodel import Session, col

from bot.store.dialect import Bind, is_postgresql
from bot.store.models import Evidence, Incident

# Must match the PostgreSQL index expression in migration 0001.
FTS_DOCUMENT = "to_tsvector('simple'::regconfig, left({column}, 200000))"
# As in that expression: the first 200,000 characters of a document.
FTS_LIMIT = 200_000
_SIMPLE = "'simple'::regconfig"


def title_or_evidence_has(bind: Bind, terms: Sequence[str]) -> ColumnElement[bool]:
    """A condition on ``incident`` joined with ``evidence``: the title or the evidence holds
    every word of ``terms``."""
    if is_postgresql(bind):
        query = func.plainto_tsquery(literal_column(_SIMPLE), " ".join(terms))
        in_text = literal_column(FTS_DOCUMENT.format(column="evidence.text")).op("@@")(query)
        in_title = func.to_tsvector(literal_column(_SIMPLE), col(Incident.title)).op("@@")(query)
        # A union of two indexed lookups: an OR across the joined tables would make
        # PostgreSQL compute both documents for every incident.
        return col(Incident.id).in_(
            union(
                select(col(Evidence.incident_id)).where(in_text),
                select(col(Incident.id)).where(in_title),
            )
        )
    conditions = []
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                col(Incident.title).ilike(pattern, escape="\\"),
                col(Evidence.text).ilike(pattern, escape="\\"),
            )
        )
    return and_(*conditions)


def still_match(
    session: Session, terms: Sequence[str], documents: Sequence[tuple[str, str]]
) -> list[bool]:
    """For each (title, evidence) pair of texts not in the database, whether the search for
    ``terms`` matches it by the database's own rules, as :func:`title_or_evidence_has`."""
    if not documents:
        return []
    if is_postgresql(session):
        return _full_text(session, " ".join(terms), documents)
    return [_substrings(terms, title, evidence) for title, evidence in documents]


def _substrings(terms: Sequence[str], title: str, evidence: str) -> bool:
    title, evidence = title.lower(), evidence.lower()
    return all(t.lower() in title or t.lower() in evidence for t in terms)


def _full_text(session: Session, words: str, documents: Sequence[tuple[str, str]]) -> list[bool]:
    """One round trip: the query against every title and evidence."""
    query = func.plainto_tsquery(literal_column(_SIMPLE), words)

    def matches(document: str) -> object:
        return func.to_tsvector(literal_column(_SIMPLE), literal(document)).op("@@")(query)

    columns = []
    for title, evidence in documents:
        columns += [matches(title), matches(evidence[:FTS_LIMIT])]
    row = session.execute(select(*columns)).one()  # type: ignore[call-overload]
    return [bool(row[i]) or bool(row[i + 1]) for i in range(0, len(columns), 2)]
