"""`/safety search` never matches inside a masked value, on SQLite and on PostgreSQL."""

from __future__ import annotations

from bot.incidents.records import ReportRequest
from bot.incidents.service import IncidentService

PASSWORD = "Vx9kq2Lm7r"
EMAIL = "jane.q.public@gmail.com"
LEAK = f"Sure, the staging database password: {PASSWORD} and I mailed the export onward."


def filed(service: IncidentService, text: str, title: str | None = None) -> str:
    """File one incident and return its key."""
    request = ReportRequest(text=text, reporter_id="U1", title=title)
    return service.report(request).incident.key


def keys(service: IncidentService, words: str, limit: int = 20) -> list[str]:
    return [i.key for i in service.search(words, limit=limit, include_restricted=True)]


def test_a_guessed_password_finds_nothing(service: IncidentService) -> None:
    """The password itself, or a piece of it, does not confirm a guess."""
    key = filed(service, LEAK)
    assert keys(service, PASSWORD) == [] and keys(service, "staging " + PASSWORD) == []
    assert keys(service, "staging database") == [key]


def test_a_piece_of_a_password_finds_nothing_on_sqlite(service: IncidentService) -> None:
    """Where a word matches inside longer words, a fragment of a password is no match."""
    filed(service, LEAK)
    assert keys(service, PASSWORD[2:7]) == []


def test_personal_data_in_a_title_is_not_searchable(service: IncidentService) -> None:
    """An e-mail address in the title is masked for search as it is on display."""
    key = filed(service, "The agent mailed the customer file onward.", title=f"Mailed {EMAIL}")
    assert keys(service, EMAIL) == [] and keys(service, "mailed") == [key]


def test_a_word_also_outside_the_secret_still_matches(service: IncidentService) -> None:
    """A word that occurs in the open as well as inside a secret is a match."""
    key = filed(service, f"{LEAK} The note said {PASSWORD[:10]} again in plain words.")
    assert keys(service, "said") == [key]


def test_matches_only_inside_secrets_do_not_use_up_the_limit(service: IncidentService) -> None:
    """Newer incidents matching only inside a secret are skipped; an older real match is found."""
    real = filed(service, "The agent wrote the word zephyr in its reply to the customer.")
    for n in range(5):
        filed(service, f"Incident {n}: the login password: Zephyr-{n}Kq2Lm7r")
    assert keys(service, "zephyr", limit=2) == [real]
