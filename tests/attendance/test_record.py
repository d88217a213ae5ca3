"""The core of taking attendance: from the meeting's start, confirmed places only, one record
per place and meeting, corrections audited and refused once the session is closed, the
signal certifications listen to, and the summary they read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.attendance import queries, services
from booking.attendance.models import AttendanceRecord, SessionClosure, SessionTrainer
from booking.attendance.services import Entry
from booking.attendance.signals import attendance_changed
from booking.core.db import atomic
from booking.core.errors import Conflict, PermissionDenied, ValidationError
from booking.core.models import AuditEntry
from booking.enrolment import services as enrolment
from booking.extensions import db


def _record(course, meeting, statuses, *, actor=None, later=timedelta(minutes=5)):
    meeting_id = course.meeting_ids[meeting]
    start = course.first if meeting == 0 else course.second
    entries = [
        Entry(place.id, status) for place, status in zip(course.places, statuses, strict=False)
    ]
    return atomic(
        services.record,
        course.session.id,
        meeting_id,
        entries,
        actor=actor or course.organiser,
        now=start + later,
    )


def test_recorded_from_the_start_never_before(two_meetings):
    with pytest.raises(Conflict) as error:
        _record(two_meetings, 0, ["attended"], later=-timedelta(minutes=1))
    assert error.value.code == "not_started"
    assert _record(two_meetings, 0, ["attended", "absent", "excused"]) == 3
    assert db.session.scalar(select(func.count(AttendanceRecord.id))) == 3


def test_one_record_per_place_and_meeting_and_corrections_are_audited(two_meetings):
    _record(two_meetings, 0, ["attended", "absent", "attended"])
    _record(two_meetings, 0, ["attended", "excused", "attended"])
    records = db.session.scalars(select(AttendanceRecord)).all()
    assert len(records) == 3
    statuses = {r.enrolment_id: r.status for r in records}
    assert statuses[two_meetings.places[1].id] == "excused"
    corrections = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "attendance.corrected")
    ).all()
    assert len(corrections) == 1
    assert corrections[0].before["status"] == "absent"
    assert corrections[0].after["status"] == "excused"


def test_only_confirmed_places_of_this_session(make, two_meetings):
    cancelled = two_meetings.places[2]
    atomic(enrolment.cancel, cancelled.id, actor=cancelled.user)
    with pytest.raises(ValidationError) as error:
        _record(two_meetings, 0, ["attended", "attended", "attended"])
    assert error.value.code == "not_a_participant"
    other = make.session(make.course())
    with pytest.raises(ValidationError) as error:
        atomic(
            services.record,
            other.id,
            two_meetings.meeting_ids[0],
            [],
            actor=two_meetings.organiser,
            now=two_meetings.first,
        )
    assert error.value.code == "meeting_not_in_session"


def test_organisers_and_named_trainers_only(make, two_meetings, db_session):
    trainer, stranger = make.user(), make.user("team_leader")
    db_session.commit()
    with pytest.raises(PermissionDenied):
        _record(two_meetings, 0, ["attended"], actor=stranger)
    db.session.add(SessionTrainer(session_id=two_meetings.session.id, user_id=trainer.id))
    db_session.commit()
    assert _record(two_meetings, 0, ["attended"], actor=trainer) == 1


def test_closed_sessions_take_no_corrections(two_meetings, db_session):
    _record(two_meetings, 0, ["attended"])
    db.session.add(
        SessionClosure(session_id=two_meetings.session.id, closed_at=two_meetings.second)
    )
    db_session.commit()
    with pytest.raises(Conflict) as error:
        _record(two_meetings, 0, ["absent"])
    assert error.value.code == "session_closed"


def test_the_signal_names_the_places_that_changed(two_meetings):
    heard = []

    def listener(session_id, **kw):
        heard.append((session_id, sorted(kw["enrolment_ids"])))

    with attendance_changed.connected_to(listener):
        _record(two_meetings, 0, ["attended", "absent"])
        _record(two_meetings, 0, ["attended", "attended"])  # one correction
        _record(two_meetings, 0, ["attended", "attended"])  # nothing changes: no signal
    first, second = (p.id for p in two_meetings.places[:2])
    assert heard == [
        (two_meetings.session.id, sorted([first, second])),
        (two_meetings.session.id, [second]),
    ]


def test_summary_counts_attended_meetings_against_all_of_them(two_meetings):
    _record(two_meetings, 0, ["attended", "attended", "excused"])
    _record(two_meetings, 1, ["attended", "absent"])
    found = queries.summary(p.id for p in two_meetings.places)
    ann, bob, cas = (found[p.id] for p in two_meetings.places)
    assert (ann.attended, ann.meetings, ann.percent, ann.all_attended) == (2, 2, 100.0, True)
    assert (bob.attended, bob.absent, bob.percent, bob.all_attended) == (1, 1, 50.0, False)
    assert (cas.attended, cas.excused, cas.percent) == (0, 1, 0.0)
