"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider.py):
the whole code flow over HTTP, and every way an answer can be refused."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import text

from booking.accounts import services, sso_login, sso_providers
from booking.accounts.models import Role, User
from booking.accounts.sso_models import IdentityProvider
from booking.core import encryption
from booking.core.errors import PermissionDenied, ValidationError
from booking.core.models import AuditEntry
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from tests.oidc_provider import CLIENTS, sign_in_at_provider

SECRET_A = CLIENTS["booking-a"]


@pytest.fixture(autouse=True)
def _english(client):
    """The pages in English (the source language), so these tests read the texts as written."""
    client.set_cookie("lang", "en", domain="localhost")


@pytest.fixture(autouse=True)
def _fresh_provider_cache():
    sso_providers.forget_cached()
    yield
    sso_providers.forget_cached()


def provider_for(org, issuer, client_id="booking-a", **settings):
    row = IdentityProvider(
        organisation_id=org.id,
        issuer=issuer,
        client_id=client_id,
        client_secret=CLIENTS[client_id],
        **settings,
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def org_a(make, oidc_provider, db_session):
    org = make.organisation("Gemeente Aadorp")
    provider_for(org, oidc_provider.issuer)
    db_session.commit()
    return org


def begin(client, org_id, next_=None):
    """Our start page: returns the provider's authorization address it redirects to."""
    response = client.get(f"/inloggen/sso/{org_id}" + (f"?next={next_}" if next_ else ""))
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in(client, oidc_provider, org_id, login, next_=None):
    callback = sign_in_at_provider(begin(client, org_id, next_), login)
    return client.get(callback)


def logged_in(client) -> bool:
    return client.get("/mijn").status_code == 200


# -- the code flow ------------------------------------------------------------------------


def test_the_code_flow_signs_the_person_in_with_pkce_state_and_nonce(
    client, make, oidc_provider, org_a, db_session
):
    person = make.user(org=org_a, email="anna@aadorp.nl", password=None)
    db_session.commit()
    oidc_provider.add_user("anna", "Anna@Aadorp.nl")  # the case of the address does not matter

    authorize = begin(client, org_a.id)
    parts = urlsplit(authorize)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert authorize.startswith(oidc_provider.issuer + "/auth?")
    assert query["response_type"] == "code"
    assert query["client_id"] == "booking-a"
    assert query["redirect_uri"] == "http://localhost/inloggen/sso/callback"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256 digest
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert "client_secret" not in authorize and SECRET_A not in authorize

    response = client.get(sign_in_at_provider(authorize, "anna"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mijn")
    with client.session_transaction() as cookie:
        assert cookie["auth_method"] == "sso"
        assert "sso_pending" not in cookie
    page = client.get("/mijn")
    assert page.status_code == 200 and person.name in page.get_data(as_text=True)
    db_session.expire_all()
    assert db.session.get(User, person.id).last_login_at is not None


def test_the_person_returns_to_the_page_they_asked_for(client, make, oidc_provider, org_a):
    make.user(org=org_a, email="bram@aadorp.nl", password=None)
    db.session.commit()
    oidc_provider.add_user("bram", "bram@aadorp.nl")
    response = sign_in(client, oidc_provider, org_a.id, "bram", next_="/account")
    assert response.headers["Location"].endswith("/account")


def test_another_code_verifier_is_refused_by_the_provider(client, make, oidc_provider, org_a):
    """The provider checks the PKCE verifier against the challenge it was sent."""
    make.user(org=org_a, email="carla@aadorp.nl", password=None)
    db.session.commit()
    oidc_provider.add_user("carla", "carla@aadorp.nl")
    authorize = begin(client, org_a.id)
    with client.session_transaction() as cookie:
        pending = dict(cookie["sso_pending"])
        pending["verifier"] = "x" * 86
        cookie["sso_pending"] = pending
    response = client.get(sign_in_at_provider(authorize, "carla"))
    assert response.status_code == 400
    assert "did not accept this log-in" in response.get_data(as_text=True)
    assert not logged_in(client)


def test_a_wrong_state_is_refused_and_an_answer_counts_once(client, make, oidc_provider, org_a):
    make.user(org=org_a, email="daan@aadorp.nl", password=None)
    db.session.commit()
    oidc_provider.add_user("daan", "daan@aadorp.nl")
    callback = sign_in_at_provider(begin(client, org_a.id), "daan")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = urlunsplit(parts._replace(query=f"code={query['code'][0]}&state=not-the-state"))
    response = client.get(forged)
    assert response.status_code == 400
    assert "was not started here" in response.get_data(as_text=True)
    assert not logged_in(client)
    # The refusal used up the started log-in: the genuine answer is refused now too.
    assert client.get(callback).status_code == 400
    assert not logged_in(client)

    # And a genuine answer is taken once: replaying it after success is refused.
    callback = sign_in_at_provider(begin(client, org_a.id), "daan")
    assert client.get(callback).status_code == 302
    client.post("/uitloggen")
    assert client.get(callback).status_code == 400
    assert not logged_in(client)


def test_an_expired_id_token_from_the_provider_is_refused(
    client, make, oidc_provider, slow_oidc_provider, db_session
):
    """The whole flow with a provider whose clock is two minutes slow: its one-second ID
    tokens arrive expired, beyond the allowed clock difference, and are refused."""
    org = make.organisation("Gemeente Traagdorp")
    provider_for(org, slow_oidc_provider.issuer, client_id="booking-short-lived")
    make.user(org=org, email="lot@traagdorp.nl", password=None)
    db_session.commit()
    slow_oidc_provider.add_user("lot", "lot@traagdorp.nl")
    response = client.get(sign_in_at_provider(begin(client, org.id), "lot"))
    assert response.status_code == 400
    assert "answer was not valid" in response.get_data(as_text=True)
    assert not logged_in(client)
    # The same client of a provider with the right time is accepted: the expiry refused it.
    sso_providers.provider_of(org.id).issuer = oidc_provider.issuer
    db_session.commit()
    oidc_provider.add_user("lot", "lot@traagdorp.nl")
    assert client.get(sign_in_at_provider(begin(client, org.id), "lot")).status_code == 302
    assert logged_in(client)


def test_an_answer_without_a_started_log_in_is_refused(client, org_a):
    response = client.get("/inloggen/sso/callback?code=abc&state=def")
    assert response.status_code == 400
    assert not logged_in(client)


def test_the_provider_refusing_is_explained(client, org_a):
    begin(client, org_a.id)
    with client.session_transaction() as cookie:
        state = cookie["sso_pending"]["state"]
    response = client.get(f"/inloggen/sso/callback?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "did not sign you in" in response.get_data(as_text=True)


def test_an_unverified_address_is_refused(client, make, oidc_provider, org_a):
    make.user(org=org_a, email="eva@aadorp.nl", password=None)
    db.session.commit()
    oidc_provider.add_user("eva", "eva@aadorp.nl", verified=False)
    response = sign_in(client, oidc_provider, org_a.id, "eva")
    assert response.status_code == 400
    assert "did not confirm" in response.get_data(as_text=True)
    assert not logged_in(client)


def test_a_missing_verified_claim_counts_only_where_the_provider_vouches(
    client, make, oidc_provider, org_a, db_session
):
    make.user(org=org_a, email="fleur@aadorp.nl", password=None)
    db_session.commit()
    oidc_provider.add_user("fleur", "fleur@aadorp.nl", verified=None)  # as Entra ID sends it
    assert sign_in(client, oidc_provider, org_a.id, "fleur").status_code == 400
    assert not logged_in(client)

    sso_providers.provider_of(org_a.id).emails_verified = True
    db_session.commit()
    assert sign_in(client, oidc_provider, org_a.id, "fleur").status_code == 302
    assert logged_in(client)


def test_a_person_of_another_organisation_is_never_matched(
    client, make, oidc_provider, org_a, db_session
):
    other = make.organisation("Gemeente Bedorp")
    provider_for(other, oidc_provider.issuer, client_id="booking-b")
    stranger = make.user(org=other, email="gijs@bedorp.nl", password=None)
    db_session.commit()
    oidc_provider.add_user("gijs", "gijs@bedorp.nl")

    response = sign_in(client, oidc_provider, org_a.id, "gijs")  # through Aadorp's provider
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "No account found" in text and "Gemeente Aadorp" in text
    assert not logged_in(client)
    # Through their own organisation's provider they are signed in.
    assert sign_in(client, oidc_provider, other.id, "gijs").status_code == 302
    assert stranger.name in client.get("/mijn").get_data(as_text=True)


def test_no_account_is_made_and_inactive_people_stay_out(
    client, make, oidc_provider, org_a, db_session
):
    oidc_provider.add_user("nobody", "nobody@aadorp.nl")
    people = db.session.query(User).count()
    response = sign_in(client, oidc_provider, org_a.id, "nobody")
    assert response.status_code == 400
    assert "nobody@aadorp.nl" in response.get_data(as_text=True)
    assert db.session.query(User).count() == people
    assert services.user_by_email("nobody@aadorp.nl") is None

    former = make.user(org=org_a, email="hans@aadorp.nl", password=None)
    former.active = False
    db_session.commit()
    oidc_provider.add_user("hans", "hans@aadorp.nl")
    assert sign_in(client, oidc_provider, org_a.id, "hans").status_code == 400
    assert not logged_in(client)


def test_what_the_provider_says_is_shown_as_text(client, oidc_provider, org_a):
    oidc_provider.add_user("mallory", "<script>alert(1)</script>@aadorp.nl")
    response = sign_in(client, oidc_provider, org_a.id, "mallory")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@aadorp.nl" in text


def test_a_disabled_or_missing_provider_offers_no_log_in(client, make, org_a, db_session):
    sso_providers.provider_of(org_a.id).enabled = False
    plain = make.organisation("Gemeente Cedorp")
    db_session.commit()
    assert client.get(f"/inloggen/sso/{org_a.id}").status_code == 404
    assert client.get(f"/inloggen/sso/{plain.id}").status_code == 404
    assert client.get("/inloggen/sso/99999999999999999999").status_code == 404
    assert "Log in through your organisation" not in client.get("/inloggen").get_data(as_text=True)


def test_the_log_in_page_offers_the_organisations_with_a_provider(client, make, org_a):
    make.organisation("Gemeente Zonder")
    db.session.commit()
    page = client.get("/inloggen?next=/account").get_data(as_text=True)
    assert "Log in through your organisation" in page
    assert f'href="/inloggen/sso/{org_a.id}?next=/account">' in page
    assert "Gemeente Aadorp</a>" in page
    assert "Gemeente Zonder" not in page
    chosen = client.get(f"/inloggen/sso?org={org_a.id}&next=/account")
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith(f"/inloggen/sso/{org_a.id}?next=/account")
    assert client.get("/inloggen/sso?org=abc").status_code == 422
    assert client.get("/inloggen/sso").status_code == 200


# -- the ID token ---------------------------------------------------------------------------


@pytest.fixture
def token_check(app, oidc_provider, org_a):
    """verify_id_token with the real discovery document and JWKS, fetched over HTTP."""
    snapshot = sso_providers.enabled_provider(org_a.id)
    metadata = sso_providers.discover(snapshot.issuer)

    def claims(**changes):
        now = int(time.time())
        base = {
            "iss": oidc_provider.issuer,
            "sub": "anna",
            "aud": "booking-a",
            "iat": now,
            "exp": now + 300,
            "nonce": "the-nonce",
            "email": "anna@aadorp.nl",
            "email_verified": True,
        }
        base.update(changes)
        return {key: value for key, value in base.items() if value is not None}

    def check(token, nonce="the-nonce"):
        return sso_login.verify_id_token(snapshot, metadata, token, nonce)

    return claims, check


def test_a_token_signed_by_the_provider_for_us_is_accepted(token_check, oidc_provider):
    claims, check = token_check
    assert check(oidc_provider.sign(claims()))["email"] == "anna@aadorp.nl"


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},  # expired
        {"aud": "booking-b"},  # another client's
        {"aud": ["booking-b", "someone-else"]},
        {"iss": "http://127.0.0.1:1"},  # another issuer
        {"nonce": "another-nonce"},
        {"nonce": None},
        {"exp": None},
        {"iat": None},
        {"sub": None},
    ],
    ids=[
        "expired",
        "audience",
        "audiences",
        "issuer",
        "nonce",
        "no-nonce",
        "no-exp",
        "no-iat",
        "no-sub",
    ],
)
def test_a_bad_id_token_is_refused(token_check, oidc_provider, changes):
    claims, check = token_check
    with pytest.raises(sso_providers.SsoError) as refused:
        check(oidc_provider.sign(claims(**changes)))
    assert refused.value.code == "bad_id_token"


def test_a_token_not_signed_by_the_provider_is_refused(token_check, oidc_provider):
    claims, check = token_check
    impostor = RSAKey.generate_key(2048, parameters={"kid": "test-signing-key"}, private=True)
    with pytest.raises(sso_providers.SsoError):
        check(oidc_provider.sign(claims(), key=impostor))  # the provider's key id, another key
    unknown = RSAKey.generate_key(2048, parameters={"kid": "unknown-key"}, private=True)
    with pytest.raises(sso_providers.SsoError):
        check(oidc_provider.sign(claims(), key=unknown))
    token = oidc_provider.sign(claims())
    head, body, signature = token.split(".")
    with pytest.raises(sso_providers.SsoError):
        check(f"{head}.{body}.{signature[:-4]}AAAA")
    with pytest.raises(sso_providers.SsoError):
        check("not a token")


def test_an_hmac_or_unsigned_token_is_refused(token_check):
    """An HS256 token "signed" with our own client secret, and alg none, never pass."""
    from joserfc import jwt
    from joserfc.jwk import OctKey

    claims, check = token_check
    hmac_token = jwt.encode({"alg": "HS256"}, claims(), OctKey.import_key(SECRET_A))
    with pytest.raises(sso_providers.SsoError):
        check(hmac_token)
    head = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    body = hmac_token.split(".")[1]
    with pytest.raises(sso_providers.SsoError):
        check(f"{head}.{body}.")


# -- password log-in where SSO is required ------------------------------------------------


def test_require_sso_refuses_the_password_and_points_to_the_button(client, make, org_a, db_session):
    sso_providers.provider_of(org_a.id).require_sso = True
    person = make.user(org=org_a)
    db_session.commit()
    response = make.login(client, person)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Log in through your organisation" in text and "signs you in through its own log-in" in text
    )
    assert not logged_in(client)
    # A wrong password says only what it always says.
    wrong = make.login(client, person, password="wrong" * 4)
    assert "do not match" in wrong.get_data(as_text=True)
    assert "signs you in through its own log-in" not in wrong.get_data(as_text=True)
    with pytest.raises(PermissionDenied):
        sso_login.check_password_reset(person)


