"""Concurrency tests: real threads, each with its own app context, database connection and
transaction, racing through the services exactly as pages do (`booking.core.db.atomic`).

They prove invariants 1-5 of docs/architecture.md where they can break: on PostgreSQL (row
locks, READ COMMITTED, exclusion constraints). SQLite serialises every writer, so the whole
folder is skipped unless TEST_DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from booking.extensions import db
from tests.conftest import POSTGRES_URL, make_app

HERE = Path(__file__).resolve().parent
ON_POSTGRES = bool(POSTGRES_URL) and POSTGRES_URL.startswith("postgresql")
SKIP_REASON = (
    "concurrency tests need PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://... "
    "(SQLite serialises all writers, so there is no race to prove)"
)

# Enough connections for every racing thread at once plus the test's own (closed again after
# each test: the server's connections are shared); a lock or statement that waits longer
# than this fails the thread instead of hanging the suite.
RACE_ENGINE_OPTIONS = {
    "pool_size": 45,
    "max_overflow": 10,
    "pool_timeout": 20,
    "pool_pre_ping": True,
    "connect_args": {"options": "-c lock_timeout=20000 -c statement_timeout=30000"},
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.postgres)
        if not ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def app(app, database_url):
    """The suite's app has migrated the database; this one on top of it has a pool big enough
    for forty threads holding a connection each."""
    return make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS=RACE_ENGINE_OPTIONS)


@pytest.fixture(autouse=True)
def _close_racing_connections(app):
    """Forty idle connections per test run would crowd a shared PostgreSQL server."""
    yield
    with app.app_context():
        db.engine.dispose()
