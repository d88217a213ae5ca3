"""Log-in, log-out and what a copied cookie can still do afterwards."""

from __future__ import annotations

import pytest

from booking.accounts import services
from booking.accounts.models import Role
from tests.conftest import make_app


def test_login_with_the_right_password_opens_the_overview(client, make, db_session):
    person = make.user()
    db_session.commit()
    response = make.login(client, person)
    assert response.status_code == 302 and response.headers["Location"].endswith("/mijn")
    page = client.get("/mijn")
    assert page.status_code == 200
    assert person.name in page.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, make, db_session):
    person = make.user()
    db_session.commit()
    response = client.post("/inloggen", data={"email": person.email, "password": "wrong" * 4})
    assert response.status_code == 422
    assert "komen niet overeen" in response.get_data(as_text=True)
    assert client.get("/mijn").status_code == 302  # still anonymous


def test_unknown_address_and_inactive_people_cannot_log_in(client, make, db_session):
    person = make.user()
    person.active = False
    db_session.commit()
    assert make.login(client, person).status_code == 422
    response = client.post("/inloggen", data={"email": "nobody@example.nl", "password": "x" * 20})
    assert response.status_code == 422


def test_empty_login_form_names_both_fields(client):
    response = client.post("/inloggen", data={})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul je e-mailadres in." in text and "Vul je wachtwoord in." in text


def test_login_only_follows_local_next_addresses(client, make, db_session):
    person = make.user()
    db_session.commit()
    response = client.post(
        "/inloggen?next=https://evil.example/x",
        data={"email": person.email, "password": make.PASSWORD},
    )
    assert response.headers["Location"].endswith("/mijn")
    client.post("/uitloggen")
    response = client.post(
        "/inloggen?next=/account", data={"email": person.email, "password": make.PASSWORD}
    )
    assert response.headers["Location"].endswith("/account")


def test_logout_invalidates_a_copied_session_cookie(app, make, db_session):
    person = make.user()
    db_session.commit()
    browser = app.test_client()
    make.login(browser, person)
    stolen = browser.get_cookie("session").value

    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    assert thief.get("/mijn").status_code == 200  # the copy works while logged in

    browser.post("/uitloggen")
    assert browser.get("/mijn").status_code == 302
    assert thief.get("/mijn").status_code == 302  # and not after the log-out


def test_password_hashes_are_argon2id_and_never_the_password(make, db_session):
    person = make.user()
    assert person.password_hash.startswith("$argon2id$")
    assert make.PASSWORD not in person.password_hash


def test_passwords_need_twelve_characters(make, db_session):
    person = make.user()
    from booking.core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.set_password(person, "elevenchars")
    assert "12" in str(refused.value.message)
    services.set_password(person, "twelve chars")
    assert services.authenticate(person.email, "twelve chars") is person


