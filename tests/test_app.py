"""Application-wide promises: configuration, migrations, translations, demo data, errors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from booking import create_app
from booking.attendance.models import AttendanceRecord
from booking.certifications.models import Award, Certification
from booking.core.db import utcnow
from booking.extensions import db
from config import DEV_SECRET_KEY, ROOT


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            "production",
            {
                "SECRET_KEY": DEV_SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@h/db",
            },
        )
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            "production",
            {"SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@h/db"},
        )
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production", {"SECRET_KEY": "k" * 40})
    settings = {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@h/db"}
    with pytest.raises(RuntimeError, match="BASE_URL"):  # mail and invites link to the site
        create_app("production", {**settings, "BASE_URL": None, "SERVER_NAME": None})
    app = create_app("production", {**settings, "BASE_URL": "https://opleidingen.example.nl"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_configuration_name_is_refused():
    with pytest.raises(RuntimeError, match="unknown configuration"):
        create_app("staging")


def test_migrations_build_exactly_the_models(app):
    """Every model change comes with a migration: the migrated database equals the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_messages() -> set:
    method_map = [
        ("booking/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(tuple(message) if isinstance(message, (tuple, list)) else message)
    return found


@pytest.mark.parametrize("language", ["nl", "en"])
def test_translation_catalogues_are_complete(language):
    path = ROOT / "booking" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = tuple(message.id) if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string if isinstance(message.string, (tuple, list)) else [message.string]
        if all(strings):
            translated[key] = strings
    missing = sorted(str(m) for m in _source_messages() if m not in translated)
    assert missing == [], f"untranslated in {language}: run `make i18n-update` and translate"


def test_every_page_names_the_centre_icon(client):
    """Browsers ask for an icon on every page: named in the page, so no /favicon.ico 404s."""
    text = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', text).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data


def test_every_page_has_the_dutch_shell(client):
    text = client.get("/").get_data(as_text=True)
    assert '<html lang="nl"' in text
    assert 'href="#inhoud"' in text and 'id="inhoud"' in text
    assert "utrecht-component-library-9.0.4.css" in text


def test_unknown_pages_and_methods_get_an_html_error_page(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.get_data(True)
    assert client.get("/uitloggen").status_code == 405


def test_responses_carry_a_request_id_and_safe_headers(client):
    response = client.get("/", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    generated = client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert generated.isalnum() and len(generated) == 16


def test_demo_data_seeds_once_with_the_seed_catalogue(app, db_session):
    from booking.accounts.models import Organisation, User
    from booking.catalogue.models import Course
    from booking.demo import seed_demo
    from booking.scheduling.models import Event, Session

    assert seed_demo() is True
    assert seed_demo() is False
    names = {o.name for o in db_session.query(Organisation)}
    assert names == {"Gemeente Schiedam", "Gemeente Vlaardingen", "Gemeente Maassluis"}
    titles = {c.title for c in db_session.query(Course)}
    assert {
        "Netwerken met LinkedIn",
        "Assertiviteitstraining",
        "DISC teamtraining",
        "Projectassistent",
    } <= titles
    assert db_session.query(Course).filter_by(title="Projectassistent").one().certified
    assert {e.title for e in db_session.query(Event)} == {
        "Loopbaanfestival",
        "Symposium Samen in beweging",
    }
    roles = {u.role for u in db_session.query(User)}
    assert roles == {"participant", "team_leader", "organiser", "hr", "admin", "advisor"}
    levels = {u.education_level for u in db_session.query(User)}
    assert {"mbo", "hbo", "wo"} <= levels
    modes = {s.mode for s in db_session.query(Session)}
    assert modes == {"physical", "online", "hybrid"}
    # History: a Projectassistent edition that ended about four weeks ago, its six days'
    # attendance taken (three days missed without notice, one excused).
    past = [
        s
        for s in db_session.query(Session)
        if s.course.title == "Projectassistent" and s.ends_at < utcnow()
    ]
    assert len(past) == 1 and len(past[0].meetings) == 6
    statuses = [r.status for r in db_session.query(AttendanceRecord)]
    assert len(statuses) == 6 * 12
    assert (statuses.count("absent"), statuses.count("excused")) == (3, 1)
    # Certifications: awards from that attendance, and by hand a valid, an expiring and an
    # expired one, so the matrices show every state.
    assert {c.name_nl for c in db_session.query(Certification)} >= {
        "Projectassistent",
        "Assertiviteit",
    }
    awards = db_session.query(Award).all()
    now = utcnow()
    states = [a.status(now) for a in awards]
    assert any(a.enrolment_id is not None for a in awards)
    assert "valid" in states and "expired" in states
    assert any(now < a.expires_at <= now + timedelta(days=60) for a in awards if a.expires_at)
    mo = db_session.query(User).filter_by(email="medewerker@schiedam.example.nl").one()
    assert any(a.user_id == mo.id and a.status(now) == "valid" for a in awards)