def test_require_sso_spares_administrators_and_other_organisations(client, make, org_a, db_session):
    sso_providers.provider_of(org_a.id).require_sso = True
    admin = make.user(Role.ADMIN, org=org_a)
    outsider = make.user()
    db_session.commit()
    assert make.login(client, admin).status_code == 302
    client.post("/uitloggen")
    assert make.login(client, outsider).status_code == 302


def test_require_sso_lapses_while_the_provider_is_disabled(client, make, org_a, db_session):
    row = sso_providers.provider_of(org_a.id)
    row.require_sso, row.enabled = True, False
    person = make.user(org=org_a)
    db_session.commit()
    assert make.login(client, person).status_code == 302


def test_a_password_log_in_after_an_sso_one_is_no_sso_session(
    client, make, oidc_provider, org_a, db_session
):
    person = make.user(org=org_a, email="iris@aadorp.nl")
    db_session.commit()
    oidc_provider.add_user("iris", "iris@aadorp.nl")
    sign_in(client, oidc_provider, org_a.id, "iris")
    client.post("/uitloggen")
    with client.session_transaction() as cookie:
        assert "auth_method" not in cookie
    make.login(client, person)
    with client.session_transaction() as cookie:
        assert cookie["auth_method"] == "password"


# -- configuration --------------------------------------------------------------------------


