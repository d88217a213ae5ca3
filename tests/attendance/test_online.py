"""Opening the join link records the person as attended online for that meeting, once, and
never over what the list says; nothing outside the window or after closing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.attendance import services
from booking.attendance.models import AttendanceRecord, SessionClosure
from booking.attendance.services import Entry
from booking.core.db import atomic
from booking.enrolment.join_links import join_token
from booking.enrolment.views import join_page
from booking.extensions import db
from tests.enrolment.helpers import enrol
from tests.factories import future


def _open(client, monkeypatch, enrolment, moment):
    monkeypatch.setattr(join_page, "utcnow", lambda: moment)
    return client.get(f"/deelnemen/{join_token(enrolment)}")


def _records():
    return [
        (r.enrolment_id, r.status, r.source) for r in db.session.scalars(select(AttendanceRecord))
    ]


def test_opened_in_the_window_records_once(client, make, monkeypatch, db_session):
    session = make.session(mode="online", start=future(days=2))
    place = enrol(session, make.user(), mode="online").enrolment
    db_session.commit()
    assert (
        _open(client, monkeypatch, place, session.starts_at - timedelta(hours=2)).status_code == 409
    )
    assert _records() == []
    assert (
        _open(client, monkeypatch, place, session.starts_at - timedelta(minutes=20)).status_code
        == 303
    )
    assert (
        _open(client, monkeypatch, place, session.starts_at + timedelta(minutes=5)).status_code
        == 303
    )
    assert _records() == [(place.id, "attended", "online")]


def test_the_list_wins_and_a_closed_session_takes_nothing(client, make, monkeypatch, db_session):
    organiser = make.user("organiser")
    session = make.session(mode="online", start=future(days=2))
    listed, other = (enrol(session, make.user(), mode="online").enrolment for _ in range(2))
    db_session.commit()
    atomic(
        services.record,
        session.id,
        session.meetings[0].id,
        [Entry(listed.id, "excused")],
        actor=organiser,
        now=session.starts_at,
    )
    _open(client, monkeypatch, listed, session.starts_at + timedelta(minutes=1))
    assert _records() == [(listed.id, "excused", "list")]
    db.session.add(SessionClosure(session_id=session.id, closed_at=session.ends_at))
    db_session.commit()
    assert (
        _open(client, monkeypatch, other, session.starts_at + timedelta(minutes=2)).status_code
        == 303
    )
    assert len(_records()) == 1
