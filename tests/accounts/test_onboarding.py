"""Invitations: a new or imported person chooses their first password through a single-use
link (`/welkom/<secret>`), valid INVITATION_DAYS; the link is stored only as a hash."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from booking.accounts import onboarding, services
from booking.accounts.models import Role, User
from booking.core.db import atomic, utcnow
from booking.core.errors import PermissionDenied, ValidationError
from booking.core.models import AuditEntry
from booking.extensions import db
from booking.notifications import registry
from booking.notifications.render import render
from booking.notifications.worker import drain
from tests.accounts.cli_support import Cli, write_file
from tests.accounts.onboarding_support import link_path, outbox, secret_of, tokens
from tests.notifications.test_smtp import smtp_server

FIXTURES = (smtp_server,)  # the real SMTP server of tests/notifications
NEW_PASSWORD = "blauwe fiets op het dak"


@pytest.fixture
def cli(app):
    return Cli(app)


def invite(person, sender=None):
    token = onboarding.send_invitation(person, sender=sender)
    db.session.commit()
    return token


def newcomer(make, **kwargs):
    return make.user(password=None, **kwargs)


def test_an_invitation_is_one_mail_with_a_link_stored_only_as_its_hash(make, db_session):
    person = newcomer(make)
    token = invite(person)
    (message,) = outbox("account_invitation")
    assert message.user_id == person.id and message.email == person.email
    secret = secret_of(message)
    assert len(secret) >= 43  # 256 bits
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Neither the token's row nor the outbox row holds the secret: the row keeps its hash,
    # the message the seed it is derived from under the server's key.
    row_values = [str(v) for v in db_session.execute(select(*token.__table__.c)).one()]
    assert not any(secret in value for value in row_values)
    assert secret not in str(message.data) and set(message.data) == {"token_id", "seed"}
    # Valid INVITATION_DAYS (7): measured from the token's own creation.
    assert token.expires_at - token.created_at == timedelta(days=7)


def test_the_mail_says_how_to_get_in_in_the_persons_language(make, db_session):
    person = newcomer(make, language="en")
    invite(person)
    (message,) = outbox("account_invitation")
    rendered = render(message)
    assert rendered.subject == "Welcome to Talent MVS: choose your password"
    assert person.email in rendered.text and "/welkom/" in rendered.text
    assert "The link works once, until" in rendered.text
    assert "Your enrolments: http://localhost/mijn" in rendered.text  # the shared footer
    assert 'href="http://localhost/welkom/' in rendered.html
    dutch = newcomer(make, language="nl")
    invite(dutch)
    rendered = render(outbox("account_invitation", dutch.email)[0])
    assert rendered.subject == "Welkom bij Talent MVS: kies je wachtwoord"
    assert "Kies je wachtwoord met deze link:" in rendered.text


def test_opening_the_link_changes_nothing_and_posting_sets_the_password_once(
    make, db_session, client
):
    person = newcomer(make)
    invite(person)
    path = link_path(outbox("account_invitation")[0])
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Welkom, {person.name}" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert tokens(person.id)[0].used_at is None  # mail scanners open links

    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    db_session.rollback()
    assert db_session.get(User, person.id).password_hash
    assert tokens(person.id)[0].used_at is not None
    # Sent to the log-in page (not logged in): the log-in rules apply to every way in.
    assert client.get("/mijn").status_code == 302
    assert make.login(client, person, NEW_PASSWORD).headers["Location"].endswith("/mijn")

    again = client.post(path, data={"new": "een ander lang wachtwoord", "confirm": "x"})
    assert again.status_code == 410
    assert "Deze link is al gebruikt" in again.get_data(as_text=True)
    assert client.get(path).status_code == 410
    assert services.authenticate(person.email, NEW_PASSWORD) is not None


def test_a_new_invitation_supersedes_the_unused_one(make, db_session, client):
    person = newcomer(make)
    invite(person)
    invite(person)
    first, second = outbox("account_invitation")
    old, new = link_path(first), link_path(second)
    assert old != new
    page = client.get(old)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "Er is een nieuwere link gestuurd" in text
    assert 'href="/wachtwoord-vergeten"' in text  # a way to ask for a new link
    assert client.post(old, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 410
    assert client.get(new).status_code == 200
    response = client.post(new, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_an_expired_link_says_so_and_sets_nothing(make, db_session, client):
    person = newcomer(make)
    token = invite(person)
    path = link_path(outbox("account_invitation")[0])
    token.expires_at = utcnow() - timedelta(seconds=1)  # the clock moved past it
    db_session.commit()
    page = client.get(path)
    assert page.status_code == 410 and "Deze link is verlopen" in page.get_data(as_text=True)
    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    db_session.rollback()
    assert db_session.get(User, person.id).password_hash is None


def test_the_link_works_until_just_before_it_expires(make, db_session):
    person = newcomer(make)
    token = invite(person)
    secret = secret_of(outbox("account_invitation")[0])
    just_before = token.expires_at - timedelta(seconds=1)
    check = onboarding.check_link("invitation", secret, now=just_before)
    assert check.state == "valid"
    assert onboarding.check_link("invitation", secret, now=token.expires_at).state == "expired"
    with pytest.raises(onboarding.LinkUnusable) as refused:
        onboarding.use_link("invitation", secret, NEW_PASSWORD, now=token.expires_at)
    assert refused.value.code == "link_expired"
    onboarding.use_link("invitation", secret, NEW_PASSWORD, now=just_before)


@pytest.mark.parametrize(
    "secret",
    ["nothing-like-it", "x" * 5000, "%00", "ü" * 10, "a.b", "0" * 64, "-" * 43],
)
def test_unknown_and_malformed_links_are_a_clear_404(client, secret):
    for path in (f"/welkom/{secret}", f"/wachtwoord-herstellen/{secret}"):
        page = client.get(path)
        assert page.status_code in (404, 400), path  # 400: NUL refused up front
        if page.status_code == 404:
            text = page.get_data(as_text=True)
            assert "Deze link werkt niet" in text and "Nieuwe link aanvragen" in text
        posted = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert posted.status_code in (404, 400)


def test_an_invitation_link_is_no_reset_link_and_the_reverse(make, db_session, client):
    person = newcomer(make)
    invite(person)
    secret = secret_of(outbox("account_invitation")[0])
    assert client.get(f"/wachtwoord-herstellen/{secret}").status_code == 404
    assert client.get(f"/welkom/{secret}").status_code == 200


def test_a_refused_password_leaves_the_link_good(make, db_session, client):
    person = newcomer(make)
    invite(person)
    path = link_path(outbox("account_invitation")[0])
    short = client.post(path, data={"new": "kort", "confirm": "kort"})
    assert short.status_code == 422 and "Gebruik minstens 12 tekens." in short.get_data(True)
    common = client.post(path, data={"new": "qwerty123456", "confirm": "qwerty123456"})
    text = common.get_data(as_text=True)
    assert common.status_code == 422 and "een van de meest gebruikte" in text
    assert "<title>Fout:" in text  # the title says so too
    differ = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert differ.status_code == 422
    assert tokens(person.id)[0].used_at is None
    assert client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_an_inactive_person_gets_no_invitation_and_their_link_stops(make, db_session, client):
    person = newcomer(make)
    invite(person)
    path = link_path(outbox("account_invitation")[0])
    person = db_session.get(User, person.id)
    person.active = False
    db_session.commit()
    assert client.get(path).status_code == 404
    with pytest.raises(ValidationError) as refused:
        onboarding.send_invitation(person)
    assert refused.value.code == "inactive"


def test_only_organisers_and_administrators_send_invitations_and_it_is_audited(make, db_session):
    person = newcomer(make)
    with pytest.raises(PermissionDenied):
        onboarding.send_invitation(person, sender=make.user(Role.HR))
    admin = make.user(Role.ADMIN)
    invite(person, sender=admin)
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "account.invited"))
    (entry,) = entry.all()
    assert entry.actor_id == admin.id and entry.target_id == person.id


def test_using_the_link_ends_the_persons_other_sessions(make, db_session, client, app):
    person = make.user()  # has a password and is logged in elsewhere
    db_session.commit()
    elsewhere = app.test_client()
    make.login(elsewhere, person)
    assert elsewhere.get("/mijn").status_code == 200
    invite(db_session.get(User, person.id))
    path = link_path(outbox("account_invitation")[0])
    assert client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert elsewhere.get("/mijn").status_code == 302


def test_a_new_password_set_otherwise_ends_open_links(make, db_session, client):
    person = newcomer(make)
    invite(person)
    path = link_path(outbox("account_invitation")[0])
    atomic(services.set_password, db_session.get(User, person.id), NEW_PASSWORD)
    page = client.get(path)
    assert page.status_code == 410 and "nieuwere link" in page.get_data(as_text=True)


def test_the_invitation_is_delivered_over_smtp_and_its_link_works(
    make, db_session, client, smtp_server
):
    person = newcomer(make)
    invite(person)
    assert drain(backend=smtp_server.backend(), now=utcnow() + timedelta(seconds=1)).sent == 1
    (mail,) = smtp_server.handler.received
    mail = BytesParser(policy=policy.default).parsebytes(bytes(mail))
    assert mail["To"] == person.email and mail["Subject"].startswith("Welkom bij")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    path = link_path(outbox("account_invitation")[0])
    assert f"http://localhost{path}" in text and f'href="http://localhost{path}"' in html
    assert client.get(path).status_code == 200
    assert client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


# -- the command line -------------------------------------------------------------------------


def test_create_user_sends_an_invitation(cli, db_session):
    result = cli("create-user", "nieuw@example.nl", "--name", "Nina Nieuw", "--role", "organiser")
    assert result.exit_code == 0, result.output
    assert "Invitation sent to nieuw@example.nl" in result.output
    (message,) = outbox("account_invitation")
    assert message.email == "nieuw@example.nl"
    # Running it again updates nothing and sends nothing more.
    cli("create-user", "nieuw@example.nl", "--name", "Nina Nieuw", "--role", "organiser", code=0)
    assert len(outbox("account_invitation")) == 1


def test_create_user_without_invitation_or_with_a_password(cli, db_session):
    result = cli(
        "create-user", "a@example.nl", "--name", "A Admin", "--role", "admin", "--no-invite", code=0
    )
    assert "No password yet" in result.output
    result = cli(
        "create-user",
        "b@example.nl",
        "--name",
        "B Beheer",
        "--role",
        "admin",
        "--password-stdin",
        input=NEW_PASSWORD + "\n",
        code=0,
    )
    assert "Password set for b@example.nl." in result.output
    assert outbox("account_invitation") == []
    assert services.authenticate("b@example.nl", NEW_PASSWORD) is not None


def test_create_user_refuses_a_common_password_and_creates_nobody(cli, db_session):
    result = cli(
        "create-user",
        "c@example.nl",
        "--name",
        "C",
        "--role",
        "admin",
        "--password-stdin",
        input="1qaz2wsx3edc\n",
        code=1,
    )
    assert "password: This password is one of the most common ones" in result.output
    db_session.rollback()
    assert services.user_by_email("c@example.nl") is None


def test_invite_sends_again_and_the_old_link_stops(cli, make, db_session, client):
    person = newcomer(make)
    invite(person)
    old = link_path(outbox("account_invitation")[0])
    result = cli("invite", person.email, code=0)
    assert f"Invitation sent to {person.email}" in result.output
    assert client.get(old).status_code == 410
    assert client.get(link_path(outbox("account_invitation")[-1])).status_code == 200
    assert "No person" in cli("invite", "niemand@example.nl", code=1).output


CSV = (
    "email,name,organisation,team,role,education_level\n"
    "anna@example.nl,Anna de Vries,Gemeente Schiedam,Burgerzaken,participant,mbo\n"
    "bert@example.nl,Bert Bakker,Gemeente Schiedam,,participant,hbo\n"
)


def test_import_invites_each_created_person_once(cli, make, db_session, tmp_path):
    make.organisation("Gemeente Schiedam")
    db_session.commit()
    path = write_file(tmp_path, CSV)
    dry = cli("import-users", path, "--dry-run", code=0)
    assert "invitations sent" not in dry.output and outbox() == []
    result = cli("import-users", path, code=0)
    assert "invitations sent: 2" in result.output
    assert sorted(m.email for m in outbox("account_invitation")) == [
        "anna@example.nl",
        "bert@example.nl",
    ]
    cli("import-users", path, code=0)  # unchanged people get nothing new
    assert len(outbox("account_invitation")) == 2


def test_import_without_invitations(cli, make, db_session, tmp_path):
    make.organisation("Gemeente Schiedam")
    db_session.commit()
    result = cli("import-users", write_file(tmp_path, CSV), "--no-invite", code=0)
    assert "created 2" in result.output and outbox() == []


# -- the API ----------------------------------------------------------------------------------


def test_organisers_send_an_invitation_again_through_the_api(make, db_session, client):
    organiser = make.user(Role.ORGANISER, password=None)
    _, plain = services.create_api_token(organiser)
    person = newcomer(make, email="Nina.Nieuw@example.nl".lower())
    invite(person)
    old = link_path(outbox("account_invitation")[0])
    headers = {"Authorization": f"Bearer {plain}"}
    response = client.post("/api/v1/people/NINA.NIEUW@example.nl/invitation", headers=headers)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["email"] == person.email and body["expires_at"].endswith("+01:00")
    assert client.get(old).status_code == 410
    assert len(outbox("account_invitation")) == 2
    missing = client.post("/api/v1/people/niemand@example.nl/invitation", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "person_not_found"


def test_others_may_not_send_invitations_through_the_api(make, db_session, client):
    person = newcomer(make)
    hr = make.user(Role.HR, org=person.organisation, password=None)
    _, plain = services.create_api_token(hr)
    db_session.commit()
    url = f"/api/v1/people/{person.email}/invitation"
    assert client.post(url).status_code == 401
    refused = client.post(url, headers={"Authorization": f"Bearer {plain}"})
    assert refused.status_code == 403
    assert outbox("account_invitation") == []


def test_an_inactive_person_is_a_422_through_the_api(make, db_session, client):
    admin = make.user(Role.ADMIN, password=None)
    _, plain = services.create_api_token(admin)
    person = newcomer(make)
    person.active = False
    db_session.commit()
    response = client.post(
        f"/api/v1/people/{person.email}/invitation", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "inactive"


# -- the periodic duty ------------------------------------------------------------------------


def test_links_past_their_expiry_for_a_month_are_deleted(make, db_session, app):
    old, recent, fresh = newcomer(make), newcomer(make), newcomer(make)
    now = utcnow()
    for person, expired_days_ago in ((old, 31), (recent, 29)):
        token = invite(person)
        token.expires_at = now - timedelta(days=expired_days_ago)
    invite(fresh)
    db_session.commit()
    assert "account-links-purge" in dict(registry.duties())
    assert onboarding.purge_spent_links(now) == {"account_links_purged": 1}
    assert {t.user_id for t in tokens()} == {recent.id, fresh.id}
    assert onboarding.purge_spent_links(now) == {"account_links_purged": 0}  # idempotent
