"""Approvals, offers, double booking, reservations, team bookings and the periodic duties."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.models import Role
from booking.core.db import atomic
from booking.core.errors import Conflict, NotFound, PermissionDenied
from booking.enrolment import organiser as organisers
from booking.enrolment import services, team
from booking.enrolment.duties import run_duties
from booking.enrolment.places import offer_deadline
from tests.enrolment.helpers import counters_match, enrol, messages, seats, state


def approval_session(make, places=1, **extra):
    return make.session(
        make.course(requires_approval=True), capacity={"in_person": places}, **extra
    )


# -- approvals ----------------------------------------------------------------------------------


def test_a_request_holds_its_place_until_the_leader_approves(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    session = approval_session(make)
    request = enrol(session, member)
    assert request.enrolment.status == "pending_approval"
    assert seats(session.id, "in_person").held == 1
    assert messages("approval_requested", leader) == 1 and messages("approval_pending") == 1
    assert enrol(session, make.user()).enrolment.status == "waitlisted"  # the place is held
    atomic(services.decide, request.enrolment.id, actor=leader, approve=True, reason="prima")
    assert state(request.enrolment.id)[0] == "confirmed"
    assert seats(session.id, "in_person").confirmed == 1 and messages("approved", member) == 1
    counters_match(session.id)


def test_a_declined_request_gives_its_place_to_the_next(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    session = approval_session(make)
    request = enrol(session, member)
    other_leader = make.user(Role.TEAM_LEADER)
    waiting = enrol(session, make.user(team_=other_leader.team))
    with pytest.raises(NotFound):  # not even theirs to read: as if there were no such place
        atomic(services.decide, request.enrolment.id, actor=other_leader, approve=True)
    with pytest.raises(PermissionDenied):
        atomic(services.decide, request.enrolment.id, actor=member, approve=True)
    result = atomic(
        services.decide, request.enrolment.id, actor=leader, approve=False, reason="Geen budget"
    )
    assert state(request.enrolment.id)[0] == "declined"
    # the next in line also needs approval: their request now holds the place
    assert [e.id for e in result.promoted] == [waiting.enrolment.id]
    assert state(waiting.enrolment.id)[0] == "pending_approval"
    assert messages("approval_requested", other_leader) == 1
    db_session.rollback()
    assert request.enrolment.decision_reason == "Geen budget"
    counters_match(session.id)


def test_booked_by_the_leader_needs_no_approval(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    session = approval_session(make)
    assert enrol(session, member, actor=leader).enrolment.status == "confirmed"


def test_unanswered_requests_expire_and_the_place_moves_on(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member = make.user(team_=leader.team)
    start = make.future(days=20)
    session = approval_session(make, start=start)
    request = enrol(session, member)
    waiting = enrol(session, make.user(), actor=make.user(Role.ORGANISER))
    later = request.enrolment.approval_expires_at + timedelta(minutes=1)
    assert organisers.sessions_due(later) == [session.id]
    counts = atomic(organisers.process_session, session.id, later)
    assert counts == {"expired": 1, "released": 0, "promoted": 1}
    assert state(request.enrolment.id)[0] == "expired"
    assert state(waiting.enrolment.id)[0] == "confirmed"  # booked by an organiser: no approval
    assert messages("approval_expired", member) == 1
    assert atomic(organisers.process_session, session.id, later)["expired"] == 0  # idempotent


# -- offers -------------------------------------------------------------------------------------


def offer_session(make, places=1, start=None):
    return make.session(
        capacity={"in_person": places}, promotion="offer", start=start or make.future(days=20)
    )


def test_offers_go_down_the_list(make, db_session):
    session = offer_session(make)
    holder = make.user()
    placed = enrol(session, holder)
    first, second = enrol(session, make.user()), enrol(session, make.user())
    result = atomic(services.cancel, placed.enrolment.id, actor=holder)
    assert [e.id for e in result.promoted] == [first.enrolment.id]
    assert state(first.enrolment.id)[0] == "offered" and seats(session.id, "in_person").held == 1
    assert messages("offer", first.enrolment.user) == 1
    result = atomic(
        services.answer_offer, first.enrolment.id, actor=first.enrolment.user, accept=False
    )
    assert state(first.enrolment.id)[0] == "declined"
    assert [e.id for e in result.promoted] == [second.enrolment.id]
    atomic(services.answer_offer, second.enrolment.id, actor=second.enrolment.user, accept=True)
    assert state(second.enrolment.id)[0] == "confirmed"
    counters_match(session.id)


def test_an_expired_offer_goes_to_the_next(make, db_session):
    session = offer_session(make)
    holder = make.user()
    placed = enrol(session, holder)
    first, second = enrol(session, make.user()), enrol(session, make.user())
    atomic(services.cancel, placed.enrolment.id, actor=holder)
    db_session.rollback()
    later = first.enrolment.offer_expires_at + timedelta(seconds=1)
    totals = atomic(organisers.process_session, session.id, later)
    assert totals["expired"] == 1
    assert state(first.enrolment.id)[0] == "expired"
    assert state(second.enrolment.id)[0] == "offered"
    assert messages("offer_expired", first.enrolment.user) == 1


def test_accepting_too_late_expires_the_offer(make, db_session):
    session = offer_session(make)
    holder = make.user()
    placed = enrol(session, holder)
    first = enrol(session, make.user())
    atomic(services.cancel, placed.enrolment.id, actor=holder)
    db_session.rollback()
    late = first.enrolment.offer_expires_at + timedelta(seconds=1)
    atomic(
        services.answer_offer, first.enrolment.id, actor=first.enrolment.user, accept=True, now=late
    )
    assert state(first.enrolment.id)[0] == "expired"
    with pytest.raises(Conflict) as error:
        atomic(services.answer_offer, first.enrolment.id, actor=first.enrolment.user, accept=True)
    assert error.value.code == "no_offer"


def test_offers_are_shorter_when_the_session_is_close(make, db_session):
    session = offer_session(make, start=make.future(days=30))
    now = session.starts_at - timedelta(days=30)
    assert offer_deadline(session, now) - now == timedelta(hours=48)
    close = session.starts_at - timedelta(hours=10)
    assert offer_deadline(session, close) - close == timedelta(hours=5)
    very_close = session.starts_at - timedelta(minutes=20)
    assert offer_deadline(session, very_close) <= session.starts_at


# -- no double booking (invariant 3) ------------------------------------------------------------


def parallel_sessions(make, **capacity):
    start = make.future(days=40, hour=13)
    venue = make.physical_venue(rooms=(("A", 50), ("B", 50)))
    one = make.session(make.course("Workshop A"), start=start, venue=venue, **capacity)
    two = make.session(
        make.course("Workshop B"),
        start=start + timedelta(minutes=30),
        venue=venue,
        room=venue.rooms[1],
        **capacity,
    )
    return one, two


def test_no_place_in_two_overlapping_sessions(make, db_session):
    one, two = parallel_sessions(make)
    person = make.user()
    enrol(one, person)
    with pytest.raises(Conflict) as error:
        enrol(two, person)
    assert error.value.code == "clash" and str(one.id) == error.value.fields["session_id"]


def test_organisers_may_override_with_a_recorded_reason(make, db_session):
    from booking.core.models import AuditEntry

    one, two = parallel_sessions(make)
    person, organiser = make.user(), make.user(Role.ORGANISER)
    enrol(one, person)
    with pytest.raises(PermissionDenied):
        enrol(two, person, override_reason="graag")
    both = enrol(two, person, actor=organiser, override_reason="Spreker in beide workshops")
    assert both.enrolment.status == "confirmed"
    entry = db_session.query(AuditEntry).filter_by(action="enrolment.overlap_allowed").one()
    assert entry.after == {"reason": "Spreker in beide workshops"}


def test_clashing_waiters_are_skipped_but_keep_their_position(make, db_session):
    one, two = parallel_sessions(make, capacity={"in_person": 1})
    busy, free, holder = make.user(), make.user(), make.user()
    enrol(one, busy)
    placed = enrol(two, holder)
    busy_wait, free_wait = enrol(two, busy), enrol(two, free)
    assert busy_wait.enrolment.status == "waitlisted"  # waiting is not holding a place
    result = atomic(services.cancel, placed.enrolment.id, actor=holder)
    assert [e.id for e in result.promoted] == [free_wait.enrolment.id]
    assert state(busy_wait.enrolment.id)[0] == "waitlisted"
    from booking.enrolment.places import positions

    assert positions([busy_wait.enrolment.id]) == {busy_wait.enrolment.id: 1}


# -- reservations -------------------------------------------------------------------------------


def test_reserved_seats_are_for_one_organisation_until_released(make, db_session):
    schiedam, vlaardingen = make.organisation("Schiedam"), make.organisation("Vlaardingen")
    start = make.future(days=30)
    session = make.session(capacity={"in_person": 3}, start=start)
    organiser = make.user(Role.ORGANISER)
    db_session.commit()
    reservation = atomic(
        organisers.reserve_seats,
        session.id,
        actor=organiser,
        organisation_id=schiedam.id,
        mode="in_person",
        seats=2,
        until=start - timedelta(days=7),
    )
    assert seats(session.id, "in_person").reserved == 2
    outsiders = [enrol(session, make.user(org=vlaardingen)) for _ in range(2)]
    assert [o.enrolment.status for o in outsiders] == ["confirmed", "waitlisted"]
    insider = enrol(session, make.user(org=schiedam))
    assert insider.enrolment.status == "confirmed"
    assert seats(session.id, "in_person").reserved == 1
    # Cancelling a reserved place while the reservation runs gives it back to the reservation.
    atomic(services.cancel, insider.enrolment.id, actor=insider.enrolment.user)
    assert seats(session.id, "in_person").reserved == 2
    assert state(outsiders[1].enrolment.id)[0] == "waitlisted"
    # At the date the unused seats go to everyone: the waitlist first.
    later = start - timedelta(days=6)
    assert organisers.sessions_due(later) == [session.id]
    counts = atomic(organisers.process_session, session.id, later)
    assert counts["released"] == 1 and counts["promoted"] == 1
    assert state(outsiders[1].enrolment.id)[0] == "confirmed"
    assert seats(session.id, "in_person").reserved == 0
    db_session.rollback()
    assert reservation.released_at is not None
    counters_match(session.id)


def test_reservation_rules(make, db_session):
    org = make.organisation("Schiedam")
    start = make.future(days=30)
    session = make.session(capacity={"in_person": 2}, start=start)
    organiser, person = make.user(Role.ORGANISER), make.user()
    db_session.commit()
    from booking.core.errors import ValidationError

    def reserve(**changes):
        values = {
            "organisation_id": org.id,
            "mode": "in_person",
            "seats": 1,
            "until": start - timedelta(days=1),
        }
        values.update(changes)
        return atomic(organisers.reserve_seats, session.id, actor=organiser, **values)

    for bad in (
        {"seats": 3},
        {"seats": 0},
        {"mode": "online"},
        {"organisation_id": 999999},
        {"until": start + timedelta(days=1)},
        {"until": start - timedelta(days=60)},
    ):
        with pytest.raises(ValidationError):
            reserve(**bad)
    with pytest.raises(PermissionDenied):
        atomic(
            organisers.reserve_seats,
            session.id,
            actor=person,
            organisation_id=org.id,
            mode="in_person",
            seats=1,
            until=start - timedelta(days=1),
        )
    reserve()
    assert seats(session.id, "in_person").reserved == 1


# -- team bookings ------------------------------------------------------------------------------


def test_team_booking_as_many_as_fit(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    members = [make.user(team_=leader.team) for _ in range(4)]
    session = make.session(capacity={"in_person": 2})
    enrol(session, members[3])  # already enrolled
    lines = atomic(team.book_team, session.id, [m.id for m in members], actor=leader)
    assert [line.outcome for line in lines] == [
        "confirmed",
        "waitlisted",
        "waitlisted",
        "already_enrolled",
    ]
    assert [line.position for line in lines[1:3]] == [1, 2]
    assert messages("team_booking_summary", leader) == 1
    counters_match(session.id)


def test_all_or_nothing_books_nobody_when_not_everyone_fits(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    members = [make.user(team_=leader.team) for _ in range(3)]
    session = make.session(capacity={"in_person": 2})
    db_session.commit()
    with pytest.raises(Conflict) as error:
        atomic(
            team.book_team, session.id, [m.id for m in members], actor=leader, all_or_nothing=True
        )
    assert error.value.code == "not_enough_places"
    assert seats(session.id, "in_person").confirmed == 0 and messages("waitlisted") == 0
    lines = atomic(
        team.book_team, session.id, [m.id for m in members[:2]], actor=leader, all_or_nothing=True
    )
    assert [line.outcome for line in lines] == ["confirmed", "confirmed"]


def test_team_booking_only_for_the_own_team_and_reports_clashes(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    member, stranger = make.user(team_=leader.team), make.user()
    one, two = parallel_sessions(make)
    db_session.commit()
    with pytest.raises(PermissionDenied) as error:
        atomic(team.book_team, two.id, [member.id, stranger.id], actor=leader)
    assert error.value.code == "not_your_team"
    enrol(one, member)
    lines = atomic(team.book_team, two.id, [member.id], actor=leader)
    assert lines[0].outcome == "clash"
    with pytest.raises(Conflict):
        atomic(team.book_team, two.id, [member.id], actor=leader, all_or_nothing=True)
    with pytest.raises(PermissionDenied):
        atomic(team.book_team, two.id, [member.id], actor=member)


def test_in_company_request_and_its_closed_session(make, db_session):
    leader = make.user(Role.TEAM_LEADER)
    organiser = make.user(Role.ORGANISER)
    from booking.core.errors import ValidationError

    db_session.commit()
    with pytest.raises(ValidationError) as error:
        atomic(team.request_in_company, actor=leader, topic="", group_size=0)
    assert set(error.value.fields) == {"topic", "group_size"}
    request = atomic(
        team.request_in_company,
        actor=leader,
        topic="DISC voor ons team",
        group_size=14,
        preferred_dates="maart, dinsdagochtend",
    )
    assert messages("in_company_requested", organiser) == 1
    session = make.session(visibility="team", team_id=leader.team_id)
    db_session.commit()
    atomic(team.settle_in_company, request.id, actor=organiser, session_id=session.id)
    db_session.rollback()
    assert request.status == "scheduled" and request.session_id == session.id
    with pytest.raises(Conflict):
        atomic(team.settle_in_company, request.id, actor=organiser)


def test_run_duties_processes_every_due_session(make, app, db_session):
    session = offer_session(make)
    holder = make.user()
    placed = enrol(session, holder)
    first = enrol(session, make.user())
    atomic(services.cancel, placed.enrolment.id, actor=holder)
    db_session.rollback()
    first.enrolment.offer_expires_at = first.enrolment.offer_expires_at - timedelta(days=3)
    db_session.commit()
    assert run_duties() == {"sessions": 1, "expired": 1, "released": 0, "promoted": 0}
    result = app.test_cli_runner().invoke(args=["run-duties"])
    assert result.exit_code == 0 and "sessions 0" in result.output
