"""Who is a career advisor: marking, profiles, retiring (booking.advising.advisors)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.advising import advisors, queries, services
from booking.advising.models import AdvisorProfile
from booking.core.db import utcnow
from booking.core.errors import NotFound, PermissionDenied, ValidationError
from booking.extensions import db
from booking.notifications.models import OutboxMessage


def _code(excinfo) -> str:
    return excinfo.value.code


def _kinds(person) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.user_id == person.id)
            .order_by(OutboxMessage.id)
        )
    )


# -- advisors -----------------------------------------------------------------------------------


def test_an_organiser_marked_as_advisor_publishes(make, db_session):
    organiser = make.user("organiser")
    assert not advisors.is_advisor(organiser)
    advisors.set_advisor(
        organiser.email, advisors.ProfileData(meeting_url="https://meet.example/o"), actor=organiser
    )
    assert advisors.is_advisor(organiser)
    start = make.future(3, 10)
    slot = services.publish_slot(
        organiser,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        mode="online",
        actor=organiser,
    )
    assert slot.advisor_id == organiser.id


def test_only_organisers_mark_advisors(make, db_session):
    participant, other = make.user(), make.user()
    with pytest.raises(PermissionDenied):
        advisors.set_advisor(other, advisors.ProfileData(), actor=participant)
    with pytest.raises(PermissionDenied):
        advisors.set_advisor(participant, advisors.ProfileData(), actor=participant)


def test_a_person_with_the_role_gets_a_profile_on_first_use(make, db_session):
    person = make.user("advisor", education_level=None)
    assert advisors.is_advisor(person)
    assert advisors.profile_of(person.id) is None
    assert advisors.lock_advisor(person.id).user_id == person.id
    assert db_session.scalar(select(AdvisorProfile).where(AdvisorProfile.user_id == person.id))


def test_a_meeting_link_must_be_a_web_address(make, db_session):
    organiser = make.user("organiser")
    with pytest.raises(ValidationError) as excinfo:
        advisors.set_advisor(
            organiser, advisors.ProfileData(meeting_url="javascript:alert(1)"), actor=organiser
        )
    assert "meeting_url" in excinfo.value.fields


def test_someone_who_is_not_an_advisor_has_no_agenda(make, db_session):
    organiser, participant = make.user("organiser"), make.user()
    start = make.future(3, 10)
    with pytest.raises(NotFound) as excinfo:
        services.publish_slot(
            participant,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            mode="online",
            actor=organiser,
        )
    assert _code(excinfo) == "not_an_advisor"


def test_a_retired_organiser_advisor_publishes_no_more(make, db_session, slot):
    organiser, person = make.user("organiser"), make.user()
    advisors.set_advisor(organiser, advisors.ProfileData("https://meet.example/o"), actor=organiser)
    booked, free = slot(person=organiser, hour=10), slot(person=organiser, hour=14)
    booking = services.book(booked.id, person, actor=person).booking
    advisors.retire_advisor(organiser, actor=organiser)
    assert not advisors.is_advisor(organiser)
    with pytest.raises(NotFound):
        slot(person=organiser, hour=16)
    assert free.id not in {s.id for s in queries.free_slots(utcnow())}
    with pytest.raises(NotFound):
        services.book(free.id, make.user(), actor=organiser)
    # What was booked with them can still be cancelled.
    assert services.cancel_booking(booking.id, actor=person).status == "cancelled"
