"""Erasure on request: through the service, the page with its confirmation step and the
API; aggregates unchanged, the waitlist moves on, verification says withdrawn on erasure,
unsent mail dropped, no log-in, idempotent, administrators only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.accounts.models import ApiToken, Role, User
from booking.accounts.services import create_api_token
from booking.certifications import verification
from booking.certifications.models import Award, AwardState
from booking.core.db import atomic
from booking.core.errors import Conflict, NotFound, PermissionDenied
from booking.core.models import AuditEntry
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.notifications.models import MessageStatus, OutboxMessage
from booking.privacy import services
from booking.privacy.models import AnonymousPerson
from tests.privacy.setup import aggregates, make_world


@pytest.fixture
def world(make, db_session):
    return make_world(make)


def _erase(world, email=None, **kwargs):
    return atomic(
        services.erase, email or world.person.email, actor=world.admin, now=world.now, **kwargs
    )


def test_erasure_keeps_every_aggregate_and_moves_the_waitlist_on(world, db_session):
    sessions = [world.past.session.id, world.upcoming.id]
    before = aggregates(sessions)
    old_email, person_id, org_id = world.person.email, world.person.id, world.person.organisation_id
    done = _erase(world)
    db_session.expire_all()
    assert done.already_erased is False and done.user_id == person_id
    counts = done.counts
    assert counts["places_cancelled"] == 1
    assert counts["api_tokens_revoked"] == 1
    assert counts["awards_withdrawn"] == 1
    assert counts["messages_dropped"] >= 1 and counts["profile"] == 1
    after = aggregates(sessions)
    # The finished session: the same places and attendance, per meeting and status.
    assert after["attendance"] == before["attendance"]
    assert after["confirmed"] == before["confirmed"]
    assert after["per_organisation"] == before["per_organisation"]
    # The session to come: the place went to the colleague who waited for it.
    waiting = db_session.get(Enrolment, world.waiting.id)
    assert waiting.status == "confirmed"
    person = db_session.get(User, person_id)
    assert person.name == services.ANONYMOUS_NAME
    assert person.email.endswith("@anonymous.invalid") and person.email != old_email
    assert person.password_hash is None and person.active is False
    assert person.calendar_token_hash is None and person.team_id is None
    assert person.organisation_id == org_id  # the figures per organisation stay right
    assert db_session.scalar(select(User).where(User.email == old_email)) is None
    # Their place in the finished session stays, confirmed, with its attendance.
    assert db_session.get(Enrolment, world.past.places[0].id).status == "confirmed"


def test_verification_says_withdrawn_on_erasure(world, db_session, client):
    assert verification.verify(world.award_code).status == "valid"
    _erase(world)
    found = verification.verify(world.award_code)
    assert found.status == "erased" and found.name == ""
    award = db_session.scalar(select(Award).where(Award.code == world.award_code))
    assert award.state == AwardState.REVOKED and award.erased_at is not None
    page = client.get(f"/verify/{world.award_code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-status="erased"' in text
    assert "Ingetrokken bij verwijdering" in text or "Withdrawn on erasure" in text
    assert "Revoked" not in text and 'id="holder"' not in text
    answer = client.get(f"/api/v1/verify/{world.award_code}").get_json()
    assert answer["status"] == "erased" and answer["name"] == ""


def test_unsent_mail_is_dropped_and_sent_mail_forgets_the_address(world, db_session):
    person_id = world.person.id
    pending = db_session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.user_id == person_id, OutboxMessage.status == MessageStatus.PENDING
        )
    ).all()
    assert pending
    old_email = world.person.email
    done = _erase(world)
    db_session.expire_all()
    mine = db_session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == person_id)).all()
    statuses = {m.status for m in mine}
    assert MessageStatus.PENDING not in statuses and MessageStatus.FAILED not in statuses
    dropped = [m for m in mine if m.status == MessageStatus.DROPPED]
    # Those waiting before, and the cancellation the erasure itself queued.
    assert {m.id for m in dropped} >= set(pending)
    assert done.counts["messages_dropped"] == len(dropped)
    sent = [m for m in mine if m.status == MessageStatus.SENT]
    assert len(sent) == 1 and sent[0].sent_at is not None and sent[0].body_text is None
    assert all(m.email != old_email for m in mine)
    # Others' mail still goes: the colleague is told they have the place now.
    promoted = db_session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.user_id == world.colleague.id)
    ).all()
    assert "promoted" in promoted or "enrolment_confirmed" in promoted


def test_an_erased_person_cannot_log_in_or_use_a_token(world, client, make, db_session):
    email = world.person.email
    _erase(world)
    answer = make.login(client, type("Old", (), {"email": email})())
    assert answer.status_code != 303
    assert client.get("/mijn").status_code in (302, 401)
    api = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {world.token}"})
    assert api.status_code == 401
    token = db_session.scalar(select(ApiToken).where(ApiToken.user_id == world.person.id))
    assert token.revoked_at is not None and token.name == "API"


def test_erasure_is_idempotent_and_audited_without_personal_data(world, db_session):
    email, name = world.person.email, world.person.name
    first = _erase(world)
    again = _erase(world, email)
    assert again.already_erased is True and again.user_id == first.user_id
    assert set(again.counts.values()) == {0}
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "person.erased")
    ).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == world.admin.id and entry.target_id == first.user_id
    assert email not in str(entry.after) and name not in str(entry.after)
    assert entry.after["counts"]["places_cancelled"] == 1
    marker = db_session.get(AnonymousPerson, first.user_id)
    assert marker.kind == "erased" and marker.email_digest and email not in marker.email_digest
    # No audit entry anywhere still names them.
    for entry in db_session.scalars(select(AuditEntry)):
        assert email not in str(entry.before) + str(entry.after)


def test_only_administrators_erase_and_unknown_people_are_404(world, make):
    with pytest.raises(PermissionDenied):
        atomic(services.erase, world.person.email, actor=world.organiser)
    with pytest.raises(NotFound):
        atomic(services.erase, "nobody@example.nl", actor=world.admin)
    with pytest.raises(Conflict):
        atomic(services.erase, world.admin.email, actor=world.admin)
    assert not services.is_anonymous(world.person.id)


# -- the page ------------------------------------------------------------------------------


def test_the_page_asks_for_confirmation_first(world, client, make, db_session):
    make.login(client, world.admin)
    first = client.post("/beheer/privacy/wissen", data={"email": world.person.email.upper()})
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and 'id="erase-confirm"' in page
    assert world.person.name in page
    assert not services.is_anonymous(world.person.id)  # nothing changed yet
    unticked = client.post(
        "/beheer/privacy/wissen", data={"email": world.person.email, "step": "confirm"}
    )
    assert unticked.status_code == 422 and not services.is_anonymous(world.person.id)
    done = client.post(
        "/beheer/privacy/wissen",
        data={"email": world.person.email, "step": "confirm", "confirm": "y"},
    )
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and 'id="erasure-counts"' in text
    assert 'data-kind="api_tokens_revoked">1<' in text
    db_session.expire_all()
    assert services.is_anonymous(world.person.id)


def test_the_page_is_for_administrators(world, client, make):
    make.login(client, world.organiser)
    assert client.get("/beheer/privacy/wissen").status_code == 403
    refused = client.post("/beheer/privacy/wissen", data={"email": world.person.email})
    assert refused.status_code == 403
    assert not services.is_anonymous(world.person.id)


def test_the_page_shows_refusals_as_form_errors(world, client, make):
    make.login(client, world.admin)
    unknown = client.post("/beheer/privacy/wissen", data={"email": "nobody@example.nl"})
    assert unknown.status_code == 404 and 'id="email-error"' in unknown.get_data(as_text=True)
    bad = client.post("/beheer/privacy/wissen", data={"email": "not an address"})
    assert bad.status_code == 422
    myself = client.post("/beheer/privacy/wissen", data={"email": world.admin.email})
    assert myself.status_code == 409 and 'id="email-error"' in myself.get_data(as_text=True)


# -- the API -------------------------------------------------------------------------------


def _bearer(person) -> dict:
    _token, plain = create_api_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_erases_and_answers_the_counts(world, client, db_session):
    admin = _bearer(world.admin)
    url = f"/api/v1/people/{world.person.email}/erase"
    answer = client.post(url, headers=admin, json={"reference": "AVG-2026-17"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["already_erased"] is False and body["user_id"] == world.person.id
    assert set(body["erased"]) == set(services.ERASURE_KINDS)
    assert body["erased"]["api_tokens_revoked"] == 1
    again = client.post(url, headers=admin)
    assert again.status_code == 200 and again.get_json()["already_erased"] is True
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erased"))
    assert entry.after["reference"] == "AVG-2026-17"


def test_the_api_refuses_others_and_unknown_people(world, client, make):
    url = f"/api/v1/people/{world.colleague.email}/erase"
    organiser = client.post(url, headers=_bearer(world.organiser))
    assert organiser.status_code == 403 and organiser.get_json()["error"]["code"] == "not_admin"
    participant = client.post(url, headers=_bearer(world.other))
    assert participant.status_code == 403
    assert client.post(url).status_code == 401
    unknown = client.post("/api/v1/people/nobody@example.nl/erase", headers=_bearer(world.admin))
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "person_not_found"
    assert not services.is_anonymous(world.colleague.id)


def test_erasing_a_role_holder_leaves_them_a_participant(make, db_session):
    admin = make.user(Role.ADMIN)
    leader = make.user(Role.TEAM_LEADER)
    db_session.commit()
    atomic(services.erase, leader.email, actor=admin)
    db_session.expire_all()
    assert db_session.get(User, leader.id).role == Role.PARTICIPANT


def test_an_erased_person_leaves_the_lists_of_people(world, client, make, db_session):
    """The emptied row stays for the figures, but names nobody: no list of people shows it."""
    person_id, org_id = world.person.id, world.person.organisation_id
    hr = make.user(Role.HR, org=db_session.get(User, person_id).organisation)
    _erase(world)
    db_session.commit()
    make.login(client, world.admin)
    for query in ("", "?active=0", f"?organisation={org_id}"):
        page = client.get(f"/beheer/mensen{query}").get_data(as_text=True)
        assert f"/beheer/mensen/{person_id}" not in page and services.ANONYMOUS_NAME not in page
    token = create_api_token(world.admin, "HR-koppeling")[1]
    db_session.commit()
    listed = client.get(
        "/api/v1/people?active=false", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert all(p["email"].endswith("@anonymous.invalid") is False for p in listed["items"])
    make.login(client, hr)
    page = client.get("/organisatie/mensen").get_data(as_text=True)
    assert services.ANONYMOUS_NAME not in page
