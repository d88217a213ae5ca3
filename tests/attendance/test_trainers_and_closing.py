"""Naming trainers and closing a session's attendance: organisers only, repeats change
nothing, a trainer takes attendance until removed, closing waits for the last meeting's end
and tells certifications once (`session_closed`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.accounts.models import Role
from booking.attendance import queries, services
from booking.attendance.services import Entry
from booking.attendance.signals import session_closed
from booking.core.db import atomic
from booking.core.errors import Conflict, PermissionDenied, ValidationError


def test_an_organiser_names_and_removes_a_trainer(two_meetings, make):
    course = two_meetings
    trainer = make.user(Role.PARTICIPANT)
    sid = course.session.id
    named, new = atomic(services.name_trainer, sid, trainer.email.upper(), actor=course.organiser)
    assert new and named.user_id == trainer.id
    _again, new = atomic(services.name_trainer, sid, trainer.email, actor=course.organiser)
    assert not new
    assert [t.user_id for t in queries.trainers(sid)] == [trainer.id]
    assert services.may_take_attendance(trainer, sid)
    recorded = atomic(
        services.record,
        sid,
        course.meeting_ids[0],
        [Entry(course.places[0].id, "attended")],
        actor=trainer,
        now=course.first,
    )
    assert recorded == 1
    assert atomic(services.remove_trainer, sid, trainer.id, actor=course.organiser)
    assert not atomic(services.remove_trainer, sid, trainer.id, actor=course.organiser)
    assert not services.may_take_attendance(trainer, sid)
    assert queries.summary([course.places[0].id])[course.places[0].id].attended == 1


def test_only_organisers_name_trainers_and_only_known_people(two_meetings, make):
    course = two_meetings
    trainer = make.user(Role.PARTICIPANT)
    with pytest.raises(PermissionDenied) as refused:
        atomic(services.name_trainer, course.session.id, trainer.email, actor=trainer)
    assert refused.value.code == "not_organiser"
    with pytest.raises(ValidationError) as unknown:
        atomic(
            services.name_trainer, course.session.id, "nobody@example.nl", actor=course.organiser
        )
    assert unknown.value.code == "unknown_person"


def test_closing_waits_for_the_end_and_is_told_once(two_meetings):
    course = two_meetings
    sid = course.session.id
    end = course.second + timedelta(hours=3)
    heard = []

    def listener(sender, **kw):
        heard.append(sender)

    session_closed.connect(listener)
    try:
        with pytest.raises(Conflict) as early:
            atomic(services.close, sid, actor=course.organiser, now=end - timedelta(minutes=1))
        assert early.value.code == "not_ended"
        closure, new = atomic(services.close, sid, actor=course.organiser, now=end)
        assert new and closure.closed_at == end
        _again, new = atomic(services.close, sid, actor=course.organiser, now=end)
        assert not new
    finally:
        session_closed.disconnect(listener)
    assert heard == [sid]
    assert services.is_closed(sid)
    with pytest.raises(Conflict) as closed:
        atomic(
            services.record,
            sid,
            course.meeting_ids[1],
            [Entry(course.places[0].id, "absent")],
            actor=course.organiser,
            now=end,
        )
    assert closed.value.code == "session_closed"


def test_a_trainer_does_not_close(two_meetings, make):
    course = two_meetings
    trainer = make.user(Role.PARTICIPANT)
    atomic(services.name_trainer, course.session.id, trainer.email, actor=course.organiser)
    with pytest.raises(PermissionDenied):
        atomic(services.close, course.session.id, actor=trainer, now=course.second + timedelta(1))


def test_no_shows_count_absences_without_excuse(two_meetings):
    course = two_meetings
    a, b, c = course.places
    for meeting, start, statuses in (
        (0, course.first, ["absent", "excused", "attended"]),
        (1, course.second, ["absent", "absent", "attended"]),
    ):
        atomic(
            services.record,
            course.session.id,
            course.meeting_ids[meeting],
            [Entry(p.id, s) for p, s in zip((a, b, c), statuses, strict=True)],
            actor=course.organiser,
            now=start,
        )
    counts = queries.no_shows([a.user_id, b.user_id, c.user_id])
    assert counts == {a.user_id: 2, b.user_id: 1}
    assert queries.no_shows_of_organisation(a.user.organisation_id) == [(a.user, 2)]