def test_an_administrator_configures_a_provider_in_the_page(
    client, make, oidc_provider, db_session
):
    org = make.organisation("Gemeente Dedorp")
    admin = make.user(Role.ADMIN, language="en")
    db_session.commit()
    make.login(client, admin)
    organisation_page = client.get(f"/beheer/organisaties/{org.id}").get_data(as_text=True)
    assert f'href="/beheer/organisaties/{org.id}/sso">Single sign-on</a>' in organisation_page
    page = client.get(f"/beheer/organisaties/{org.id}/sso")
    assert page.status_code == 200
    assert "http://localhost/inloggen/sso/callback" in page.get_data(as_text=True)
    form = {
        "issuer": oidc_provider.issuer + "/",
        "client_id": "booking-a",
        "client_secret": SECRET_A,
        "enabled": "y",
        "require_sso": "y",
    }
    saved = client.post(f"/beheer/organisaties/{org.id}/sso", data=form)
    assert saved.status_code == 302
    row = sso_providers.provider_of(org.id)
    assert (row.issuer, row.client_secret, row.require_sso) == (
        oidc_provider.issuer,
        SECRET_A,
        True,
    )
    shown = client.get(f"/beheer/organisaties/{org.id}/sso").get_data(as_text=True)
    assert SECRET_A not in shown and "A secret is stored" in shown
    # Saved again without a secret: the stored one stays.
    again = client.post(
        f"/beheer/organisaties/{org.id}/sso", data={**form, "client_secret": "", "require_sso": ""}
    )
    assert again.status_code == 302
    db_session.expire_all()
    row = sso_providers.provider_of(org.id)
    assert row.client_secret == SECRET_A and row.require_sso is False
    entries = db.session.query(AuditEntry).filter_by(action="identity_provider.save").all()
    assert len(entries) == 2
    assert all(SECRET_A not in repr((e.before, e.after)) for e in entries)


