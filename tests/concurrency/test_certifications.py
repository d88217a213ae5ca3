"""Certifications under real concurrency (PostgreSQL, invariant 11): organisers, a trainer,
the join link and the trainer's results deciding one session at once leave exactly one
award per certification and completed place, each told once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking.accounts.models import User
from booking.attendance import services as attendance
from booking.attendance.services import Entry
from booking.certifications import services
from booking.certifications.models import Award
from booking.certifications.services import CertificationInput
from booking.core.db import atomic
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.notifications.models import OutboxMessage
from booking.scheduling.services import MeetingData, SessionData, schedule_session
from tests.concurrency.racing import race, unexpected


def _course(make, people=6):
    venue = make.physical_venue(rooms=(("Zaal 1", 40),))
    start = make.future(5, 9)
    course = make.course(certified=True)
    session = schedule_session(
        SessionData(
            course_id=course.id,
            mode="hybrid",
            capacity={"in_person": 20, "online": 20},
            meetings=[MeetingData(start, start + timedelta(hours=3))],
            venue_id=venue.id,
            room_id=venue.rooms[0].id,
            online_venue_id=make.online_venue().id,
        )
    )
    places = []
    for index in range(people):
        person = make.user(password=None)
        mode = "online" if index % 2 else "in_person"
        places.append(enrolment.enrol(session.id, person, actor=person, mode=mode).enrolment.id)
    organiser = make.user("organiser", password=None)
    db.session.commit()
    plain = atomic(
        services.define,
        CertificationInput(name_nl="Aanwezig", course_ids=[course.id]),
        actor=organiser,
    )
    assessed = atomic(
        services.define,
        CertificationInput(name_nl="Geslaagd", course_ids=[course.id], assessment="pass_fail"),
        actor=organiser,
    )
    return session.id, session.meetings[0].id, start, places, organiser.id, plain.id, assessed.id


def _as(actor_id, work, *args, **kwargs):
    def prepare():
        actor = db.session.get(User, actor_id)
        return lambda: atomic(work, *args, actor=actor, **kwargs)

    return prepare


def test_concurrent_attendance_and_results_award_each_completion_once(app, make):
    session_id, meeting_id, start, places, organiser, plain, assessed = _course(make)
    now = start + timedelta(minutes=10)
    everyone = [Entry(p, "attended") for p in places]
    jobs = [
        _as(organiser, attendance.record, session_id, meeting_id, everyone, now=now)
        for _ in range(5)
    ]
    jobs += [(lambda p=p: lambda: atomic(attendance.record_online, p, now)) for p in places[1::2]]
    passed = dict.fromkeys(places, True)
    jobs += [
        _as(organiser, services.record_results, session_id, assessed, passed, now=now)
        for _ in range(3)
    ]

    results = race(app, jobs)

    assert unexpected(results) == []
    db.session.rollback()
    rows = db.session.execute(
        select(Award.certification_id, Award.enrolment_id, func.count()).group_by(
            Award.certification_id, Award.enrolment_id
        )
    ).all()
    assert sorted(rows) == sorted(
        [(plain, p, 1) for p in places] + [(assessed, p, 1) for p in places]
    )
    told = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "certificate_awarded")
    )
    assert told == 2 * len(places)
    codes = db.session.scalars(select(Award.code)).all()
    assert len(set(codes)) == len(codes)
