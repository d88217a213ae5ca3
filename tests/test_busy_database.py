"""SQLite lock timeouts answer 503 with Retry-After, not 500: a real second connection holds
the write lock while the app (with a short busy timeout) serves pages and the API."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade

from booking.accounts.services import create_api_token, save_person, set_password
from booking.core.db import atomic
from booking.extensions import db
from tests.conftest import make_app

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def database():
    """A migrated SQLite file of its own (whatever TEST_DATABASE_URL says: the lock is
    SQLite's), with one person and an API token."""
    path = Path(tempfile.mkdtemp(prefix="booking-busy-")) / "busy.sqlite"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()

        def person():
            user, _ = save_person(
                email="bezig@example.nl",
                name="Bezig",
                role="organiser",
                organisation=None,
                team=None,
                education_level=None,
            )
            set_password(user, PASSWORD)
            return create_api_token(user)[1]

        token = atomic(person)
        db.session.remove()
        db.engine.dispose()
    return path, token


@contextmanager
def write_lock_held(path: Path):
    """Another process's transaction holding SQLite's write lock, as a long write would."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _app(path: Path, begin: str):
    return make_app(
        f"sqlite:///{path}",
        SQLITE_BEGIN=begin,
        SQLITE_BUSY_TIMEOUT_MS=50,
        BUSY_RETRY_AFTER_SECONDS=7,
    )


def test_a_page_waits_briefly_then_answers_503_with_retry_after(database):
    path, _token = database
    client = _app(path, "IMMEDIATE").test_client()  # production's mode: every transaction
    assert client.get("/").status_code == 200
    with write_lock_held(path):
        response = client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert "Content-Security-Policy" in response.headers
    page = response.get_data(as_text=True)
    assert "probeer het zo opnieuw" in page or "try again in a moment" in page
    assert client.get("/").status_code == 200  # the lock gone, the page is back


def test_a_write_after_atomics_retries_answers_503_not_500(database):
    path, _token = database
    client = _app(path, "DEFERRED").test_client()  # reads pass, the write waits
    with write_lock_held(path):
        response = client.post(
            "/inloggen", data={"email": "bezig@example.nl", "password": PASSWORD}
        )
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    again = client.post("/inloggen", data={"email": "bezig@example.nl", "password": PASSWORD})
    assert again.status_code == 302  # nothing was half done: the log-in works now


def test_the_api_answers_503_busy_as_json(database):
    path, token = database
    client = _app(path, "IMMEDIATE").test_client()
    with write_lock_held(path):
        response = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.get_json()["error"]["code"] == "busy"
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_other_operational_errors_stay_500(database):
    path, _token = database
    app = _app(path, "DEFERRED")

    @app.get("/_broken")
    def broken():
        db.session.execute(db.text("SELECT * FROM no_such_table"))

    response = app.test_client().get("/_broken")
    assert response.status_code == 500 and "Retry-After" not in response.headers


def test_every_api_operation_declares_503_with_retry_after(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) > 50
    for operation in operations:
        busy = operation["responses"]["503"]
        assert "Retry-After" in busy["headers"], operation["operationId"]
        assert busy["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_a_signed_in_page_whose_own_reads_are_busy_still_answers_503(database):
    """Who is logged in is read from the database too: then the page without it answers."""
    path, _token = database
    client = _app(path, "IMMEDIATE").test_client()
    login = client.post("/inloggen", data={"email": "bezig@example.nl", "password": PASSWORD})
    assert login.status_code == 302
    with write_lock_held(path):
        response = client.get("/mijn")
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    assert "Het is nu erg druk" in response.get_data(as_text=True)
    assert client.get("/mijn").status_code == 200
