""" "Wachtwoord vergeten": a short-lived single-use link (`/wachtwoord-herstellen/<secret>`),
the same answer whether or not the address exists, limits per address and per client."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from booking.accounts import onboarding
from booking.accounts.models import User
from booking.core.db import utcnow
from booking.extensions import db, limiter
from booking.notifications.render import render
from tests.accounts.onboarding_support import link_path, outbox, secret_of, tokens
from tests.conftest import make_app

NEW_PASSWORD = "groene appels in de mand"


def ask(client, email: str):
    return client.post("/wachtwoord-vergeten", data={"email": email})


def answer_text(response) -> str:
    """The page without what differs per request anyway (the CSRF token, the request id)."""
    text = response.get_data(as_text=True)
    return re.sub(r'name="csrf_token" [^>]*>', "", text)


def test_the_log_in_page_links_to_it(client):
    text = client.get("/inloggen").get_data(as_text=True)
    assert 'href="/wachtwoord-vergeten"' in text and "Wachtwoord vergeten?" in text
    page = client.get("/wachtwoord-vergeten")
    assert page.status_code == 200 and "Stuur me een link" in page.get_data(as_text=True)


def test_a_known_an_unknown_and_an_inactive_address_get_the_same_answer(
    make, db_session, client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_FLOOR_SECONDS", 0.2)
    known, inactive = make.user(), make.user()
    inactive.active = False
    db_session.commit()
    answers, times = {}, {}
    for label, email in (
        ("known", known.email),
        ("unknown", "niemand@example.nl"),
        ("inactive", inactive.email),
    ):
        began = time.perf_counter()
        response = ask(client, email)
        times[label] = time.perf_counter() - began
        assert response.status_code == 200, label
        answers[label] = answer_text(response)
    assert answers["known"] == answers["unknown"] == answers["inactive"]
    assert "Als er een account is met dit adres" in answers["known"]
    assert min(times.values()) >= 0.2  # none answers before the floor
    # Only the known, active person is sent anything; the outbox holds nothing for the others.
    (message,) = outbox("password_reset")
    assert message.email == known.email
    assert outbox(email="niemand@example.nl") == [] and outbox(email=inactive.email) == []


def test_the_address_is_matched_as_stored_whatever_its_case(make, db_session, client):
    person = make.user(email="Anna.Smit@Example.nl".lower())
    db_session.commit()
    ask(client, "  ANNA.SMIT@example.NL ")
    assert [m.email for m in outbox("password_reset")] == [person.email]


def test_a_malformed_address_is_a_form_error(client):
    response = ask(client, "geen-adres")
    assert response.status_code == 422
    assert "Vul een geldig e-mailadres in." in response.get_data(as_text=True)
    assert ask(client, "").status_code == 422
    assert outbox() == []


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(make, db_session, client, app):
    person = make.user()
    db_session.commit()
    elsewhere = app.test_client()
    make.login(elsewhere, person)
    ask(client, person.email)
    (message,) = outbox("password_reset")
    rendered = render(message)
    assert "/wachtwoord-herstellen/" in rendered.text
    assert rendered.subject == "Kies een nieuw wachtwoord voor Talent MVS"
    (token,) = tokens(person.id)
    assert token.expires_at - token.created_at == timedelta(minutes=60)
    path = link_path(message)

    page = client.get(path)
    assert page.status_code == 200 and "Kies een nieuw wachtwoord" in page.get_data(True)
    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    assert elsewhere.get("/mijn").status_code == 302  # the other device is logged out
    assert make.login(client, person, NEW_PASSWORD).status_code == 302
    assert make.login(app.test_client(), person).status_code == 422  # the old one is gone
    assert client.get(path).status_code == 410


def test_the_minutes_follow_the_setting_and_the_link_expires(
    make, db_session, client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MINUTES", 15)
    person = make.user()
    db_session.commit()
    response = ask(client, person.email)
    assert "15 minuten" in response.get_data(as_text=True)
    (token,) = tokens(person.id)
    assert token.expires_at - token.created_at == timedelta(minutes=15)
    path = link_path(outbox("password_reset")[0])
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 410 and "Deze link is verlopen" in page.get_data(True)
    assert "Nieuwe link aanvragen" in page.get_data(True)


def test_a_second_request_supersedes_the_first_link(make, db_session, client):
    person = make.user()
    db_session.commit()
    ask(client, person.email)
    ask(client, person.email)
    first, second = outbox("password_reset")
    assert client.get(link_path(first)).status_code == 410
    assert (
        client.post(
            link_path(second), data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_a_reset_link_also_gives_a_first_password(make, db_session, client):
    """Someone whose invitation expired asks here, and gets in the same way."""
    person = make.user(password=None)
    db_session.commit()
    ask(client, person.email)
    path = link_path(outbox("password_reset")[0])
    client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    db_session.rollback()
    assert db_session.get(User, person.id).password_hash is not None


def test_the_pages_speak_english_too(make, db_session, client):
    person = make.user()
    db_session.commit()
    client.set_cookie("lang", "en", domain="localhost")
    assert "Send me a link" in client.get("/wachtwoord-vergeten").get_data(True)
    text = ask(client, person.email).get_data(as_text=True)
    assert "If an account exists for this address, we have sent a link to it." in text
    path = link_path(outbox("password_reset")[0])
    common = client.post(path, data={"new": "qwerty123456", "confirm": "qwerty123456"})
    assert "This password is one of the most common ones" in common.get_data(True)
    assert "This link is not valid" in client.get("/wachtwoord-herstellen/nope").get_data(True)


@pytest.fixture
def limited(database_url):
    was_enabled = limiter.enabled  # the extension object is shared by every app in this run
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        PASSWORD_RESET_RATE_LIMIT="4 per minute",
        PASSWORD_RESET_ADDRESS_LIMIT="2 per hour",
        PASSWORD_RESET_FLOOR_SECONDS=0,
    )
    yield app
    limiter.enabled = was_enabled


def test_requests_are_limited_per_address_and_per_client(make, db_session, limited):
    person = make.user()
    db_session.commit()
    client = limited.test_client()
    per_address = [ask(client, person.email).status_code for _ in range(3)]
    assert per_address == [200, 200, 429]
    # An unknown address is limited the same way: the limit tells nothing either.
    assert [ask(client, "niemand@example.nl").status_code for _ in range(2)] == [200, 429]
    # The client has now asked four times in the minute: any other address is refused too.
    assert ask(client, "iemand.anders@example.nl").status_code == 429
    assert len(outbox("password_reset")) == 2


def test_a_used_link_cannot_be_used_twice_even_by_two_posts(make, db_session):
    person = make.user()
    db_session.commit()
    onboarding.request_reset(person.email)
    db_session.commit()
    secret = secret_of(outbox("password_reset")[0])
    onboarding.use_link("reset", secret, NEW_PASSWORD)
    with pytest.raises(onboarding.LinkUnusable) as refused:
        onboarding.use_link("reset", secret, "nog een ander wachtwoord")
    assert refused.value.state == "used" and refused.value.status == 410
