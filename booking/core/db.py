"""Database helpers shared by every feature: UTC timestamps, row locks, SQLite pragmas."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator

from booking.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores an aware datetime as UTC and returns it aware, on SQLite and PostgreSQL alike.

    SQLite has no time zone support, so the naive UTC value is stored there; naive input is
    refused instead of guessed, because a guessed zone is how invites end up an hour off.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


DEFAULT_BUSY_TIMEOUT_MS = 30000


def _is_sqlite(dbapi_connection) -> bool:
    return "sqlite" in type(dbapi_connection).__module__


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: foreign keys on, wait for a busy database, and let SQLAlchemy own transactions.

    The sqlite3 driver otherwise starts a transaction only at the first write, which breaks
    savepoints (releasing one would commit) and lets two requests read the same counter
    before either writes. Turning its own handling off and sending BEGIN IMMEDIATE at the
    start of every transaction (below) serialises writers, as invariant 1 (capacity) relies on.
    """
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={DEFAULT_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        mode = getattr(connection.engine, "sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def configure_engine(app) -> None:
    """Per-app engine settings the event hooks above read."""
    mode = app.config.get("SQLITE_BEGIN", "IMMEDIATE")
    if mode not in ("IMMEDIATE", "DEFERRED"):
        raise RuntimeError("SQLITE_BEGIN must be IMMEDIATE or DEFERRED")
    busy_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    with app.app_context():
        engine = db.engine
        engine.sqlite_begin = mode
        if busy_ms != DEFAULT_BUSY_TIMEOUT_MS:

            @event.listens_for(engine, "connect")
            def _busy_timeout(dbapi_connection, connection_record):
                if _is_sqlite(dbapi_connection):
                    dbapi_connection.execute(f"PRAGMA busy_timeout={busy_ms}")


# PostgreSQL: lock_not_available (a lock_timeout ran out).
BUSY_PGCODES = {"55P03"}


def is_busy(error: BaseException) -> bool:
    """The database could not take a lock in time: SQLite's "database is locked" after its
    busy timeout (and `atomic`'s retries), or PostgreSQL's lock timeout. Nothing is wrong
    with the request; the answer is 503 with Retry-After (core/web.py), never a 500."""
    if not isinstance(error, DBAPIError):
        return False
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in BUSY_PGCODES or "database is locked" in str(error.orig)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def for_update(stmt):
    """Lock the selected rows until commit on PostgreSQL; SQLite serialises writers itself."""
    if is_postgres():
        return stmt.with_for_update()
    return stmt


# PostgreSQL errors that mean "another transaction got there first; try again":
# deadlock, serialization failure, unique and exclusion violations of a racing insert.
RETRYABLE_PGCODES = {"40P01", "40001", "23505", "23P01"}


def _retryable(error: Exception) -> bool:
    if not isinstance(error, DBAPIError):
        return False
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in RETRYABLE_PGCODES:
        return True
    # SQLite: a busy database after the busy timeout; retrying is safe and usually enough.
    return "database is locked" in str(error.orig)


def atomic(work, *args, attempts: int = 4, **kwargs):
    """The unit of work: run `work(*args, **kwargs)` and commit once, as one transaction.

    Every write of the application goes through here (pages, API, command line, the worker
    and the periodic duties; docs/architecture.md, "Transactions"), so all of them commit and
    retry the same way: when the database says a concurrent transaction won a race (the
    retryable codes above) the work is run again from the start and sees that transaction's
    result. Domain errors and anything else are not retried: they roll back and propagate.
    `attempts=1` for work that must not run twice (it sends mail, or reads a file once).
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work(*args, **kwargs)
            db.session.commit()
            return result
        except Exception as error:
            db.session.rollback()
            if attempt == attempts or not _retryable(error):
                raise
            time.sleep(random.uniform(0.005, 0.03) * attempt)  # noqa: S311 - jitter, not crypto
    raise AssertionError("unreachable")
