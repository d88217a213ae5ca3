"""Secrets never in logs: the request log's JSON lines and the development server's access
log mask every path that carries a secret and the query values named token, code or state;
database errors leave out the statement's values (hide_parameters)."""

from __future__ import annotations

import io
import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from booking.core.web import JsonLineFormatter, MaskSecrets, loggable_target
from booking.extensions import db
from tests.conftest import make_app

SECRET = "s3cr3tT0kenValue_abcdefghijklmnopqrstuvwxyz0"  # the shape of a real token

# Each path with a secret, and what the log may say of it.
MASKED = [
    (f"/calendar/{SECRET}.ics", "/calendar/….ics"),
    (f"/calendar/{SECRET}/sessions.ics", "/calendar/…/sessions.ics"),
    (f"/aanbod/{SECRET}", "/aanbod/…"),
    (f"/deelnemen/{SECRET}", "/deelnemen/…"),
    (f"/verify/{SECRET}", "/verify/…"),
    (f"/api/v1/verify/{SECRET}", "/api/v1/verify/…"),
    (f"/welkom/{SECRET}", "/welkom/…"),
    (f"/wachtwoord-herstellen/{SECRET}", "/wachtwoord-herstellen/…"),
]


@pytest.fixture
def json_lines():
    """The request log as the production handler writes it: one JSON object per line."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("booking.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.mark.parametrize(("path", "logged"), MASKED)
def test_the_request_log_masks_every_secret_path(client, json_lines, path, logged):
    client.get(path)
    client.get(f"{path}?token={SECRET}&code={SECRET}&state={SECRET}")
    lines = json_lines()
    assert [line["path"] for line in lines] == [logged, logged]
    assert SECRET not in json.dumps(lines)


def test_the_request_log_keeps_ordinary_paths_and_leaves_out_query_strings(client, json_lines):
    client.get(f"/?q=excel&token={SECRET}")
    client.get("/calendarx")
    (first, second) = json_lines()
    assert first["path"] == "/" and first["status"] == 200
    assert second["path"] == "/calendarx"


def test_query_values_named_token_code_or_state_are_masked():
    target = f"/sso/terug?code={SECRET}&state={SECRET}&Token={SECRET}&q=excel&code"
    assert loggable_target(target) == "/sso/terug?code=…&state=…&Token=…&q=excel&code"
    assert loggable_target(f"/aanbod/{SECRET}?x=1") == "/aanbod/…?x=1"
    assert loggable_target("/cursussen") == "/cursussen"


def test_the_development_servers_access_log_is_masked(app):
    """A real werkzeug server (what `flask run` uses) logs each request line: masked."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(handler)
    old_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.INFO)
    assert any(isinstance(f, MaskSecrets) for f in werkzeug_log.filters)
    server = make_server("127.0.0.1", 0, make_app(str(db.engine.url)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for path in (f"/aanbod/{SECRET}", f"/calendar/{SECRET}.ics", f"/inloggen?state={SECRET}"):
            try:
                urllib.request.urlopen(base + path, timeout=10).close()  # noqa: S310 - loopback
            except urllib.error.HTTPError as error:
                assert error.code == 404
    finally:
        server.shutdown()
        thread.join(5)
        werkzeug_log.removeHandler(handler)
        werkzeug_log.setLevel(old_level)
    logged = out.getvalue()
    assert "/aanbod/…" in logged and "/calendar/….ics" in logged and "state=…" in logged
    assert SECRET not in logged


def test_database_errors_leave_out_the_values(app, make, db_session):
    """The statement's values are hidden (hide_parameters), and the logged traceback leaves
    out the database's own message, which on PostgreSQL quotes the row."""
    person = make.user()
    db_session.commit()
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    with pytest.raises(IntegrityError) as raised:
        db.session.execute(
            text("INSERT INTO users (email, name) VALUES (:email, :name)"),
            {"email": person.email, "name": SECRET},
        )
    db.session.rollback()
    assert "parameters hidden" in str(raised.value)
    record = logging.LogRecord("booking", logging.ERROR, __file__, 1, "unhandled error", (), None)
    record.exc_info = (raised.type, raised.value, raised.tb)
    logged = JsonLineFormatter().format(record)
    assert SECRET not in logged and person.email not in logged
    entry = json.loads(logged)
    assert "IntegrityError" in entry["exc"] and "INSERT INTO users" in entry["exc"]
    assert "test_request_log.py" in entry["exc"]  # the traceback itself is kept


def test_an_unhandled_database_error_in_a_request_is_logged_without_values(database_url):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @app.get("/_duplicate")
    def duplicate():
        for _ in range(2):
            db.session.execute(
                text(
                    "INSERT INTO organisations (name, created_at, updated_at)"
                    " VALUES (:name, '2026-01-01', '2026-01-01')"
                ),
                {"name": SECRET},
            )

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLineFormatter())
    app.logger.addHandler(handler)
    try:
        assert app.test_client().get("/_duplicate").status_code == 500
    finally:
        app.logger.removeHandler(handler)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    (entry,) = [line for line in lines if line["message"] == "unhandled error"]
    assert "IntegrityError" in entry["exc"]
    assert SECRET not in out.getvalue()
