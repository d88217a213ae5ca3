"""The mail of career conversations and its invite, rendered as the worker renders it and
parsed by two independent parsers (tests/calendar/itip.py): one UID for booked, moved and
cancelled, a rising SEQUENCE, the meeting link only for the booked person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.accounts.models import User
from booking.advising import services
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.notifications.render import render, render_many
from tests.advising.conftest import MEETING
from tests.calendar.itip import check_itip, occurrences, seq, texts, uid


def _sent(person) -> list:
    """(kind, rendered) of every message to `person`, rendered now."""
    db.session.flush()
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == person.id).order_by(OutboxMessage.id)
    ).all()
    return [(m.kind, render(m)) for m in messages]


def test_booked_moved_cancelled_one_uid_rising_sequence(make, db_session, slot, advisor):
    person = make.user(language="nl")
    first, second = slot(days=3, hour=10), slot(days=4, hour=14, minutes=60)
    booking = services.book(first.id, person, actor=person).booking
    ((_kind, booked),) = _sent(person)
    request = check_itip(booked.ics, "REQUEST")
    assert booked.ics_method == "REQUEST"
    assert occurrences(request) == [(first.starts_at, first.ends_at)]
    assert seq(request) == 0
    assert MEETING in texts(request) and advisor.name in texts(request)
    assert "Loopbaangesprek" in booked.subject and MEETING in booked.text

    services.move_booking(booking.id, second.id, actor=person)
    moved = _sent(person)[-1][1]
    update = check_itip(moved.ics, "REQUEST")
    assert uid(update) == uid(request) and seq(update) == 1
    assert occurrences(update) == [(second.starts_at, second.ends_at)]

    services.cancel_booking(booking.id, actor=person)
    cancelled = _sent(person)[-1][1]
    cancel = check_itip(cancelled.ics, "CANCEL")
    assert uid(cancel) == uid(request) and seq(cancel) == 2
    assert MEETING not in texts(cancel)


def test_an_older_message_never_re_announces_a_cancelled_conversation(make, slot):
    person = make.user()
    booking = services.book(slot().id, person, actor=person).booking
    services.cancel_booking(booking.id, actor=person)
    (_k, booked), (_k2, cancelled) = _sent(person)
    assert booked.ics_method == cancelled.ics_method == "CANCEL"
    assert MEETING not in booked.ics


def test_in_person_the_venue_and_no_link(make, slot, centre):
    person = make.user(language="en")
    services.book(slot(mode="in_person", venue=centre).id, person, actor=person)
    ((_kind, rendered),) = _sent(person)
    request = check_itip(rendered.ics, "REQUEST")
    assert "Centrum" in texts(request) and MEETING not in texts(request)
    assert "Career conversation" in rendered.subject


def test_the_withdrawn_slot_mail_cancels_the_invite(make, slot, advisor):
    person = make.user()
    free = slot()
    services.book(free.id, person, actor=person)
    services.cancel_slot(free.id, actor=advisor)
    kind, rendered = _sent(person)[-1]
    assert kind == "advising_slot_cancelled"
    check_itip(rendered.ics, "CANCEL")


def test_a_batch_renders_in_a_fixed_number_of_statements(make, db_session, advisor, count_queries):
    advisor_id = advisor.id

    def batch(size):
        me = db_session.get(User, advisor_id)
        for hour in range(size):
            person = make.user()
            start = make.future(20 + size, 0) + timedelta(hours=hour)
            free = services.publish_slot(
                me,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                mode="online",
                actor=me,
            )
            services.book(free.id, person, actor=person)
        db_session.commit()
        db_session.expunge_all()  # nothing the services loaded is at hand for the renderer
        messages = db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "pending")
        ).all()
        count_queries.reset()
        render_many(messages)
        statements = len(count_queries)
        db_session.query(OutboxMessage).delete()
        return statements

    assert batch(2) == batch(8)


def test_the_advisor_is_told_with_an_invite_of_their_own(make, slot, advisor):
    """Booked, moved and cancelled by the participant: the advisor's mail names the
    participant, and its invite (the same UID, the advisor as attendee) follows along."""
    person = make.user(language="nl")
    first, second = slot(days=3, hour=10), slot(days=4, hour=14)
    booking = services.book(first.id, person, actor=person).booking
    ((kind, booked),) = _sent(advisor)
    assert kind == "advising_advisor_booked"
    assert person.name in booked.text and "Nieuw loopbaangesprek" in booked.subject
    request = check_itip(booked.ics, "REQUEST")
    assert uid(request) == uid(check_itip(_sent(person)[0][1].ics, "REQUEST"))
    assert person.name in texts(request) and advisor.email in booked.ics
    assert MEETING in texts(request)

    services.move_booking(booking.id, second.id, actor=person)
    kind, moved = _sent(advisor)[-1]
    assert kind == "advising_advisor_moved"
    assert occurrences(check_itip(moved.ics, "REQUEST")) == [(second.starts_at, second.ends_at)]

    services.cancel_booking(booking.id, actor=person)
    kind, cancelled = _sent(advisor)[-1]
    assert kind == "advising_advisor_cancelled"
    assert seq(check_itip(cancelled.ics, "CANCEL")) == 2


def test_an_advisor_who_cancels_themselves_gets_no_mail(make, slot, advisor):
    person = make.user()
    booking = services.book(slot().id, person, actor=person).booking
    services.cancel_booking(booking.id, actor=advisor)
    assert [kind for kind, _r in _sent(advisor)] == ["advising_advisor_booked"]
    assert _sent(person)[-1][0] == "advising_cancelled"


def test_an_organiser_booking_for_someone_tells_both(make, slot, advisor):
    organiser, person = make.user("organiser"), make.user()
    services.book(slot().id, person.email, actor=organiser)
    assert [k for k, _r in _sent(person)] == ["advising_booked"]
    assert [k for k, _r in _sent(advisor)] == ["advising_advisor_booked"]
    assert _sent(organiser) == []