def test_the_page_explains_every_refused_setting(client, make, oidc_provider, db_session):
    org = make.organisation()
    admin = make.user(Role.ADMIN, language="en")
    db_session.commit()
    make.login(client, admin)
    url = f"/beheer/organisaties/{org.id}/sso"
    good = {"issuer": oidc_provider.issuer, "client_id": "x", "client_secret": "typed-secret-1"}
    cases = [
        ({**good, "issuer": "http://login.example.nl"}, "https://"),
        ({**good, "issuer": "https://login.example.nl?x=1"}, "like https://login"),
        ({**good, "client_secret": ""}, "Enter the client secret"),
        ({**good, "issuer": oidc_provider.issuer + "/other", "enabled": "y"}, "could not be"),
        ({**good, "require_sso": "y"}, "can only be required"),
        ({**good, "issuer": "", "client_id": ""}, "Enter the client id"),
    ]
    for data, expected in cases:
        response = client.post(url, data=data)
        text = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert expected in text, (data, text[:3000])
        assert "typed-secret-1" not in text  # the secret typed is not sent back
    assert sso_providers.provider_of(org.id) is None


def test_only_administrators_reach_the_page(client, make, org_a, db_session):
    organiser = make.user(Role.ORGANISER)
    hr = make.user(Role.HR, org=org_a)
    db_session.commit()
    for person in (organiser, hr):
        make.login(client, person)
        assert client.get(f"/beheer/organisaties/{org_a.id}/sso").status_code == 403
        assert client.post(f"/beheer/organisaties/{org_a.id}/sso", data={}).status_code == 403
        client.post("/uitloggen")
    assert client.get(f"/beheer/organisaties/{org_a.id}/sso").status_code == 302


