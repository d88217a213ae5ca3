"""The privacy statement: public, in Dutch and English, linked from every page's footer,
with the retention settings read live, the roles, the rights with a link to the export page
and the centre's address."""

from __future__ import annotations

from booking.core.db import atomic
from booking.core.web import LANGUAGE_COOKIE
from booking.privacy import services


def test_the_statement_in_dutch_and_english(app, client):
    dutch = client.get("/privacy")
    text = dutch.get_data(as_text=True)
    assert dutch.status_code == 200 and '<html lang="nl"' in text
    assert "Autoriteit Persoonsgegevens" in text
    assert f'href="mailto:{app.config["CENTRE_EMAIL"]}"' in text and 'href="/mijn/gegevens"' in text
    assert 'id="retention-default" data-months="24"' in text
    client.set_cookie(LANGUAGE_COOKIE, "en")
    english = client.get("/privacy")
    text = english.get_data(as_text=True)
    assert '<html lang="en"' in text and "Privacy statement" in text
    assert "anonymised 24 months after" in text and "AVG article 6(1)(e)" in text


def test_it_reads_the_settings_live(client, make, db_session):
    admin = make.user("admin")
    organisation = make.organisation("Gemeente Schiedam")
    db_session.commit()
    atomic(services.set_retention, organisation.id, 6, actor=admin)
    text = client.get("/privacy").get_data(as_text=True)
    assert 'id="retention-own"' in text and "Gemeente Schiedam: 6" in text
    assert 'data-months="6"' in text


def test_every_page_links_to_it(client):
    text = client.get("/").get_data(as_text=True)
    footer = text.split("<footer")[1]
    assert 'href="/privacy"' in footer
