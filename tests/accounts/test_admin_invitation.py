"""An administrator adds a person on the pages: the page says an invitation is on its way (it
said "no password yet", though one was mailed), and the person's page sends a new one when
the first expired or got lost (before, only the API and the command line could)."""

from __future__ import annotations

from sqlalchemy import select

from booking.accounts import onboarding
from booking.accounts.models import Role
from booking.accounts.services import user_by_email
from booking.core.db import atomic
from booking.core.models import AuditEntry
from tests.accounts.onboarding_support import outbox, secret_of, tokens


def _new_person(client, organisation_id):
    return client.post(
        "/beheer/mensen/nieuw",
        data={
            "email": "nieuw@zuidwijk.nl",
            "name": "Nieuwe Collega",
            "role": "participant",
            "organisation": organisation_id,
            "team": "None",
            "education_level": "",
            "language": "nl",
        },
        follow_redirects=True,
    )


def test_adding_a_person_says_the_invitation_is_sent(make, client, db_session):
    admin = make.user(Role.ADMIN)
    organisation = make.organisation()
    db_session.commit()
    make.login(client, admin)
    page = _new_person(client, organisation.id).get_data(as_text=True)
    assert "krijgt per e-mail een uitnodiging om een wachtwoord te kiezen" in page
    assert "nog geen wachtwoord" not in page.split("<main", 1)[1].split("</form>", 1)[0]
    (message,) = outbox("account_invitation", "nieuw@zuidwijk.nl")
    assert message.status == "pending"
    assert 'id="send-invitation"' in page  # no password yet: the page offers a new invitation


def test_the_person_page_sends_a_new_invitation_and_ends_the_old_link(make, client, db_session):
    admin = make.user(Role.ADMIN)
    organisation = make.organisation()
    db_session.commit()
    make.login(client, admin)
    _new_person(client, organisation.id)
    person = user_by_email("nieuw@zuidwijk.nl")
    (first,) = outbox("account_invitation", person.email)

    response = client.post(f"/beheer/mensen/{person.id}/uitnodiging")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "De uitnodiging is verstuurd naar nieuw@zuidwijk.nl." in page
    old, new = outbox("account_invitation", person.email)
    assert old.id == first.id
    assert onboarding.check_link("invitation", secret_of(old)).state == "superseded"
    assert onboarding.check_link("invitation", secret_of(new)).state == "valid"
    assert [t.superseded_at is not None for t in tokens(person.id)] == [True, False]
    audits = db_session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "account.invited", AuditEntry.target_id == person.id
        )
    ).all()
    assert [entry.actor_id for entry in audits] == [admin.id, admin.id]


def test_no_invitation_for_an_inactive_person_or_one_with_a_password(make, client, db_session):
    admin = make.user(Role.ADMIN)
    with_password = make.user()
    inactive = make.user(password=None)
    inactive.active = False
    db_session.commit()
    make.login(client, admin)
    assert 'id="send-invitation"' not in client.get(f"/beheer/mensen/{with_password.id}").text
    assert 'id="send-invitation"' not in client.get(f"/beheer/mensen/{inactive.id}").text
    response = client.post(f"/beheer/mensen/{inactive.id}/uitnodiging", follow_redirects=True)
    assert response.status_code == 200
    assert outbox("account_invitation") == []
    assert client.post("/beheer/mensen/999999/uitnodiging").status_code == 404


def test_only_administrators_send_invitations_from_the_people_pages(make, client, db_session):
    organiser = make.user(Role.ORGANISER)
    person = make.user(password=None)
    db_session.commit()
    atomic(onboarding.send_invitation, person, sender=organiser)  # the rule allows organisers
    db_session.commit()
    make.login(client, organiser)
    assert client.post(f"/beheer/mensen/{person.id}/uitnodiging").status_code == 403
    assert len(outbox("account_invitation", person.email)) == 1