def test_the_service_refuses_non_administrators(make, org_a, oidc_provider):
    organiser = make.user(Role.ORGANISER)
    values = sso_providers.ProviderInput(oidc_provider.issuer, "booking-a", SECRET_A)
    with pytest.raises(PermissionDenied):
        sso_providers.save_provider(org_a.id, values, actor=organiser)


def test_a_loopback_issuer_needs_the_setting(app):
    app.config["SSO_ALLOW_LOOPBACK_ISSUER"] = False
    try:
        with pytest.raises(ValidationError):
            sso_providers.normalise_issuer("http://127.0.0.1:8080/realms/x")
        with pytest.raises(ValidationError):
            sso_providers.normalise_issuer("https://localhost/realms/x")
    finally:
        app.config["SSO_ALLOW_LOOPBACK_ISSUER"] = True
    assert sso_providers.normalise_issuer(" https://sso.example.nl/realms/gemeente ") == (
        "https://sso.example.nl/realms/gemeente"
    )


# -- the API --------------------------------------------------------------------------------


def bearer(person) -> dict:
    _token, plain = services.create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_configures_a_provider_and_never_answers_the_secret(
    client, make, oidc_provider, db_session
):
    org = make.organisation()
    admin = bearer(make.user(Role.ADMIN, password=None))
    url = f"/api/v1/organisations/{org.id}/identity-provider"
    missing = client.get(url, headers=admin)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "no_identity_provider"
    body = {"issuer": oidc_provider.issuer, "client_id": "booking-a", "client_secret": SECRET_A}
    response = client.put(url, json=body, headers=admin)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["client_secret_set"] is True and answer["enabled"] is True
    assert answer["redirect_uri"] == "http://localhost/inloggen/sso/callback"
    assert SECRET_A not in response.get_data(as_text=True)
    read = client.get(url, headers=admin)
    assert read.status_code == 200 and SECRET_A not in read.get_data(as_text=True)
    assert "client_secret" not in read.get_json()
    # Without the secret the stored one stays; require_sso needs enabled.
    kept = client.put(url, json={**body, "client_secret": None, "require_sso": True}, headers=admin)
    assert kept.status_code == 200 and kept.get_json()["require_sso"] is True
    assert sso_providers.provider_of(org.id).client_secret == SECRET_A
    refused = client.put(url, json={**body, "enabled": False, "require_sso": True}, headers=admin)
    assert refused.status_code == 422
    assert "require_sso" in refused.get_json()["error"]["fields"]
    wrong = client.put(url, json={**body, "issuer": "http://sso.example.nl"}, headers=admin)
    assert wrong.status_code == 422 and "issuer" in wrong.get_json()["error"]["fields"]
    assert client.put(url, json={**body, "extra": 1}, headers=admin).status_code == 422
    assert client.put(url, json={**body, "enabled": "yes"}, headers=admin).status_code == 422


