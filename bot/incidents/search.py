"""Finding incidents by the words of their title or evidence, as people are shown them.

The database finds candidates on the stored text (:mod:`bot.store.text_search`); each page
of candidates is then searched again in its masked form (:mod:`bot.masking.masked_search`),
so a match only inside a credential or a piece of personal data does not count.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from bot.incidents.errors import InvalidInput
from bot.incidents.rows import MASKED
from bot.masking import masked_search
from bot.masking.redaction import Redactor
from bot.store import text_search
from bot.store.db import Database
from bot.store.models import Evidence, Finding, Incident


def find(
    db: Database, redactor: Redactor, words: str, *, limit: int, include_restricted: bool
) -> list[Incident]:
    """Incidents whose title or evidence contains every word, newest first.

    A match only inside a credential or a piece of personal data does not count: the
    candidates are fetched a page at a time and searched again in their masked form.
    """
    terms = [w for w in words.split() if w.strip()][:10]
    if not terms:
        raise InvalidInput("Give me some words to search for.")
    statement = select(Incident).join(Evidence, col(Evidence.incident_id) == col(Incident.id))
    if not include_restricted:
        statement = statement.where(col(Incident.restricted).is_(False))
    statement = statement.where(text_search.title_or_evidence_has(db.engine, terms))
    statement = statement.order_by(col(Incident.id).desc())
    page_size = max(2 * limit, 50)
    found: list[Incident] = []
    offset = 0
    with db.session() as session:
        while True:
            page = list(session.scalars(statement.offset(offset).limit(page_size)).all())
            kept = masked_search.survivors(session, terms, _masked(session, redactor, page))
            found += [incident for incident, keep in zip(page, kept, strict=True) if keep]
            if len(found) >= limit or len(page) < page_size:
                return found[:limit]
            offset += page_size


def _masked(
    session: Session, redactor: Redactor, page: list[Incident]
) -> list[masked_search.Masked]:
    """Title and evidence of each incident of ``page`` as people see them."""
    ids = [i.id for i in page]
    texts = dict(
        session.execute(
            select(col(Evidence.incident_id), col(Evidence.text)).where(
                col(Evidence.incident_id).in_(ids)
            )
        ).all()
    )
    spans: dict[int, list[tuple[int, int]]] = {}
    for incident_id, found in session.execute(
        select(col(Finding.incident_id), col(Finding.spans)).where(
            col(Finding.incident_id).in_(ids), col(Finding.category).in_(MASKED)
        )
    ).all():
        spans.setdefault(incident_id, []).extend((int(a), int(b)) for a, b in found)
    return [
        masked_search.Masked(
            title=redactor.text(i.title),
            evidence=redactor.evidence(texts.get(i.id, ""), spans.get(i.id or 0, [])),
        )
        for i in page
    ]
