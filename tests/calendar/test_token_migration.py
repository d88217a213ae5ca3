"""Migration 0016: calendar tokens stored hashed, and the addresses people already subscribed
to keep working (their plain token is in the address, and hashes to what is now stored)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from booking.calendar import feeds
from booking.extensions import db
from tests.conftest import make_app

PLAIN = "Abc_def-ghi" * 4  # 44 characters of the token alphabet


def test_existing_subscription_addresses_keep_working_after_the_migration():
    folder = Path(tempfile.mkdtemp(prefix="booking-migration-"))
    app = make_app(f"sqlite:///{folder / 'old.sqlite'}")
    with app.app_context():
        upgrade(revision="0013")
        db.session.execute(
            text(
                "INSERT INTO users (email, name, role, language, active, session_version,"
                " calendar_token, created_at, updated_at) VALUES ('a@example.nl', 'A',"
                " 'participant', 'nl', 1, 1, :token, '2026-01-01', '2026-01-01'),"
                " ('b@example.nl', 'B', 'participant', 'nl', 1, 1, NULL, '2026-01-01',"
                " '2026-01-01')"
            ),
            {"token": PLAIN},
        )
        db.session.commit()
        upgrade()
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert "calendar_token" not in columns and "calendar_token_hash" in columns
        stored = dict(
            db.session.execute(text("SELECT email, calendar_token_hash FROM users")).all()
        )
        assert stored == {
            "a@example.nl": hashlib.sha256(PLAIN.encode()).hexdigest(),
            "b@example.nl": None,
        }
        assert feeds.user_by_token(PLAIN).email == "a@example.nl"
        db.session.remove()
    client = app.test_client()
    response = client.get(f"/calendar/{PLAIN}.ics")
    assert response.status_code == 200 and "BEGIN:VCALENDAR" in response.get_data(as_text=True)
    assert client.get(f"/calendar/{PLAIN[:-1]}x.ics").status_code == 404
    with app.app_context():
        downgrade(revision="0013")  # back: the column returns, the (unrecoverable) tokens not
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert "calendar_token" in columns and "calendar_token_hash" not in columns
        db.session.remove()
        db.engine.dispose()
