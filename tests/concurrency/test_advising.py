"""Career conversations under real concurrency (PostgreSQL, invariant 9): people racing for
one slot, one person racing for two slots of one advisor, an advisor publishing overlapping
slots at once, and a move racing a booking of the same slot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.accounts.models import User
from booking.advising import advisors, services
from booking.advising.models import AdvisorBooking, AdvisorSlot, BookingStatus
from booking.core.db import atomic
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from tests.concurrency.racing import race, unexpected


def _advisor(make):
    advisor = make.user("advisor", education_level=None, password=None)
    advisors.set_advisor(
        advisor, advisors.ProfileData(meeting_url="https://meet.example/a"), actor=advisor
    )
    return advisor


def _slot(make, advisor, days=3, hour=10):
    start = make.future(days, hour)
    return services.publish_slot(
        advisor,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        mode="online",
        actor=advisor,
    )


def book_job(slot_id, user_id):
    def prepare():
        person = db.session.get(User, user_id)

        def work():
            return services.book(slot_id, person, actor=person).booking.id

        return lambda: atomic(work)

    return prepare


def _booked(slot_ids=None) -> list[AdvisorBooking]:
    db.session.rollback()
    query = select(AdvisorBooking).where(AdvisorBooking.status == BookingStatus.BOOKED)
    if slot_ids is not None:
        query = query.where(AdvisorBooking.slot_id.in_(slot_ids))
    return list(db.session.scalars(query))


@pytest.mark.parametrize("racers", [2, 10])
def test_people_racing_for_one_slot_exactly_one_books_it(app, make, racers):
    advisor = _advisor(make)
    slot = _slot(make, advisor)
    people = [make.user(password=None).id for _ in range(racers)]
    db.session.commit()

    results = race(app, [book_job(slot.id, p) for p in people])

    assert unexpected(results, "slot_taken") == []
    winners = [r for r in results if r.ok]
    assert len(winners) == 1
    assert [r.code() for r in results if not r.ok] == ["slot_taken"] * (racers - 1)
    booked = _booked()
    assert [b.id for b in booked] == [winners[0].value]
    messages = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == "advising_booked")
    )
    assert messages == 1  # the losers' transactions queued nothing


def test_one_person_racing_for_two_slots_of_one_advisor_gets_one(app, make):
    advisor = _advisor(make)
    slots = [_slot(make, advisor, hour=10).id, _slot(make, advisor, hour=14).id]
    person = make.user(password=None).id
    db.session.commit()

    results = race(app, [book_job(slots[0], person), book_job(slots[1], person)] * 3)

    assert unexpected(results, "already_booked") == []
    booked = _booked()
    assert len(booked) == 1 and booked[0].user_id == person
    # The repeats of the winning slot return the same booking; the other slot is refused.
    assert {r.value for r in results if r.ok} == {booked[0].id}


def test_the_same_person_twice_for_one_slot_is_one_booking(app, make):
    advisor = _advisor(make)
    slot = _slot(make, advisor)
    person = make.user(password=None).id
    db.session.commit()

    results = race(app, [book_job(slot.id, person) for _ in range(5)])

    assert unexpected(results) == []
    assert len({r.value for r in results}) == 1
    assert len(_booked()) == 1


def test_an_advisor_publishing_overlapping_slots_at_once_gets_one(app, make):
    advisor = _advisor(make).id
    start = make.future(5, 10)
    db.session.commit()

    def publish_job(offset_minutes):
        def prepare():
            person = db.session.get(User, advisor)
            moment = start + timedelta(minutes=offset_minutes)

            def work():
                return services.publish_slot(
                    person,
                    starts_at=moment,
                    ends_at=moment + timedelta(minutes=45),
                    mode="online",
                    actor=person,
                ).id

            return lambda: atomic(work)

        return prepare

    results = race(app, [publish_job(minutes) for minutes in (0, 10, 20, 30, 40)])

    assert unexpected(results, "slot_overlaps") == []
    assert len([r for r in results if r.ok]) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AdvisorSlot)) == 1


def test_a_move_racing_a_booking_of_the_target_slot(app, make):
    advisor = _advisor(make)
    first, target = _slot(make, advisor, hour=10), _slot(make, advisor, hour=14)
    mover, rival = make.user(password=None), make.user(password=None)
    booking = services.book(first.id, mover, actor=mover).booking
    db.session.commit()
    booking_id, target_id, mover_id = booking.id, target.id, mover.id

    def move_job():
        person = db.session.get(User, mover_id)
        return lambda: atomic(
            lambda: services.move_booking(booking_id, target_id, actor=person).slot_id
        )

    results = race(app, [move_job, book_job(target_id, rival.id)])

    assert unexpected(results, "slot_taken") == []
    assert len([r for r in results if r.ok]) == 1
    on_target = _booked([target_id])
    assert len(on_target) == 1