def test_the_api_is_for_administrators_only(client, make, org_a, db_session):
    url = f"/api/v1/organisations/{org_a.id}/identity-provider"
    organiser = bearer(make.user(Role.ORGANISER, password=None))
    assert client.get(url).status_code == 401
    forbidden = client.get(url, headers=organiser)
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "not_admin"
    assert client.put(url, json={}, headers=organiser).status_code in (403, 422)
    admin = bearer(make.user(Role.ADMIN, password=None))
    unknown = "/api/v1/organisations/999999/identity-provider"
    assert client.get(unknown, headers=admin).status_code == 404
    body = {"issuer": "https://sso.example.invalid", "client_id": "x", "client_secret": "y"}
    answer = client.put(unknown, json=body, headers=admin)  # refused before any network call
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_the_secret_is_in_no_page_answer_or_log_line(
    client, make, oidc_provider, org_a, db_session, caplog
):
    admin = make.user(Role.ADMIN, language="en")
    person = make.user(org=org_a, email="jan@aadorp.nl", password=None)
    db_session.commit()
    oidc_provider.add_user("jan", "jan@aadorp.nl")
    caplog.set_level(logging.DEBUG)
    bodies = []
    authorize = begin(client, org_a.id)
    bodies.append(authorize)
    callback = client.get(sign_in_at_provider(authorize, "jan"))
    bodies.append(callback.get_data(as_text=True) + str(callback.headers))
    bodies.append(client.get("/mijn").get_data(as_text=True))
    client.post("/uitloggen")
    make.login(client, admin)
    for path in ("/inloggen", f"/beheer/organisaties/{org_a.id}/sso", "/account", "/organisatie"):
        bodies.append(client.get(path).get_data(as_text=True))
    headers = bearer(admin)
    bodies.append(
        client.get(f"/api/v1/organisations/{org_a.id}/identity-provider", headers=headers).get_data(
            as_text=True
        )
    )
    bodies.append(client.get("/api/v1/openapi.json").get_data(as_text=True))
    assert person.name in bodies[2]
    assert all(SECRET_A not in body for body in bodies)
    assert SECRET_A not in caplog.text
    assert SECRET_A not in repr(sso_providers.enabled_provider(org_a.id))
    assert SECRET_A not in repr(sso_providers.provider_of(org_a.id))


