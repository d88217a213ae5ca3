"""Database helpers shared by every feature: UTC timestamps, row locks, SQLite pragmas."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
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


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on foreign keys and a busy timeout for SQLite; other drivers are left alone."""
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def for_update(stmt):
    """Lock the selected rows until commit on PostgreSQL; SQLite serialises writers itself."""
    if is_postgres():
        return stmt.with_for_update()
    return stmt
