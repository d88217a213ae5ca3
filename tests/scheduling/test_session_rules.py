"""The scheduling rules of the service layer, whatever page or API calls them.

Messages are Dutch: the default language when no one has chosen another.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.accounts.models import Role
from booking.core.errors import ValidationError
from booking.core.models import AuditEntry
from booking.enrolment import organiser
from booking.extensions import db
from booking.scheduling.models import SessionSeats
from booking.scheduling.services import (
    MeetingData,
    SessionData,
    schedule_session,
    update_session,
)


def data(make, **overrides) -> SessionData:
    course = overrides.pop("course", None) or make.course()
    venue = overrides.pop("venue", None) or make.physical_venue(rooms=(("Zaal", 20),))
    start = overrides.pop("start", None) or make.future(days=14)
    values = {
        "course_id": course.id,
        "mode": "physical",
        "capacity": {"in_person": 12},
        "meetings": [MeetingData(start, start + timedelta(hours=3))],
        "venue_id": venue.id,
        "room_id": venue.rooms[0].id,
    }
    values.update(overrides)
    return SessionData(**values)


def refused(make, **overrides) -> dict:
    with pytest.raises(ValidationError) as error:
        schedule_session(data(make, **overrides))
    db.session.rollback()
    return {key: str(value) for key, value in error.value.fields.items()}


def test_a_valid_session_gets_its_meetings_and_seats(make, db_session):
    session = schedule_session(data(make))
    assert session.capacity("in_person") == 12 and session.free("in_person") == 12
    assert session.capacity("online") == 0
    assert session.starts_at == session.meetings[0].starts_at
    assert session.revision == 0


def test_end_before_start_is_refused(make, db_session):
    start = make.future()
    errors = refused(make, meetings=[MeetingData(start, start - timedelta(hours=1))])
    assert "meetings.0.ends_at" in errors


def test_negative_capacity_is_refused(make, db_session):
    errors = refused(make, capacity={"in_person": -1})
    assert errors["capacity.in_person"] == "Het aantal plaatsen kan niet negatief zijn."


def test_capacity_must_be_a_whole_number(make, db_session):
    assert "capacity.in_person" in refused(make, capacity={"in_person": "ten"})
    assert "capacity.in_person" in refused(make, capacity={"in_person": True})
    assert "capacity.in_person" in refused(make, capacity={})


def test_a_room_too_small_is_refused(make, db_session):
    errors = refused(make, capacity={"in_person": 21})
    assert "passen hoogstens 20 personen" in errors["capacity.in_person"]


def test_overlapping_use_of_one_room_is_refused(make, db_session):
    venue = make.physical_venue(rooms=(("Zaal", 20),))
    start = make.future(days=20, hour=9)
    schedule_session(data(make, venue=venue, start=start))
    later = start + timedelta(hours=2)  # overlaps the first session's last hour
    with pytest.raises(ValidationError) as error:
        schedule_session(data(make, venue=venue, start=later))
    assert error.value.code == "room_occupied"
    assert "is op dat moment in gebruik" in str(error.value.fields["room_id"])
    # Back to back is fine: the first ends when the next starts.
    schedule_session(data(make, venue=venue, start=start + timedelta(hours=3)))


def test_a_cancelled_session_frees_its_room(make, db_session):
    venue = make.physical_venue(rooms=(("Zaal", 20),))
    start = make.future(days=20)
    first = schedule_session(data(make, venue=venue, start=start))
    boss = make.user(Role.ORGANISER)
    db_session.commit()
    # While the first session is on, the room is taken at that time ...
    taken = refused(make, venue=venue, start=start)
    assert "is op dat moment in gebruik" in taken["room_id"]
    # ... and once it is cancelled (as an organiser cancels it), the same room at the same
    # time can be booked again.
    organiser.cancel_session(first.id, actor=boss, reason="Trainer ziek")
    db_session.commit()
    second = schedule_session(data(make, venue=venue, start=start))
    db_session.commit()
    assert (second.room_id, second.starts_at, second.status) == (
        first.room_id,
        first.starts_at,
        "scheduled",
    )
    assert first.status == "cancelled"


def test_meetings_of_one_session_may_not_overlap_and_days_are_separate(make, db_session):
    start = make.future()
    errors = refused(
        make,
        meetings=[
            MeetingData(start, start + timedelta(hours=3)),
            MeetingData(start + timedelta(hours=1), start + timedelta(hours=4)),
        ],
    )
    assert errors["meetings"] == "Twee bijeenkomsten van deze sessie overlappen."
    errors = refused(make, meetings=[MeetingData(start, start + timedelta(hours=30))])
    assert "24 uur" in errors["meetings.0.ends_at"]
    assert refused(make, meetings=[])["meetings"]


def test_a_multi_day_session_spans_its_meetings(make, db_session):
    start = make.future(days=7)
    session = schedule_session(
        data(
            make,
            meetings=[
                MeetingData(start + timedelta(days=7), start + timedelta(days=7, hours=3)),
                MeetingData(start, start + timedelta(hours=3)),
            ],
        )
    )
    assert [m.starts_at for m in session.meetings] == [start, start + timedelta(days=7)]
    assert session.ends_at == start + timedelta(days=7, hours=3)


def test_sessions_in_the_past_are_refused(make, db_session):
    start = make.future(days=-2)
    assert "verleden" in refused(make, start=start)["meetings"]


def test_mode_needs_the_right_places(make, db_session):
    online = make.online_venue()
    physical = make.physical_venue()
    db_session.commit()  # refused() rolls back after each attempt
    errors = refused(make, mode="online", capacity={"online": 10}, venue_id=None, room_id=None)
    assert "online_venue_id" in errors
    errors = refused(
        make, mode="hybrid", capacity={"in_person": 5, "online": 5}, online_venue_id=physical.id
    )
    assert errors["online_venue_id"] == "Kies een online locatie."
    errors = refused(make, venue_id=online.id)
    assert errors["venue_id"] == "Kies een fysieke locatie."
    errors = refused(make, capacity={"in_person": 5, "online": 5})
    assert "kies hybride" in errors["capacity.online"]
    errors = refused(make, room_id=make.physical_venue().rooms[0].id)
    assert errors["room_id"] == "Deze zaal hoort niet bij de gekozen locatie."
    assert "capacity" in refused(make, capacity={"in_person": 0})


def test_enrolment_window_and_deadline_lie_before_the_start(make, db_session):
    start = make.future(days=10)
    errors = refused(
        make,
        start=start,
        enrolment_closes_at=start + timedelta(hours=1),
        cancellation_deadline=start + timedelta(minutes=1),
    )
    assert set(errors) == {"enrolment_closes_at", "cancellation_deadline"}
    errors = refused(
        make,
        start=start,
        enrolment_opens_at=start - timedelta(days=1),
        enrolment_closes_at=start - timedelta(days=2),
    )
    assert errors["enrolment_closes_at"] == "De aanmelding moet sluiten nadat ze opent."


def test_minimum_and_audience(make, db_session):
    assert "min_participants" in refused(make, min_participants=-1)
    assert "min_participants" in refused(make, min_participants=13)
    assert "organisation_id" in refused(make, visibility="organisation")
    assert "team_id" in refused(make, visibility="team", team_id=999999)
    assert "visibility" in refused(make, visibility="secret")


def test_a_team_session_belongs_to_the_team_organisation(make, db_session):
    team = make.team()
    session = schedule_session(data(make, visibility="team", team_id=team.id))
    assert session.organisation_id == team.organisation_id


def test_all_problems_are_reported_at_once(make, db_session):
    start = make.future()
    errors = refused(
        make,
        capacity={"in_person": -3},
        min_participants=-1,
        cancellation_deadline=start + timedelta(days=30),
        start=start,
    )
    assert {"capacity.in_person", "min_participants", "cancellation_deadline"} <= set(errors)


def test_changing_time_or_place_raises_the_revision_and_is_audited(make, db_session):
    session = schedule_session(data(make))
    db_session.commit()
    update_session(session.id, {"capacity": {"in_person": 15}})
    assert session.revision == 0  # capacity is not in the invite
    moved = [
        MeetingData(m.starts_at + timedelta(days=1), m.ends_at + timedelta(days=1))
        for m in session.meetings
    ]
    update_session(session.id, {"meetings": moved})
    assert session.revision == 1
    other = make.physical_venue(rooms=(("Grote zaal", 40),))
    update_session(session.id, {"venue_id": other.id, "room_id": other.rooms[0].id})
    assert session.revision == 2
    actions = db_session.scalars(select(AuditEntry.action)).all()
    assert actions.count("session.updated") == 3


def test_capacity_cannot_drop_below_taken_places(make, db_session):
    session = schedule_session(
        data(
            make,
            mode="hybrid",
            capacity={"in_person": 12, "online": 10},
            online_venue_id=make.online_venue().id,
        )
    )
    seats = db_session.get(SessionSeats, (session.id, "in_person"))
    seats.confirmed, seats.held = 8, 2
    online = db_session.get(SessionSeats, (session.id, "online"))
    online.confirmed = 1
    db_session.commit()
    with pytest.raises(ValidationError) as error:
        update_session(session.id, {"capacity": {"in_person": 9, "online": 10}})
    assert "10 plaatsen zijn bezet" in str(error.value.fields["capacity.in_person"])
    db_session.rollback()
    with pytest.raises(ValidationError) as error:
        update_session(session.id, {"mode": "physical"})
    assert "verplaats hen eerst" in str(error.value.fields["capacity.online"])


def test_changing_mode_drops_the_places_of_the_mode_given_up(make, db_session):
    session = schedule_session(
        data(
            make,
            mode="hybrid",
            capacity={"in_person": 12, "online": 10},
            online_venue_id=make.online_venue().id,
        )
    )
    update_session(session.id, {"mode": "physical"})
    assert [s.mode for s in session.seats] == ["in_person"]
    assert session.online_venue_id is None


def test_unknown_fields_and_cancelled_sessions_are_refused(make, db_session):
    session = schedule_session(data(make))
    with pytest.raises(ValidationError):
        update_session(session.id, {"colour": "blue"})
    session.status = "cancelled"
    db_session.flush()
    with pytest.raises(ValidationError) as error:
        update_session(session.id, {"min_participants": 1})
    assert error.value.code == "session_cancelled"


def test_the_database_refuses_overbooking_even_if_a_service_forgot(make, db_session):
    """CHECK constraints: the last line of defence of invariant 1 (capacity)."""
    from sqlalchemy.exc import IntegrityError

    session = schedule_session(data(make))
    db_session.commit()
    seats = db_session.get(SessionSeats, (session.id, "in_person"))
    seats.confirmed = seats.capacity + 1
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()
    seats = db_session.get(SessionSeats, (session.id, "in_person"))
    seats.capacity = -1
    with pytest.raises(IntegrityError):
        db_session.commit()
