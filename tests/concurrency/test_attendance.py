"""Attendance under real concurrency (PostgreSQL, invariant 10): organisers, a trainer and the
join link recording one meeting at once leave exactly one record per place and meeting, each
change audited once; closing racing corrections never lets a correction in after the close."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking.accounts.models import User
from booking.attendance import services
from booking.attendance.models import AttendanceRecord, SessionClosure
from booking.attendance.services import Entry
from booking.core.db import atomic
from booking.core.models import AuditEntry
from booking.enrolment import services as enrolment
from booking.extensions import db
from booking.scheduling.services import MeetingData, SessionData, schedule_session
from tests.concurrency.racing import race, unexpected


def _course(make, people=6):
    venue = make.physical_venue(rooms=(("Zaal 1", 40),))
    start = make.future(5, 9)
    session = schedule_session(
        SessionData(
            course_id=make.course().id,
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
    organiser = make.user("organiser", password=None).id
    db.session.commit()
    return session.id, session.meetings[0].id, start, places, organiser


def _list_job(session_id, meeting_id, entries, actor_id, now):
    def prepare():
        actor = db.session.get(User, actor_id)
        return lambda: atomic(
            services.record, session_id, meeting_id, entries, actor=actor, now=now
        )

    return prepare


def _online_job(place_id, at):
    return lambda: lambda: atomic(services.record_online, place_id, at)


def test_everyone_recording_one_meeting_at_once_leaves_one_record_each(app, make):
    session_id, meeting_id, start, places, organiser = _course(make)
    now = start + timedelta(minutes=5)
    everyone = [Entry(p, "attended") for p in places]
    absent = [Entry(p, "absent") for p in places[:3]]
    jobs = [_list_job(session_id, meeting_id, everyone, organiser, now) for _ in range(4)]
    jobs += [_list_job(session_id, meeting_id, absent, organiser, now) for _ in range(2)]
    jobs += [_online_job(p, now) for p in places[1::2]]

    results = race(app, jobs)

    assert unexpected(results) == []
    db.session.rollback()
    rows = db.session.execute(
        select(AttendanceRecord.enrolment_id, func.count())
        .where(AttendanceRecord.meeting_id == meeting_id)
        .group_by(AttendanceRecord.enrolment_id)
    ).all()
    assert sorted(rows) == sorted((p, 1) for p in places)
    statuses = dict(
        db.session.execute(
            select(AttendanceRecord.enrolment_id, AttendanceRecord.status).where(
                AttendanceRecord.meeting_id == meeting_id
            )
        ).all()
    )
    assert {statuses[p] for p in places[3:]} == {"attended"}
    assert {statuses[p] for p in places[:3]} <= {"attended", "absent"}


def test_a_close_racing_corrections_lets_none_in_after_it(app, make):
    session_id, meeting_id, start, places, organiser = _course(make, people=4)
    end = start + timedelta(hours=3)
    atomic(
        services.record,
        session_id,
        meeting_id,
        [Entry(p, "attended") for p in places],
        actor=db.session.get(User, organiser),
        now=start,
    )

    def close_job():
        actor = db.session.get(User, organiser)
        return lambda: atomic(services.close, session_id, actor=actor, now=end)

    corrections = [
        _list_job(session_id, meeting_id, [Entry(p, "excused")], organiser, end) for p in places
    ]
    results = race(app, [close_job, *corrections, close_job])

    assert unexpected(results, "session_closed") == []
    db.session.rollback()
    assert db.session.get(SessionClosure, session_id) is not None
    changed = db.session.scalars(
        select(AttendanceRecord).where(AttendanceRecord.status == "excused")
    ).all()
    refused = [r for r in results if r.code() == "session_closed"]
    assert len(changed) + len(refused) == len(places)
    # Every correction that got in was written under the lock before the close took it.
    audits = dict(
        db.session.execute(
            select(AuditEntry.id, AuditEntry.action).where(
                AuditEntry.action.in_(("attendance.corrected", "attendance.closed"))
            )
        ).all()
    )
    closed_at = min(i for i, action in audits.items() if action == "attendance.closed")
    corrected = [i for i, action in audits.items() if action == "attendance.corrected"]
    assert len(corrected) == len(changed)
    assert all(i < closed_at for i in corrected)
    closes = [r for r in (results[0], results[-1]) if r.ok]
    assert len(closes) == 2 and sum(1 for r in closes if r.value[1]) == 1
