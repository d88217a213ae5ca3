"""A session of several meetings with confirmed places, and a certification of its course,
made through the services for the certification tests; times are controlled by `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.certifications import services
from booking.certifications.services import CertificationInput
from booking.core.db import atomic
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.scheduling.services import MeetingData, SessionData, schedule_session


@dataclass
class Setup:
    session: object
    starts: list  # each meeting's start
    places: list
    organiser: object
    course_id: int

    def record(self, meeting, statuses, *, later=timedelta(minutes=5), actor=None):
        entries = [Entry(p.id, s) for p, s in zip(self.places, statuses, strict=False)]
        return atomic(
            attendance.record,
            self.session.id,
            self.session.meetings[meeting].id,
            entries,
            actor=actor or self.organiser,
            now=self.starts[meeting] + later,
        )

    @property
    def end(self):
        return self.starts[-1] + timedelta(hours=3)


def make_setup(make, meetings=4, people=3, course_id=None):
    organiser = make.user("organiser")
    venue = make.physical_venue()
    first = make.future(5, 9)
    starts = [first + timedelta(days=7 * i) for i in range(meetings)]
    course_id = course_id or make.course(certified=True).id
    session = schedule_session(
        SessionData(
            course_id=course_id,
            mode="physical",
            capacity={"in_person": 10},
            meetings=[MeetingData(s, s + timedelta(hours=3)) for s in starts],
            venue_id=venue.id,
            room_id=venue.rooms[0].id,
        )
    )
    places = []
    for _ in range(people):
        person = make.user()
        places.append(enrolment.enrol(session.id, person, actor=person).enrolment)
    db.session.commit()
    return Setup(session, starts, places, organiser, course_id)


def define(setup, **values):
    values.setdefault("name_nl", "Projectassistent")
    values.setdefault("course_ids", [setup.course_id])
    return atomic(services.define, CertificationInput(**values), actor=setup.organiser)
