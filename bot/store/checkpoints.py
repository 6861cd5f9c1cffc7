"""SQLite write-ahead-log checkpoints in the background, so that no request pays for one.

SQLite copies the log back into the database file when a commit finds it over a threshold,
in that commit, so the report whose commit crosses it waits for the copy. Connections are
given a high threshold (a safety net, see ``bot.store.db``) and this thread checkpoints every few
seconds while the bot runs. ``PASSIVE`` never waits for readers or writers.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from bot.store.db import Database

log = logging.getLogger(__name__)


class Checkpointer:
    """Checkpoints a SQLite database every ``interval`` seconds; does nothing on PostgreSQL."""

    def __init__(self, db: Database, interval: float = 2.0) -> None:
        self.db = db
        self.interval = interval
        self.frames_moved = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the background thread (once)."""
        if not self.db.is_sqlite or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="safetybot-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after its current checkpoint."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def run_once(self) -> int:
        """One passive checkpoint; the number of log frames it copied into the database."""
        with self.db.engine.connect() as connection:
            row = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        moved = max(0, int(row[2]))  # -1 when the database is not in WAL mode
        self.frames_moved += moved
        return moved

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except SQLAlchemyError as exc:  # a locked or vanished file: try again later
                log.warning("sqlite checkpoint failed: %s", exc)
