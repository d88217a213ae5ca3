"""Demo history: a 'Projectassistent' edition that ended about four weeks ago (before the
past webinar of `demo/webinars.py`, three weeks ago, which the demo participant also
attended: a person's places never overlap, invariant 3), with its six days'
attendance taken (most came every day; one missed a day without notice, one was excused),
so the attendance lists, the no-show counts and the certificates have something to show.

As with the past webinar (`demo/webinars.py`), the edition is planned far ahead, filled, and
then moved back in time as a whole (whole weeks, so it stays on Thursdays): the services
rightly refuse to plan or record anything in a past that has not happened. Attendance is
then recorded through `booking.attendance.services.record`, as an organiser would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.catalogue.models import Course
from booking.core.db import utcnow
from booking.core.timez import AMSTERDAM
from booking.demo.webinars import move_back
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.scheduling.models import Session, Venue
from booking.scheduling.services import MeetingData, SessionData, schedule_session

AHEAD_WEEKS = 30  # planned this far ahead, where nothing else is
ENDED_WEEKS_AGO = 4  # the last day 22-28 days ago: before the past webinar (21 days ago)
DAYS = 6
PARTICIPANTS = 12
# Who missed what (by place in the list of participants): (meeting number, status).
EXCEPTIONS = {3: [(2, "absent")], 5: [(4, "excused")], 8: [(1, "absent"), (5, "absent")]}


def _thursday_in(weeks: int):
    day = (utcnow() + timedelta(weeks=weeks)).astimezone(AMSTERDAM).date()
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


def _participants() -> list[User]:
    """The demo participant first, then people of mbo level from the three municipalities."""
    mbo = db.session.scalars(
        select(User)
        .where(User.role == Role.PARTICIPANT, User.education_level == "mbo")
        .order_by(User.id)
    ).all()
    demo = [p for p in mbo if p.email == "medewerker@schiedam.example.nl"]
    return (demo + [p for p in mbo if p not in demo])[:PARTICIPANTS]


def seed_history() -> Session:
    course = db.session.scalar(select(Course).where(Course.title == "Projectassistent"))
    centre = db.session.scalar(select(Venue).where(Venue.kind == "physical").order_by(Venue.id))
    first = _thursday_in(AHEAD_WEEKS)
    days = [first + timedelta(weeks=week) for week in range(DAYS)]
    meetings = [MeetingData(_moment(day, 9), _moment(day, 16)) for day in days]
    organiser = db.session.scalar(select(User).where(User.role == Role.ORGANISER))
    session = schedule_session(
        SessionData(
            course_id=course.id,
            mode="physical",
            capacity={"in_person": PARTICIPANTS},
            meetings=meetings,
            venue_id=centre.id,
            room_id=centre.rooms[0].id,
            notes="Voorjaarseditie; afgesloten met het examen.",
        )
    )
    people = _participants()
    places = [enrolment.enrol(session.id, person, actor=organiser).enrolment for person in people]
    move_back(session, timedelta(weeks=AHEAD_WEEKS + DAYS - 1 + ENDED_WEEKS_AGO))
    now = utcnow()
    for number, meeting in enumerate(sorted(session.meetings, key=lambda m: m.starts_at), 1):
        entries = []
        for index, place in enumerate(places):
            status = dict(EXCEPTIONS.get(index, [])).get(number, "attended")
            entries.append(Entry(place.id, status))
        attendance.record(session.id, meeting.id, entries, actor=organiser, now=now)
    return session
