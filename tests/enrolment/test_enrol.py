"""Enrolling, the waitlist, cancelling and the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.models import Role
from booking.core.db import atomic, utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from booking.enrolment import services
from booking.enrolment.places import positions
from tests.enrolment.helpers import counters_match, enrol, messages, seats, slots, state


def test_places_then_waitlist_in_order(make, db_session):
    session = make.session(capacity={"in_person": 2})
    people = [make.user() for _ in range(5)]
    outcomes = [enrol(session, p) for p in people]
    assert [o.enrolment.status for o in outcomes] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [o.position for o in outcomes] == [None, None, 1, 2, 3]
    assert seats(session.id, "in_person").confirmed == 2
    assert messages("enrolment_confirmed") == 2 and messages("waitlisted") == 3
    assert slots(outcomes[0].enrolment.id) == 1 and slots(outcomes[2].enrolment.id) == 0
    counters_match(session.id)


def test_a_repeat_returns_the_same_enrolment(make, db_session):
    session = make.session(capacity={"in_person": 1})
    person, late = make.user(), make.user()
    first = enrol(session, person)
    again = enrol(session, person)
    assert (again.created, again.enrolment.id) == (False, first.enrolment.id)
    waiting = enrol(session, late)
    assert enrol(session, late).position == waiting.position == 1
    assert messages("enrolment_confirmed") == 1


def test_mode_must_be_offered_and_chosen_for_hybrid(make, db_session):
    hybrid, physical = make.session(mode="hybrid"), make.session()
    person = make.user()
    with pytest.raises(ValidationError) as error:
        enrol(hybrid, person)
    assert error.value.code == "mode_required"
    with pytest.raises(ValidationError) as error:
        enrol(physical, person, mode="online")
    assert error.value.code == "mode_not_offered"
    assert enrol(physical, person).enrolment.mode == "in_person"  # the only mode is implied


def test_closed_sessions_only_for_their_team(make, db_session):
    team = make.team()
    session = make.session(visibility="team", team_id=team.id)
    outsider, member = make.user(), make.user(team_=team)
    with pytest.raises(NotFound):
        enrol(session, outsider)
    assert enrol(session, member).enrolment.status == "confirmed"


def test_enrolment_window_start_and_cancelled_sessions(make, db_session):
    start = make.future(days=10)
    session = make.session(
        start=start,
        enrolment_opens_at=start - timedelta(days=2),
        enrolment_closes_at=start - timedelta(days=1),
    )
    person, organiser = make.user(), make.user(Role.ORGANISER)
    with pytest.raises(Conflict) as error:
        enrol(session, person)
    assert error.value.code == "enrolment_not_open"
    with pytest.raises(Conflict) as error:
        enrol(session, person, now=start - timedelta(hours=12))
    assert error.value.code == "enrolment_closed"
    # Organisers may still add someone outside the window, but not after the start.
    assert enrol(session, person, actor=organiser).enrolment.status == "confirmed"
    with pytest.raises(Conflict) as error:
        enrol(session, make.user(), actor=organiser, now=start + timedelta(minutes=1))
    assert error.value.code == "session_started"


def test_who_may_enrol_whom(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member, stranger = make.user(team_=leader.team), make.user()
    session = make.session()
    assert enrol(session, member, actor=leader).enrolment.booked_by_id == leader.id
    with pytest.raises(PermissionDenied):
        enrol(session, stranger, actor=leader)
    with pytest.raises(PermissionDenied):
        enrol(session, leader, actor=member)


def test_cancel_promotes_the_longest_waiting(make, db_session):
    session = make.session(capacity={"in_person": 1})
    first, second, third = make.user(), make.user(), make.user()
    placed = enrol(session, first)
    waiting = [enrol(session, second), enrol(session, third)]
    result = atomic(services.cancel, placed.enrolment.id, actor=first)
    assert [e.id for e in result.promoted] == [waiting[0].enrolment.id]
    assert state(waiting[0].enrolment.id) == ("confirmed", "in_person")
    assert positions([waiting[1].enrolment.id]) == {waiting[1].enrolment.id: 1}
    assert messages("promoted", second) == 1 and messages("cancelled", first) == 1
    assert slots(placed.enrolment.id) == 0 and slots(waiting[0].enrolment.id) == 1
    again = atomic(services.cancel, placed.enrolment.id, actor=first)
    assert again.promoted == [] and messages("cancelled", first) == 1
    counters_match(session.id)


def test_leaving_the_waitlist_closes_the_gap(make, db_session):
    session = make.session(capacity={"in_person": 1})
    enrol(session, make.user())
    a, b, c = (enrol(session, make.user()) for _ in range(3))
    atomic(services.cancel, b.enrolment.id, actor=b.enrolment.user)
    assert positions([a.enrolment.id, c.enrolment.id]) == {a.enrolment.id: 1, c.enrolment.id: 2}
    assert seats(session.id, "in_person").confirmed == 1


def test_a_cancel_for_what_was_seen_is_refused_once_it_changed(make, db_session):
    session = make.session(capacity={"in_person": 1})
    first, person = make.user(), make.user()
    placed = enrol(session, first)
    waiting = enrol(session, person)
    atomic(services.cancel, placed.enrolment.id, actor=first)  # person is promoted meanwhile
    with pytest.raises(Conflict) as error:
        atomic(services.cancel, waiting.enrolment.id, actor=person, expected_status="waitlisted")
    assert error.value.code == "changed"
    assert state(waiting.enrolment.id) == ("confirmed", "in_person")
    assert messages("cancelled", person) == 0
    # A stranger is refused for who they are, before anything about the status is told: as
    # if the place did not exist (invariant 7).
    with pytest.raises(NotFound):
        atomic(
            services.cancel, waiting.enrolment.id, actor=make.user(), expected_status="waitlisted"
        )

    result = atomic(
        services.cancel, waiting.enrolment.id, actor=person, expected_status="confirmed"
    )
    assert (result.ended, state(waiting.enrolment.id)[0]) == ("confirmed", "cancelled")
    # Over already: nothing to refuse and nothing ended, whatever was seen.
    again = atomic(
        services.cancel, waiting.enrolment.id, actor=person, expected_status="waitlisted"
    )
    assert (again.ended, again.promoted) == (None, [])
    counters_match(session.id)


def test_only_a_place_waiting_for_the_other_mode_stops_waiting(make, db_session):
    session = make.session(mode="hybrid", capacity={"in_person": 1, "online": 2})
    first, both, plain = make.user(), make.user(), make.user()
    placed = enrol(session, first, mode="in_person")
    online = enrol(session, both, mode="in_person", accept_online=True)
    waiting = enrol(session, plain, mode="in_person")
    # A plain waitlist entry keeps its queue time (the database refuses one without).
    with pytest.raises(Conflict) as error:
        atomic(services.leave_queue_for_other_mode, waiting.enrolment.id, actor=plain)
    assert error.value.code == "not_waiting"
    assert positions([waiting.enrolment.id]) == {waiting.enrolment.id: 2}
    with pytest.raises(NotFound):  # a stranger's place: as if there were none
        atomic(services.leave_queue_for_other_mode, online.enrolment.id, actor=plain)

    # Promoted in person meanwhile: there is no other mode left to stop waiting for.
    atomic(services.cancel, placed.enrolment.id, actor=first)
    assert state(online.enrolment.id) == ("confirmed", "in_person")
    with pytest.raises(Conflict) as error:
        atomic(services.leave_queue_for_other_mode, online.enrolment.id, actor=both)
    assert error.value.code == "not_waiting"
    counters_match(session.id)


def test_after_the_deadline_only_leader_or_organiser_cancels_and_it_is_late(make, db_session):
    start = make.future(days=10)
    session = make.session(start=start, cancellation_deadline=start - timedelta(days=3))
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    placed = enrol(session, member)
    later = start - timedelta(days=1)
    with pytest.raises(PermissionDenied) as error:
        atomic(services.cancel, placed.enrolment.id, actor=member, now=later)
    assert error.value.code == "deadline_passed"
    atomic(services.cancel, placed.enrolment.id, actor=leader, now=later)
    db_session.rollback()
    assert placed.enrolment.late_cancel is True and placed.enrolment.cancelled_by_id == leader.id


def test_waitlisted_people_may_leave_after_the_deadline(make, db_session):
    start = make.future(days=10)
    session = make.session(
        start=start, capacity={"in_person": 1}, cancellation_deadline=start - timedelta(days=3)
    )
    enrol(session, make.user())
    person = make.user()
    waiting = enrol(session, person)
    atomic(services.cancel, waiting.enrolment.id, actor=person, now=start - timedelta(days=1))
    assert state(waiting.enrolment.id)[0] == "cancelled"


def test_nobody_is_promoted_after_the_start(make, db_session):
    start = make.future(days=2)
    session = make.session(start=start, capacity={"in_person": 1})
    organiser = make.user(Role.ORGANISER)
    placed = enrol(session, make.user())
    waiting = enrol(session, make.user())
    result = atomic(
        services.cancel, placed.enrolment.id, actor=organiser, now=start + timedelta(minutes=5)
    )
    assert result.promoted == [] and state(waiting.enrolment.id)[0] == "waitlisted"


def test_hybrid_full_in_person_takes_online_and_keeps_waiting(make, db_session):
    session = make.session(mode="hybrid", capacity={"in_person": 1, "online": 1})
    first, second, third = make.user(), make.user(), make.user()
    placed = enrol(session, first, mode="in_person")
    both = enrol(session, second, mode="in_person", accept_online=True)
    assert (both.enrolment.status, both.enrolment.mode) == ("confirmed", "online")
    assert (both.enrolment.waiting_for, both.position) == ("in_person", 1)
    online_waiter = enrol(session, third, mode="online")
    assert online_waiter.enrolment.status == "waitlisted"
    result = atomic(services.cancel, placed.enrolment.id, actor=first)
    # second moves in person, which frees an online seat for third: both in one transaction
    assert {e.id for e in result.promoted} == {both.enrolment.id, online_waiter.enrolment.id}
    assert state(both.enrolment.id) == ("confirmed", "in_person")
    assert state(online_waiter.enrolment.id) == ("confirmed", "online")
    assert messages("mode_changed", second) == 1
    counters_match(session.id)


def test_organiser_moves_people_between_modes(make, db_session):
    session = make.session(mode="hybrid", capacity={"in_person": 1, "online": 2})
    organiser = make.user(Role.ORGANISER)
    person = make.user()
    placed = enrol(session, person, mode="in_person")
    waiter = enrol(session, make.user(), mode="in_person")
    atomic(services.move_mode, placed.enrolment.id, actor=organiser, mode="online")
    assert state(placed.enrolment.id) == ("confirmed", "online")
    assert state(waiter.enrolment.id) == ("confirmed", "in_person")  # the freed seat went on
    enrol(session, make.user(), mode="online")
    with pytest.raises(Conflict) as error:
        atomic(services.move_mode, waiter.enrolment.id, actor=organiser, mode="online")
    assert error.value.code == "no_free_place"
    with pytest.raises(PermissionDenied):
        atomic(services.move_mode, placed.enrolment.id, actor=person, mode="in_person")
    counters_match(session.id)


def test_raising_capacity_promotes_and_lowering_below_taken_is_refused(make, db_session):
    from booking.scheduling.services import update_session

    session = make.session(capacity={"in_person": 1})
    enrol(session, make.user())
    waiting = [enrol(session, make.user()) for _ in range(3)]
    atomic(update_session, session.id, {"capacity": {"in_person": 3}})
    assert [state(w.enrolment.id)[0] for w in waiting] == ["confirmed", "confirmed", "waitlisted"]
    with pytest.raises(ValidationError) as error:
        atomic(update_session, session.id, {"capacity": {"in_person": 2}})
    assert "capacity.in_person" in error.value.fields
    counters_match(session.id)


def test_cancelling_a_session_cancels_every_place(make, db_session):
    from booking.enrolment.organiser import cancel_session

    session = make.session(capacity={"in_person": 1})
    organiser = make.user(Role.ORGANISER)
    placed, waiting = enrol(session, make.user()), enrol(session, make.user())
    told = atomic(cancel_session, session.id, actor=organiser, reason="trainer ziek")
    assert told == 2
    assert state(placed.enrolment.id)[0] == state(waiting.enrolment.id)[0] == "cancelled"
    assert seats(session.id, "in_person").confirmed == 0 and slots(placed.enrolment.id) == 0
    assert messages("session_cancelled") == 2
    with pytest.raises(Conflict):
        enrol(session, make.user())
    assert atomic(cancel_session, session.id, actor=organiser) == 0


def test_rescheduling_tells_everyone_and_moves_their_slots(make, db_session):
    from booking.enrolment.models import BookedSlot
    from booking.scheduling.services import MeetingData, update_session

    session = make.session(capacity={"in_person": 1})
    placed, waiting = enrol(session, make.user()), enrol(session, make.user())
    new_start = make.future(days=30)
    atomic(
        update_session,
        session.id,
        {"meetings": [MeetingData(new_start, new_start + timedelta(hours=2))]},
    )
    assert messages("session_changed") == 2
    slot = db_session.query(BookedSlot).filter_by(enrolment_id=placed.enrolment.id).one()
    assert slot.starts_at == new_start
    assert waiting.enrolment.id not in {s.enrolment_id for s in db_session.query(BookedSlot)}


def test_now_defaults_to_the_clock(make, db_session):
    session = make.session(start=utcnow() + timedelta(hours=2))
    assert enrol(session, make.user()).enrolment.confirmed_at <= utcnow()


def test_a_place_keeps_the_organisation_that_sent_the_person(make, db_session):
    """Reports and chargeback count a place for the organisation of the day it was asked for."""
    session = make.session(capacity={"in_person": 2})
    person = make.user()
    sent_by = person.organisation_id
    outcome = enrol(session, person)
    person.organisation_id = make.organisation().id
    db_session.commit()
    db_session.refresh(outcome.enrolment)
    assert outcome.enrolment.organisation_id == sent_by != person.organisation_id
