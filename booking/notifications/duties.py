"""Periodic duties, run by the worker every minute and exactly once across all workers.

Every worker ticks at the same wall-clock moments; only the one holding the leader lock does
the work, so several workers on several hosts run each tick once. The leader lock is:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its
  own that the leader keeps open. A per-transaction lock (`pg_try_advisory_xact_lock`) only
  keeps two workers from running *at the same moment*: a worker ticking a second later would
  find it released and run the same tick again. The session lock stays with one worker until
  it stops or dies (PostgreSQL drops it with the connection), then the next worker to tick
  takes over. It needs a direct connection or a session-mode pooler, not a transaction-mode
  pgbouncer.
- SQLite: an exclusive `flock` on a file next to the database. SQLite lives on one host, and
  the lock also covers a `flask worker` started beside the dev server's embedded thread.

The duties are the features': each registers its own with `registry.register_duty` when the
app is created (the enrolment engine: overdue offers and approvals, reserved seats to release,
promotions, then the reminders; see booking.enrolment.duties). They are idempotent, so a
leader that dies halfway and a successor that runs the same work again change nothing twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from booking.notifications import registry

log = logging.getLogger("booking.worker")

LEADER_KEY = 0x626F6F6B  # "book": the advisory lock key of the duties' leader


class PostgresLeadership:
    def __init__(self, url):
        # NullPool: closing the connection really closes it, so the lock cannot linger in a
        # pooled connection that someone else then uses.
        self._engine = create_engine(url, poolclass=NullPool)
        self._connection = None

    def acquire(self) -> bool:
        """True while this worker is the leader (taking the lock when it is free)."""
        if self._connection is not None:
            try:
                self._connection.exec_driver_sql("SELECT 1")
                return True
            except Exception:
                log.warning("leader connection lost; trying to take the lock again")
                self._drop()
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_KEY})
        except Exception:
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self._connection = connection
        log.info("this worker leads the periodic duties")
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken: closing is all that is left
                connection.invalidate()

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.scalar(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_KEY}
                )
                self._connection.close()
            except Exception:
                self._drop()
            self._connection = None
        self._engine.dispose()


class FileLeadership:
    """An exclusive lock on a file: per open file, so it also excludes threads of one process."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        try:
            import fcntl
        except ImportError:  # not on Unix: a single host and process is all SQLite serves
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops the lock
            self._fd = None


class ThreadLeadership:
    """In-memory SQLite: one process is all there is."""

    _locks: dict[str, threading.Lock] = {}

    def __init__(self, key: str):
        self._lock = self._locks.setdefault(key, threading.Lock())
        self._held = False

    def acquire(self) -> bool:
        if not self._held:
            self._held = self._lock.acquire(blocking=False)
        return self._held

    def release(self) -> None:
        if self._held:
            self._lock.release()
            self._held = False


def leadership_for(engine: Engine):
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return PostgresLeadership(url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return FileLeadership(f"{url.database}.duties-lock")
    return ThreadLeadership(str(url))


def run_tick(leadership, now: datetime | None = None) -> dict | None:
    """One tick: every registered duty if this worker leads, else nothing (None). Returns
    the duties' counts added up by key (the log line names each)."""
    if not leadership.acquire():
        return None
    totals: dict[str, int] = {}
    for _name, duty in registry.duties():  # in registration order; each commits its own work
        for key, value in duty(now).items():
            totals[key] = totals.get(key, 0) + value
    log.info("duties %s", " ".join(f"{key}={value}" for key, value in totals.items()))
    return totals