def test_changing_the_password_logs_out_other_devices(app, make, db_session):
    person = make.user()
    db_session.commit()
    laptop, phone = app.test_client(), app.test_client()
    make.login(laptop, person)
    make.login(phone, person)
    response = laptop.post(
        "/account",
        data={
            "action": "password",
            "pw-current": make.PASSWORD,
            "pw-new": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    db_session.rollback()  # end the read transaction: see what requests committed
    assert services.authenticate(person.email, "a brand new passphrase") is not None


def test_password_change_errors_are_shown_on_the_form(client, make, db_session):
    person = make.user()
    db_session.commit()
    make.login(client, person)
    response = client.post(
        "/account",
        data={
            "action": "password",
            "pw-current": "not my password",
            "pw-new": "short",
            "pw-confirm": "different",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "De twee nieuwe wachtwoorden verschillen." in text
    response = client.post(
        "/account",
        data={
            "action": "password",
            "pw-current": make.PASSWORD,
            "pw-new": "short",
            "pw-confirm": "short",
        },
    )
    assert "minstens 12 tekens" in response.get_data(as_text=True)


def test_forms_need_a_csrf_token(make, db_session, database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    person = make.user()
    db_session.commit()
    client = app.test_client()
    response = client.post("/inloggen", data={"email": person.email, "password": make.PASSWORD})
    assert response.status_code == 400


def test_login_attempts_are_rate_limited(make, db_session, database_url):
    from booking.extensions import limiter

    was_enabled = limiter.enabled  # the extension object is shared by every app in this run
    app = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    person = make.user(Role.PARTICIPANT)
    db_session.commit()
    try:
        client = app.test_client()
        codes = [
            client.post(
                "/inloggen", data={"email": person.email, "password": "wrong password!"}
            ).status_code
            for _ in range(4)
        ]
    finally:
        limiter.enabled = was_enabled
    assert codes == [422, 422, 422, 429]


def test_api_tokens_are_made_and_revoked_on_the_account_page(client, make, db_session):
    person = make.user()
    db_session.commit()
    make.login(client, person)
    response = client.post(
        "/account",
        data={"action": "token", "token-name": "Intranet", "token-password": make.PASSWORD},
    )
    text = response.get_data(as_text=True)
    import re

    token = re.search(r'data-testid="new-token">([^<]+)<', text).group(1)
    assert services.user_for_token(token).id == person.id
    token_row = services.create_api_token(person, "other")[0]
    db_session.commit()
    first = next(t for t in person_tokens(db_session, person) if t.name == "Intranet")
    client.post("/account", data={"action": "revoke", "token_id": first.id})
    db_session.rollback()  # end the read transaction: see what requests committed
    assert services.user_for_token(token) is None
    assert token_row.revoked_at is None


def person_tokens(db_session, person):
    from booking.accounts.queries import tokens_of

    db_session.rollback()  # end the read transaction: see what requests committed
    return tokens_of(person.id)


def test_someone_elses_token_cannot_be_revoked(client, make, db_session):
    owner, other = make.user(), make.user()
    token, plain = services.create_api_token(owner, "mine")
    db_session.commit()
    make.login(client, other)
    client.post("/account", data={"action": "revoke", "token_id": token.id})
    assert services.user_for_token(plain) is not None


def test_language_choice_is_kept_on_the_account_and_in_a_cookie(client, make, db_session):
    person = make.user()
    db_session.commit()
    assert 'lang="nl"' in client.get("/").get_data(as_text=True)
    client.post("/taal", data={"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/taal", data={"language": "nl", "next": "/"})
    make.login(client, person)
    client.post("/taal", data={"language": "en", "next": "https://evil.example"})
    db_session.rollback()  # end the read transaction: see what requests committed
    assert person.language == "en"
    client.delete_cookie("lang", domain="localhost")
    assert 'lang="en"' in client.get("/mijn").get_data(as_text=True)
    assert client.post("/taal", data={"language": "fr"}).status_code == 400


def test_account_forms_refuse_bad_input(client, make, db_session):
    person = make.user()
    make.login(client, person)
    response = client.post("/account", data={"action": "language", "lang-language": "fr"})
    assert response.status_code == 422
    response = client.post("/account", data={"action": "token", "token-name": ""})
    assert response.status_code == 422
    assert "Geef het token een naam." in response.get_data(as_text=True)
    response = client.post("/account", data={"action": "token", "token-name": "x" * 101})
    assert response.status_code == 422
    response = client.post("/account", data={"action": "language", "lang-language": "en"})
    assert response.status_code == 302
    db_session.rollback()
    assert person.language == "en"


def test_revoking_a_token_id_beyond_any_row_says_there_is_no_such_token(client, make, db_session):
    person = make.user()
    db_session.commit()
    make.login(client, person)
    response = client.post("/account", data={"action": "revoke", "token_id": str(10**20)})
    assert response.status_code == 422
    assert "Dit token bestaat niet." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["/account\r\nSet-Cookie: x=1", "/account\r", "/acc\tount", "/\x7f"]
)
def test_a_control_character_in_next_is_refused_with_a_message(client, make, db_session, target):
    person = make.user()
    db_session.commit()
    refused = "Het terugadres in deze link bevat tekens die niet zijn toegestaan."
    response = client.post("/taal", data={"language": "en", "next": target})
    assert response.status_code == 400 and refused in response.get_data(as_text=True)
    assert 'lang="nl"' in client.get("/").get_data(as_text=True)  # nothing changed
    assert client.get("/inloggen", query_string={"next": target}).status_code == 400
    response = client.post(
        "/inloggen",
        query_string={"next": target},
        data={"email": person.email, "password": make.PASSWORD},
    )
    assert response.status_code == 400 and refused in response.get_data(as_text=True)
    assert client.get("/mijn").status_code == 302  # not logged in: the log-in never happened
    # A clean next still works as before.
    response = client.post(
        "/inloggen",
        query_string={"next": "/account"},
        data={"email": person.email, "password": make.PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account"