def stored_secret(org_id: int) -> str:
    """The column as the database holds it, past the model."""
    return db.session.execute(
        text("SELECT client_secret_encrypted FROM identity_providers WHERE organisation_id = :o"),
        {"o": org_id},
    ).scalar_one()


def test_the_client_secret_is_stored_encrypted_and_the_log_in_still_works(
    client, make, oidc_provider, db_session
):
    org = make.organisation("Gemeente Eedorp")
    admin = make.user(Role.ADMIN, language="en")
    person = make.user(org=org, email="els@eedorp.nl", password=None)
    db_session.commit()
    make.login(client, admin)
    form = {"issuer": oidc_provider.issuer, "client_id": "booking-a", "client_secret": SECRET_A}
    saved = client.post(f"/beheer/organisaties/{org.id}/sso", data={**form, "enabled": "y"})
    assert saved.status_code == 302
    raw = stored_secret(org.id)
    assert SECRET_A not in raw
    assert encryption.decrypt(raw, encryption.SSO_CLIENT_SECRET) == SECRET_A
    assert encryption.decrypt(raw, encryption.TOTP_SECRET) is None  # a key per purpose
    client.post("/uitloggen")
    oidc_provider.add_user("els", "els@eedorp.nl")
    assert sign_in(client, oidc_provider, org.id, "els").status_code == 302
    assert person.name in client.get("/mijn").get_data(as_text=True)


def test_a_secret_stored_under_another_secret_key_is_entered_again(
    app, client, make, oidc_provider, org_a, db_session
):
    admin = make.user(Role.ADMIN, language="en")
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another key, as after a rotation"
    try:
        foreign = encryption.encrypt(SECRET_A, encryption.SSO_CLIENT_SECRET)
    finally:
        app.config["SECRET_KEY"] = key
    sso_providers.provider_of(org_a.id).client_secret_encrypted = foreign
    db_session.commit()
    refused = client.get(f"/inloggen/sso/{org_a.id}")
    assert refused.status_code == 400
    assert "Logging in through your organisation did not succeed" in refused.get_data(as_text=True)
    make.login(client, admin)
    url = f"/beheer/organisaties/{org_a.id}/sso"
    form = {"issuer": oidc_provider.issuer, "client_id": "booking-a", "enabled": "y"}
    assert "A secret is stored" not in client.get(url).get_data(as_text=True)
    kept = client.post(url, data={**form, "client_secret": ""})
    assert kept.status_code == 422 and "Enter the client secret." in kept.get_data(as_text=True)
    assert client.post(url, data={**form, "client_secret": SECRET_A}).status_code == 302
    db_session.expire_all()
    assert sso_providers.enabled_provider(org_a.id).client_secret == SECRET_A


def test_a_role_that_needs_two_step_verification_is_spared_it_after_sso(
    app, client, make, oidc_provider, org_a, db_session, monkeypatch
):
    """HR must set up an authenticator app after a password log-in; single sign-on (the
    organisation's own strong log-in) counts instead of it."""
    monkeypatch.setitem(app.config, "TOTP_REQUIRED_ROLES", "organiser,hr,admin,advisor")
    hr = make.user(Role.HR, org=org_a, email="olga@aadorp.nl")
    db_session.commit()
    make.login(client, hr)
    refused = client.get("/mijn")
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/account/tweestapsverificatie")
    client.post("/uitloggen")

    oidc_provider.add_user("olga", "olga@aadorp.nl")
    assert sign_in(client, oidc_provider, org_a.id, "olga").status_code == 302
    page = client.get("/mijn")
    assert page.status_code == 200 and hr.name in page.get_data(as_text=True)
    assert client.get("/organisatie").status_code == 200


def test_require_sso_sends_no_password_reset_link(client, make, org_a, db_session):
    """The forgotten-password page answers as always, and sends nothing where SSO is required."""
    sso_providers.provider_of(org_a.id).require_sso = True
    person = make.user(org=org_a)
    outsider = make.user()
    db_session.commit()
    for email in (person.email, outsider.email):
        assert client.post("/wachtwoord-vergeten", data={"email": email}).status_code == 200
    db_session.expire_all()
    recipients = {m.email for m in db.session.query(OutboxMessage)}
    assert outsider.email in recipients and person.email not in recipients
