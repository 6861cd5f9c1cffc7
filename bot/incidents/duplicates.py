"""Near-duplicate evidence: a content hash for the same text, MinHash with LSH bands for
nearly the same, so intake can say "possibly the same as AIS-17".

A lookup made for one reader (``reader``: a user id) leaves out the restricted incidents
that reader did not report, in the query itself: a hidden match must neither be named nor
take the place of a visible one, or the hints would tell that it exists. A lookup without a
reader sees everything; it is for the triage team.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, func, or_, select
from sqlmodel import Session, col

from bot.checks.similarity import (
    BANDS,
    content_hash,
    jaccard_estimate,
    lsh_bands,
    minhash_signature,
)
from bot.store.models import Evidence, EvidenceBand, Incident

NEAR_DUPLICATE_MIN = 0.7


@dataclass(frozen=True)
class Fingerprint:
    """What duplicate detection needs of a text, computed once per report."""

    digest: str
    signature: list[int]
    bands: list[int]

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        signature = minhash_signature(text)
        return cls(content_hash(text), signature, lsh_bands(signature))

    @classmethod
    def stored(cls, evidence: Evidence) -> Fingerprint | None:
        """The fingerprint kept with stored evidence; None when it has no signature."""
        if not evidence.minhash:
            return None
        signature = list(evidence.minhash)
        return cls(evidence.content_hash, signature, lsh_bands(signature))


@dataclass(frozen=True)
class DuplicateMatch:
    """A stored incident whose evidence matches a new text."""

    key: str
    title: str
    similarity: float
    exact: bool


def _visible(reader: str | BindParameter[str]) -> ColumnElement[bool]:
    """Incidents ``reader`` may see without being on the triage team."""
    return or_(col(Incident.restricted).is_(False), col(Incident.reporter_id) == reader)


def _near_duplicates_statement(
    *, for_reader: bool = False
) -> Select[str, str, list[int] | None, bool, str]:
    """Incidents sharing the most LSH bands with a text (bound as ``lsh_0``..``lsh_15``),
    with their signatures; built once, since building it per report costs more than running it.
    ``for_reader``: only incidents the user bound as ``reader`` may see.
    """
    hits = func.count().label("hits")
    # One (band, value) pair per OR arm: SQLite answers each from the index, where a
    # row-value IN would scan the whole table.
    pairs = [
        and_(col(EvidenceBand.band) == band, col(EvidenceBand.value) == bindparam(f"lsh_{band}"))
        for band in range(BANDS)
    ]
    candidates = select(col(EvidenceBand.incident_id), hits).where(or_(*pairs))
    if for_reader:
        candidates = candidates.join(Incident, col(Incident.id) == col(EvidenceBand.incident_id))
        candidates = candidates.where(_visible(bindparam("reader")))
    subquery = (
        candidates.group_by(col(EvidenceBand.incident_id))
        .order_by(hits.desc())
        .limit(20)
        .subquery()
    )
    return (
        select(
            col(Incident.key),
            col(Incident.title),
            col(Evidence.minhash),
            col(Incident.restricted),
            col(Incident.reporter_id),
        )
        .join(subquery, subquery.c.incident_id == col(Incident.id))
        .join(Evidence, col(Evidence.incident_id) == col(Incident.id))
    )


NEAR_DUPLICATES = _near_duplicates_statement()
NEAR_DUPLICATES_FOR_READER = _near_duplicates_statement(for_reader=True)


def duplicates_in(
    session: Session, fingerprint: Fingerprint, *, limit: int = 3, reader: str | None = None
) -> list[DuplicateMatch]:
    """Stored incidents with the same evidence, then nearly the same, best first; with a
    ``reader``, only those that reader may see (restricted ones only when they reported them).
    """
    return [match for match, _ in _found(session, fingerprint, limit=limit, reader=reader)]


@dataclass(frozen=True)
class ReportMatches:
    """What a new report's one lookup found: the matches its triage post names (restricted
    ones too), and those its reporter may be told of."""

    team: list[DuplicateMatch] = field(default_factory=list)
    reporter: list[DuplicateMatch] = field(default_factory=list)


def duplicates_for_report(
    session: Session, fingerprint: Fingerprint, *, reporter: str, limit: int = 3
) -> ReportMatches:
    """The one lookup a new report makes, for its triage post and for its reporter. The
    reporter's matches are taken from a longer list, so that a hidden match does not take the
    place of a visible one."""
    found = _found(session, fingerprint, limit=limit + REPORTER_MARGIN, reader=None)
    visible = [match for match, seen_by in found if seen_by is None or seen_by == reporter]
    return ReportMatches(team=[match for match, _ in found][:limit], reporter=visible[:limit])


# How many more matches a report's one lookup reads than it names, for its reporter's view.
REPORTER_MARGIN = 12


def _found(
    session: Session, fingerprint: Fingerprint, *, limit: int, reader: str | None
) -> list[tuple[DuplicateMatch, str | None]]:
    """The matches, best first, each with the only user besides the triage team who may see
    it (its reporter, for a restricted incident; None when everyone may)."""
    exact_query = (
        select(
            col(Incident.key),
            col(Incident.title),
            col(Incident.restricted),
            col(Incident.reporter_id),
        )
        .join(Evidence, col(Evidence.incident_id) == col(Incident.id))
        .where(col(Evidence.content_hash) == fingerprint.digest)
    )
    if reader is not None:
        exact_query = exact_query.where(_visible(reader))
    exact = session.execute(exact_query.order_by(col(Incident.id)).limit(limit)).all()
    found = [
        (DuplicateMatch(key=k, title=t, similarity=1.0, exact=True), r if hidden else None)
        for k, t, hidden, r in exact
    ]
    found += _near(session, fingerprint, {m.key for m, _ in found}, reader)
    return sorted(found, key=lambda f: (-f[0].similarity, f[0].key))[:limit]


def _near(
    session: Session, fingerprint: Fingerprint, seen: set[str], reader: str | None
) -> list[tuple[DuplicateMatch, str | None]]:
    values: dict[str, object] = {
        f"lsh_{band}": value for band, value in enumerate(fingerprint.bands)
    }
    statement = NEAR_DUPLICATES
    if reader is not None:
        statement, values["reader"] = NEAR_DUPLICATES_FOR_READER, reader
    out = []
    for key, title, stored, hidden, reporter in session.execute(statement, values).all():
        score = jaccard_estimate(fingerprint.signature, stored or [])
        if key not in seen and score >= NEAR_DUPLICATE_MIN:
            match = DuplicateMatch(key=key, title=title, similarity=score, exact=False)
            out.append((match, reporter if hidden else None))
    return out
