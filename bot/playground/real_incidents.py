"""Whether a database holds incidents from a real workspace, which the playground (no login)
must not show unless told to.

Incidents made in the playground are all reported by the demo workspace's people (``U0ALICE``
and so on); any other reporter (a Slack user id of a real workspace, or ``cli:NAME``) means
the database was used for real.
"""

from __future__ import annotations

from sqlalchemy import func, inspect
from sqlmodel import Session, col, select

from bot.config import ConfigError
from bot.playground.workspace import Workspace
from bot.store.db import make_engine
from bot.store.models import Incident

OVERRIDE = "SAFETYBOT_PLAYGROUND_REAL_INCIDENTS=1"
TABLE = "incident"


def count_real_incidents(url: str, workspace: Workspace) -> int:
    """How many incidents in the database at ``url`` were reported by someone outside ``workspace``."""
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(TABLE):
            return 0
        demo = [person.id for person in workspace.people]
        query = select(func.count()).where(col(Incident.reporter_id).not_in(demo))
        with Session(engine) as session:
            return int(session.exec(query).one())
    finally:
        engine.dispose()


def refuse_real_incidents(url: str, workspace: Workspace) -> None:
    """Fail with one line when the database at ``url`` holds incidents from a real workspace."""
    found = count_real_incidents(url, workspace)
    if found:
        raise ConfigError(
            f"SAFETYBOT_DATABASE_URL holds {found} incident(s) reported outside the playground, "
            "which has no login: point it at another database (or unset it for a scratch one), "
            f"or set {OVERRIDE} to open it anyway"
        )
