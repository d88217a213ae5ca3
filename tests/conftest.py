"""Test set-up: one migrated database per run (SQLite file, or PostgreSQL from
TEST_DATABASE_URL), emptied after every test, and an app context per test."""

from __future__ import annotations

import contextvars
import os
import re
import tempfile
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import close_all_sessions

from booking import create_app
from booking.extensions import db

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url():
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        yield POSTGRES_URL
        return
    folder = tempfile.mkdtemp(prefix="booking-test-")
    yield f"sqlite:///{Path(folder) / 'test.sqlite'}"


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as a server would.

    Without this, requests reuse the test's app context, so `g` (Flask-Login's cached user)
    and the database session leak from one request, and one client, into the next.
    """

    def open(self, *args, **kwargs):
        self.preserve_context = False  # a kept context would be popped in another Context
        if has_app_context():
            # What the test set up is committed, as it must be for a real client to see it,
            # and its transaction ends, so that afterwards it reads what the request wrote.
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(database_url: str, **overrides):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the migrations, not create_all: they are what production runs
        db.session.remove()
    # No webhook yet (booking/webhooks/services.py subscriptions; TestingConfig keeps it).
    app.extensions["webhook_subscriptions"] = (0.0, {})
    return app


def empty_database(app) -> None:
    close_all_sessions()  # whichever app context a test used, its transaction ends here
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our tables
    app.extensions["webhook_subscriptions"] = (0.0, {})  # emptied: no webhook listens


@pytest.fixture(autouse=True)
def _clean_database(app):
    yield
    empty_database(app)


@pytest.fixture
def db_session(app):
    """The Flask-SQLAlchemy session, inside the test's app context."""
    return db.session


@pytest.fixture
def is_postgres(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __len__(self):
        return len(self.statements)

    def reset(self):
        self.statements.clear()


@pytest.fixture
def count_queries(app):
    """Counts SQL statements sent while the fixture is active (SAVEPOINTs excluded)."""
    counter = QueryCounter()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement, re.I):
            counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    yield counter
    event.remove(engine, "before_cursor_execute", before)


# Factories are plain functions in tests/factories.py; re-exported as a fixture for brevity.
@pytest.fixture
def make(app):
    from tests import factories

    return factories


# The loopback OpenID Connect provider of the single sign-on tests (tests/oidc_provider.py).
from tests.oidc_provider import oidc_provider, slow_oidc_provider  # noqa: E402, F401
