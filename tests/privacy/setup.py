"""A person with something of everything, made through the services: a finished course
with attendance and a certificate, a place still to come in a full session (a colleague
waits behind them), mail, an API token and a calendar address; and the staff around them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from booking.accounts.models import User
from booking.accounts.services import create_api_token
from booking.attendance.models import AttendanceRecord
from booking.certifications.models import Award
from booking.core.db import atomic
from booking.enrolment import services as enrolment
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.notifications.models import MessageStatus, OutboxMessage
from tests.certifications.setup import define, make_setup


@dataclass
class World:
    person: object
    colleague: object
    other: object
    organiser: object
    admin: object
    past: object  # the certifications setup: session, places, starts
    upcoming: object  # a session with one place, held by the person
    waiting: object  # the colleague's waitlist entry in it
    award_code: str
    token: str
    now: datetime  # after the past session, before the upcoming one


def make_world(make) -> World:
    past = make_setup(make, meetings=2, people=3)
    person, colleague, other = (place.user for place in past.places)
    define(past, validity_months=24)
    past.record(0, ["attended", "attended", "absent"])
    past.record(1, ["attended", "attended", "attended"])
    upcoming = make.session(capacity={"in_person": 1}, start=past.end + timedelta(days=20))
    atomic(enrolment.enrol, upcoming.id, person, actor=person)
    waiting = atomic(enrolment.enrol, upcoming.id, colleague, actor=colleague).enrolment
    _token, plain = create_api_token(person, "Laptop van Jan")
    person.calendar_token = "c" * 40
    sent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == person.id).order_by(OutboxMessage.id)
    ).first()
    sent.status, sent.sent_at, sent.subject = MessageStatus.SENT, past.starts[0], "Bevestigd"
    sent.body_text = f"Beste {person.name}"
    admin = make.user("admin")
    db.session.commit()
    award = db.session.scalar(select(Award).where(Award.user_id == person.id))
    return World(
        person=person,
        colleague=colleague,
        other=other,
        organiser=past.organiser,
        admin=admin,
        past=past,
        upcoming=upcoming,
        waiting=waiting,
        award_code=award.code,
        token=plain,
        now=past.end + timedelta(days=1),
    )


def aggregates(session_ids) -> dict:
    """What the reports count: confirmed places per session, attendance records per meeting
    and status, places per organisation."""
    confirmed = dict(
        db.session.execute(
            select(Enrolment.session_id, func.count())
            .where(Enrolment.session_id.in_(session_ids), Enrolment.status == "confirmed")
            .group_by(Enrolment.session_id)
        ).all()
    )
    attendance = {
        (meeting, status): count
        for meeting, status, count in db.session.execute(
            select(AttendanceRecord.meeting_id, AttendanceRecord.status, func.count()).group_by(
                AttendanceRecord.meeting_id, AttendanceRecord.status
            )
        ).all()
    }
    per_organisation = dict(
        db.session.execute(
            select(User.organisation_id, func.count(Enrolment.id))
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.session_id.in_(session_ids))
            .group_by(User.organisation_id)
        ).all()
    )
    return {"confirmed": confirmed, "attendance": attendance, "per_organisation": per_organisation}
