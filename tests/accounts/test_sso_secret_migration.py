"""Migration 0020: the identity providers' client secrets stored encrypted. The plain ones
already stored are encrypted on upgrade (and the app reads them), and given back on
downgrade; on SQLite and on PostgreSQL (a schema of its own in TEST_DATABASE_URL's database)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from booking.accounts import sso_providers
from booking.core import encryption
from booking.extensions import db
from tests.conftest import POSTGRES_URL, make_app

PLAIN = "plain-secret-of-gemeente-aadorp-0123456789"
SCHEMA = "migration_0020"


def _postgres_schema(statement: str) -> None:
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not (POSTGRES_URL or "").startswith("postgresql"),
                    reason="needs PostgreSQL (TEST_DATABASE_URL)",
                ),
            ],
        ),
    ]
)
def empty_database(request):
    if request.param == "sqlite":
        yield f"sqlite:///{Path(tempfile.mkdtemp(prefix='booking-migration-')) / 'old.sqlite'}"
        return
    _postgres_schema(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    _postgres_schema(f"CREATE SCHEMA {SCHEMA}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{SCHEMA}"
    _postgres_schema(f"DROP SCHEMA {SCHEMA} CASCADE")


def columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("identity_providers")}


def test_stored_secrets_are_encrypted_on_upgrade_and_given_back_on_downgrade(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0019_single_sign_on")
        organisation_id = db.session.execute(
            text(
                "INSERT INTO organisations (name, created_at, updated_at)"
                " VALUES ('Gemeente Aadorp', '2026-01-01', '2026-01-01') RETURNING id"
            )
        ).scalar_one()
        db.session.execute(
            text(
                "INSERT INTO identity_providers (organisation_id, issuer, client_id,"
                " client_secret, emails_verified, require_sso, enabled, created_at, updated_at)"
                " VALUES (:org, 'https://login.aadorp.nl', 'booking', :secret, false, false,"
                " true, '2026-01-01', '2026-01-01')"
            ),
            {"org": organisation_id, "secret": PLAIN},
        )
        db.session.commit()

        upgrade(revision="0020_sso_secret_encrypted")
        assert "client_secret" not in columns() and "client_secret_encrypted" in columns()
        stored = db.session.execute(
            text("SELECT client_secret_encrypted FROM identity_providers")
        ).scalar_one()
        assert PLAIN not in stored
        assert encryption.decrypt(stored, encryption.SSO_CLIENT_SECRET) == PLAIN
        assert sso_providers.enabled_provider(organisation_id).client_secret == PLAIN
        db.session.remove()

        downgrade(revision="0019_single_sign_on")
        assert "client_secret" in columns() and "client_secret_encrypted" not in columns()
        given_back = db.session.execute(
            text("SELECT client_secret FROM identity_providers")
        ).scalar_one()
        assert given_back == PLAIN
        db.session.remove()

        upgrade()  # and up again, to the newest: the round trip ends where it began
        assert sso_providers.provider_of(organisation_id).client_secret == PLAIN
        db.session.remove()
        db.engine.dispose()
