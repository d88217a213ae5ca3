"""A session of two meetings with places, for the attendance tests (made through the
services); times are controlled by passing `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from booking.enrolment import services as enrolment
from booking.scheduling.models import Session
from booking.scheduling.services import MeetingData, SessionData, schedule_session


@dataclass
class Course:
    session: Session
    first: datetime  # the first meeting's start
    second: datetime  # the second meeting's start
    places: list  # enrolments, confirmed
    organiser: object

    @property
    def meeting_ids(self) -> list[int]:
        return [m.id for m in self.session.meetings]


@pytest.fixture
def two_meetings(make, db_session):
    """Two meetings a week apart, three confirmed places."""
    organiser = make.user("organiser")
    venue = make.physical_venue()
    first = make.future(5, 9)
    second = first + timedelta(days=7)
    session = schedule_session(
        SessionData(
            course_id=make.course().id,
            mode="physical",
            capacity={"in_person": 10},
            meetings=[
                MeetingData(first, first + timedelta(hours=3)),
                MeetingData(second, second + timedelta(hours=3)),
            ],
            venue_id=venue.id,
            room_id=venue.rooms[0].id,
        )
    )
    places = []
    for _ in range(3):
        person = make.user()
        places.append(enrolment.enrol(session.id, person, actor=person).enrolment)
    db_session.commit()
    return Course(session, first, second, places, organiser)
