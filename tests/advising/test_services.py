"""Every rule of career conversations, through the services (SQLite by default, PostgreSQL
with TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking.advising import advisors, notes, services
from booking.advising.models import AdvisorBooking, AdvisorSlot, BookingStatus
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from booking.core.timez import local
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


# -- slots --------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [29, 91, 0, -30])
def test_a_slot_lasts_30_to_90_minutes(slot, minutes):
    with pytest.raises(ValidationError) as excinfo:
        slot(minutes=minutes)
    assert "ends_at" in excinfo.value.fields


@pytest.mark.parametrize("minutes", [30, 90])
def test_the_bounds_are_allowed(slot, minutes):
    assert slot(minutes=minutes).minutes == minutes


@pytest.mark.parametrize("minutes", [20, 120])
def test_the_database_refuses_a_slot_of_the_wrong_length(make, db_session, advisor, minutes):
    start = make.future(3, 10)
    db_session.add(
        AdvisorSlot(
            advisor_id=advisor.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            mode="online",
        )
    )
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_a_slot_is_in_the_future(slot):
    with pytest.raises(ValidationError) as excinfo:
        slot(days=-1)
    assert "starts_at" in excinfo.value.fields


def test_in_person_needs_a_physical_venue_online_none(make, slot, centre):
    with pytest.raises(ValidationError) as excinfo:
        slot(mode="in_person")
    assert "venue_id" in excinfo.value.fields
    with pytest.raises(ValidationError):
        slot(mode="in_person", venue=make.online_venue("Zoom"))
    with pytest.raises(ValidationError):
        slot(mode="online", venue=centre)
    assert slot(mode="in_person", venue=centre).venue_id == centre.id


def test_online_needs_the_advisors_meeting_link(make, db_session, slot):
    person = make.user("advisor", education_level=None)
    with pytest.raises(ValidationError) as excinfo:
        slot(person=person)
    assert _code(excinfo) == "no_meeting_link"


def test_no_overlapping_slots_per_advisor(slot, make, advisor):
    slot(hour=10, minutes=60)
    with pytest.raises(Conflict) as excinfo:
        slot(hour=10, minutes=30)
    assert _code(excinfo) == "slot_overlaps"
    start = make.future(3, 10) + timedelta(minutes=59)
    with pytest.raises(Conflict):
        services.publish_slot(
            advisor,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            mode="online",
            actor=advisor,
        )
    assert slot(hour=11, minutes=30)  # back to back is fine


def test_another_advisor_may_use_the_same_time(make, db_session, slot):
    other = make.user("advisor", education_level=None)
    advisors.set_advisor(other, advisors.ProfileData("https://meet.example/2"), actor=other)
    slot(hour=10)
    assert slot(hour=10, person=other).advisor_id == other.id


def test_a_withdrawn_slot_no_longer_blocks_the_time(slot, advisor):
    first = slot(hour=10)
    services.cancel_slot(first.id, actor=advisor)
    assert slot(hour=10).id != first.id


def test_advisors_publish_only_their_own_slots(make, db_session, advisor):
    other = make.user("advisor", education_level=None)
    start = make.future(3, 10)
    with pytest.raises(PermissionDenied):
        services.publish_slot(
            advisor,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            mode="online",
            actor=other,
        )
    organiser = make.user("organiser")
    assert services.publish_slot(
        advisor.email,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        mode="online",
        actor=organiser,
    )


# -- series -------------------------------------------------------------------------------------


def _tuesdays(weeks=6, **extra) -> services.SeriesData:
    return services.SeriesData(
        weekday=1,
        from_time=time(9),
        to_time=time(12),
        minutes=45,
        weeks=weeks,
        mode="online",
        first_day=date.today() + timedelta(days=1),
        **extra,
    )


def test_every_tuesday_9_to_12_45_minutes_for_six_weeks(advisor, db_session):
    outcome = services.publish_series(advisor, _tuesdays(), actor=advisor)
    assert len(outcome.created) == 6 * 4 and outcome.skipped == []
    for slot in outcome.created:
        start = local(slot.starts_at)
        assert start.weekday() == 1 and slot.minutes == 45
        assert time(9) <= start.time() and local(slot.ends_at).time() <= time(12)
    days = {local(s.starts_at).date() for s in outcome.created}
    assert len(days) == 6 and max(days) - min(days) == timedelta(weeks=5)


def test_a_series_skips_what_overlaps_and_says_so(advisor, db_session):
    first = services.publish_series(advisor, _tuesdays(weeks=2), actor=advisor)
    again = services.publish_series(advisor, _tuesdays(weeks=3), actor=advisor)
    assert len(again.skipped) == len(first.created) == 8
    assert len(again.created) == 4


@pytest.mark.parametrize(
    "changes, field_name",
    [
        ({"minutes": 25}, "minutes"),
        ({"weeks": 0}, "weeks"),
        ({"weeks": 53}, "weeks"),
        ({"to_time": time(9)}, "to_time"),
        ({"to_time": time(9, 20)}, "to_time"),
        ({"weekday": 7}, "weekday"),
    ],
)
def test_a_series_that_makes_no_sense_is_refused(advisor, changes, field_name):
    data = _tuesdays()
    for name, value in changes.items():
        setattr(data, name, value)
    with pytest.raises(ValidationError) as excinfo:
        services.publish_series(advisor, data, actor=advisor)
    assert field_name in excinfo.value.fields


# -- booking ------------------------------------------------------------------------------------


def test_book_a_free_slot_and_a_repeat_returns_it(make, slot):
    person = make.user()
    free = slot()
    first = services.book(free.id, person, actor=person)
    assert first.created and first.booking.status == BookingStatus.BOOKED
    again = services.book(free.id, person, actor=person)
    assert not again.created and again.booking.id == first.booking.id
    assert _kinds(person) == ["advising_booked"]


def test_a_taken_slot_is_slot_taken(make, slot):
    one, two = make.user(), make.user()
    free = slot()
    services.book(free.id, one, actor=one)
    with pytest.raises(Conflict) as excinfo:
        services.book(free.id, two, actor=two)
    assert _code(excinfo) == "slot_taken"


def test_the_database_keeps_one_booked_conversation_per_slot(make, db_session, slot):
    one, two = make.user(), make.user()
    free = slot()
    services.book(free.id, one, actor=one)
    db_session.add(AdvisorBooking(slot_id=free.id, user_id=two.id, status="booked", revision=0))
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_one_open_booking_per_person_and_advisor(make, slot):
    person = make.user()
    first, second = slot(hour=10), slot(hour=14)
    services.book(first.id, person, actor=person)
    with pytest.raises(Conflict) as excinfo:
        services.book(second.id, person, actor=person)
    assert _code(excinfo) == "already_booked"


def test_a_past_conversation_does_not_count(make, slot):
    person = make.user()
    first, second = slot(days=3, hour=10), slot(days=10, hour=10)
    services.book(first.id, person, actor=person)
    later = first.ends_at + timedelta(minutes=1)
    assert services.book(second.id, person, actor=person, now=later).created


def test_after_cancelling_one_may_book_again(make, slot):
    person = make.user()
    first, second = slot(hour=10), slot(hour=14)
    booking = services.book(first.id, person, actor=person).booking
    services.cancel_booking(booking.id, actor=person)
    assert services.book(second.id, person, actor=person).created


def test_another_advisor_is_another_booking(make, slot):
    person, other = make.user(), make.user("advisor", education_level=None)
    advisors.set_advisor(other, advisors.ProfileData("https://meet.example/2"), actor=other)
    services.book(slot().id, person, actor=person)
    assert services.book(slot(person=other).id, person, actor=person).created


def test_withdrawn_or_started_slots_cannot_be_booked(make, slot, advisor):
    person = make.user()
    withdrawn, started = slot(hour=10), slot(hour=14)
    services.cancel_slot(withdrawn.id, actor=advisor)
    with pytest.raises(Conflict) as excinfo:
        services.book(withdrawn.id, person, actor=person)
    assert _code(excinfo) == "slot_unavailable"
    with pytest.raises(Conflict):
        services.book(started.id, person, actor=person, now=started.starts_at)


def test_participants_book_only_for_themselves_organisers_for_anyone(make, slot):
    one, two, organiser = make.user(), make.user(), make.user("organiser")
    free = slot()
    with pytest.raises(PermissionDenied):
        services.book(free.id, two, actor=one)
    assert services.book(free.id, two.email, actor=organiser).booking.user_id == two.id


def test_an_advisor_cannot_book_their_own_slot(slot, advisor):
    with pytest.raises(ValidationError) as excinfo:
        services.book(slot().id, advisor, actor=advisor)
    assert _code(excinfo) == "own_slot"


def test_an_unknown_slot_or_person(make, slot):
    person = make.user()
    with pytest.raises(NotFound):
        services.book(999_999, person, actor=person)
    with pytest.raises(NotFound) as excinfo:
        services.book(slot().id, "nobody@example.nl", actor=make.user("organiser"))
    assert _code(excinfo) == "person_not_found"


# -- cancel and move: until 24 hours before -----------------------------------------------------


def test_cancel_until_24_hours_before(make, slot):
    person = make.user()
    free = slot(days=3)
    booking = services.book(free.id, person, actor=person).booking
    late = free.starts_at - timedelta(hours=23, minutes=59)
    with pytest.raises(Conflict) as excinfo:
        services.cancel_booking(booking.id, actor=person, now=late)
    assert _code(excinfo) == "too_late"
    in_time = free.starts_at - timedelta(hours=24)
    cancelled = services.cancel_booking(booking.id, actor=person, now=in_time)
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.revision == 1
    assert services.cancel_booking(booking.id, actor=person).revision == 1  # a repeat
    assert _kinds(person) == ["advising_booked", "advising_cancelled"]


def test_the_advisor_may_cancel_later(make, slot, advisor):
    person = make.user()
    free = slot(days=3)
    booking = services.book(free.id, person, actor=person).booking
    late = free.starts_at - timedelta(hours=1)
    assert services.cancel_booking(booking.id, actor=advisor, now=late).status == "cancelled"


def test_strangers_cannot_cancel(make, slot):
    person, stranger = make.user(), make.user()
    booking = services.book(slot().id, person, actor=person).booking
    with pytest.raises(PermissionDenied):
        services.cancel_booking(booking.id, actor=stranger)


def test_move_to_another_free_slot_of_the_same_advisor(make, slot):
    person = make.user()
    first, second = slot(hour=10), slot(hour=14)
    booking = services.book(first.id, person, actor=person).booking
    moved = services.move_booking(booking.id, second.id, actor=person)
    assert moved.id == booking.id and moved.slot_id == second.id and moved.revision == 1
    other = make.user()
    assert services.book(first.id, other, actor=other).created  # the old slot is free
    assert _kinds(person) == ["advising_booked", "advising_moved"]


def test_move_refusals(make, slot):
    person, rival = make.user(), make.user()
    other_advisor = make.user("advisor", education_level=None)
    advisors.set_advisor(
        other_advisor, advisors.ProfileData("https://m.example/x"), actor=other_advisor
    )
    first, taken, later = slot(days=3, hour=10), slot(days=3, hour=14), slot(days=5, hour=10)
    elsewhere = slot(person=other_advisor)
    booking = services.book(first.id, person, actor=person).booking
    services.book(taken.id, rival, actor=rival)
    with pytest.raises(Conflict) as excinfo:
        services.move_booking(booking.id, taken.id, actor=person)
    assert _code(excinfo) == "slot_taken"
    with pytest.raises(ValidationError) as excinfo:
        services.move_booking(booking.id, elsewhere.id, actor=person)
    assert _code(excinfo) == "other_advisor"
    late = first.starts_at - timedelta(hours=2)
    with pytest.raises(Conflict) as excinfo:
        services.move_booking(booking.id, later.id, actor=person, now=late)
    assert _code(excinfo) == "too_late"
    with pytest.raises(NotFound):
        services.move_booking(booking.id, 999_999, actor=person)


def test_the_advisor_withdrawing_a_slot_tells_the_booked_person(make, slot, advisor):
    person = make.user()
    free = slot()
    booking = services.book(free.id, person, actor=person).booking
    services.cancel_slot(free.id, actor=advisor)
    assert booking.status == BookingStatus.CANCELLED and booking.revision == 1
    assert _kinds(person) == ["advising_booked", "advising_slot_cancelled"]
    with pytest.raises(PermissionDenied):
        services.cancel_slot(slot(hour=15).id, actor=person)


# -- notes --------------------------------------------------------------------------------------


def test_notes_are_the_advisors_alone(make, slot, advisor):
    person, organiser, admin = make.user(), make.user("organiser"), make.user("admin")
    booking = services.book(slot().id, person, actor=person).booking
    assert notes.note_for(booking.id, advisor) is None
    notes.save_note(booking.id, "Wil richting HR; CV nalopen.", actor=advisor)
    assert notes.note_for(booking.id, advisor).text == "Wil richting HR; CV nalopen."
    for reader in (person, organiser, admin):
        with pytest.raises(NotFound):
            notes.note_for(booking.id, reader)
        with pytest.raises(NotFound):
            notes.save_note(booking.id, "overwritten", actor=reader)
    assert notes.note_for(booking.id, advisor).text.startswith("Wil richting HR")
