"""Near-duplicate evidence: a content hash for the same text, MinHash with LSH bands for
nearly the same, so intake can say "possibly the same as AIS-17"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlmodel import Session, col

from bot.checks.similarity import (
    BANDS,
    content_hash,
    jaccard_estimate,
    lsh_bands,
    minhash_signature,
)
from bot.models import Evidence, EvidenceBand, Incident

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


def _near_duplicates_statement() -> Select[str, str, list[int] | None]:
    """Incidents sharing the most LSH bands with a text (bound as ``lsh_0``..``lsh_15``),
    with their signatures; built once, since building it per report costs more than running it.
    """
    hits = func.count().label("hits")
    # One (band, value) pair per OR arm: SQLite answers each from the index, where a
    # row-value IN would scan the whole table.
    pairs = [
        and_(col(EvidenceBand.band) == band, col(EvidenceBand.value) == bindparam(f"lsh_{band}"))
        for band in range(BANDS)
    ]
    candidates = (
        select(col(EvidenceBand.incident_id), hits)
        .where(or_(*pairs))
        .group_by(col(EvidenceBand.incident_id))
        .order_by(hits.desc())
        .limit(20)
        .subquery()
    )
    return (
        select(col(Incident.key), col(Incident.title), col(Evidence.minhash))
        .join(candidates, candidates.c.incident_id == col(Incident.id))
        .join(Evidence, col(Evidence.incident_id) == col(Incident.id))
    )


NEAR_DUPLICATES = _near_duplicates_statement()


def duplicates_in(
    session: Session, fingerprint: Fingerprint, *, limit: int = 3
) -> list[DuplicateMatch]:
    """Stored incidents with the same evidence, then nearly the same, best first."""
    exact = session.execute(
        select(col(Incident.key), col(Incident.title))
        .join(Evidence, col(Evidence.incident_id) == col(Incident.id))
        .where(col(Evidence.content_hash) == fingerprint.digest)
        .order_by(col(Incident.id))
        .limit(limit)
    ).all()
    matches = [DuplicateMatch(key=k, title=t, similarity=1.0, exact=True) for k, t in exact]
    matches += _near(session, fingerprint, {m.key for m in matches})
    return sorted(matches, key=lambda m: (-m.similarity, m.key))[:limit]


def _near(session: Session, fingerprint: Fingerprint, seen: set[str]) -> list[DuplicateMatch]:
    values = {f"lsh_{band}": value for band, value in enumerate(fingerprint.bands)}
    out = []
    for key, title, stored in session.execute(NEAR_DUPLICATES, values).all():
        score = jaccard_estimate(fingerprint.signature, stored or [])
        if key not in seen and score >= NEAR_DUPLICATE_MIN:
            out.append(DuplicateMatch(key=key, title=title, similarity=score, exact=False))
    return out
