"""Turning what changed into webhook deliveries, connected by create_app.

Enrolment and certifications send no signal when a place's status or an award's state
changes (those changes are made in many places of the engine), so this listens one level
lower: after every flush of the ORM session it looks at the `Enrolment` rows whose `status`
was set, the `AttendanceRecord` rows written, and the `Award` rows made or whose `state`
changed, and writes one delivery per subscribed webhook on the flush's own connection. That
is the sender's transaction: a change that rolls back sends nothing, and every way of
changing a place (the pages, the API, the duties, the engine's promotions) is covered.
Bulk UPDATE statements (privacy's erasure and retention) are not domain events and send
nothing.

Subjects: `enrolment:<id>` for a place and its attendance, `award:<id>` for an award; the
deliveries of one subject are sent in the order they were written."""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from booking.accounts.models import User
from booking.attendance.models import AttendanceRecord
from booking.catalogue.models import Course
from booking.certifications.models import Award, AwardState, Certification
from booking.enrolment.models import Enrolment
from booking.scheduling.models import Meeting
from booking.scheduling.models import Session as CourseSession
from booking.webhooks import services

AWARD_EVENTS = {
    AwardState.WITHDRAWN: "certification.withdrawn",
    AwardState.REVOKED: "certification.revoked",
}


KINDS = ("enrolment", "attendance", "award")  # a place's own change before its attendance


def _changed(obj, name: str) -> bool:
    return bool(inspect(obj).attrs[name].history.added)


def _events(session) -> list[tuple[str, str, str, int]]:
    """(event, subject, kind, id) for what this flush changed, in a stable order."""
    found = []
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Enrolment) and obj.id is not None and _changed(obj, "status"):
            found.append((f"enrolment.{obj.status}", f"enrolment:{obj.id}", "enrolment", obj.id))
        elif isinstance(obj, AttendanceRecord) and obj.id is not None:
            if obj in session.new or _changed(obj, "status"):
                subject = f"enrolment:{obj.enrolment_id}"
                found.append(("attendance.recorded", subject, "attendance", obj.id))
        elif isinstance(obj, Award) and obj.id is not None:
            if obj in session.new and obj.state == AwardState.VALID:
                found.append(("certification.awarded", f"award:{obj.id}", "award", obj.id))
            elif obj not in session.new and _changed(obj, "state") and obj.state in AWARD_EVENTS:
                found.append((AWARD_EVENTS[obj.state], f"award:{obj.id}", "award", obj.id))
    return sorted(found, key=lambda item: (KINDS.index(item[2]), item[3], item[0]))


def _place(connection, enrolment_id: int) -> dict:
    e, s, c, u = (m.__table__ for m in (Enrolment, CourseSession, Course, User))
    row = connection.execute(
        select(
            e.c.id,
            e.c.status,
            e.c.mode,
            s.c.id,
            s.c.starts_at,
            c.c.id,
            c.c.slug,
            c.c.title,
            u.c.id,
            u.c.email,
        )
        .join(s, s.c.id == e.c.session_id)
        .join(c, c.c.id == s.c.course_id)
        .join(u, u.c.id == e.c.user_id)
        .where(e.c.id == enrolment_id)
    ).one()
    return {
        "enrolment": {"id": row[0], "status": row[1], "mode": row[2]},
        "session": {"id": row[3], "starts_at": row[4].isoformat() if row[4] else None},
        "course": {"id": row[5], "slug": row[6], "title": row[7]},
        "person": {"id": row[8], "email": row[9]},
    }


def _attendance(connection, record_id: int) -> dict:
    a, m = AttendanceRecord.__table__, Meeting.__table__
    row = connection.execute(
        select(a.c.enrolment_id, a.c.status, a.c.source, m.c.id, m.c.starts_at)
        .join(m, m.c.id == a.c.meeting_id)
        .where(a.c.id == record_id)
    ).one()
    data = _place(connection, row[0])
    data["attendance"] = {"id": record_id, "status": row[1], "source": row[2]}
    data["meeting"] = {"id": row[3], "starts_at": row[4].isoformat()}
    return data


def _award(connection, award_id: int) -> dict:
    a, c, u = Award.__table__, Certification.__table__, User.__table__
    row = connection.execute(
        select(
            a.c.id,
            a.c.state,
            a.c.issued_at,
            a.c.expires_at,
            a.c.enrolment_id,
            c.c.id,
            c.c.name_nl,
            c.c.name_en,
            u.c.id,
            u.c.email,
        )
        .join(c, c.c.id == a.c.certification_id)
        .join(u, u.c.id == a.c.user_id)
        .where(a.c.id == award_id)
    ).one()
    return {
        "award": {
            "id": row[0],
            "state": row[1],
            "issued_at": row[2].isoformat(),
            "expires_at": row[3].isoformat() if row[3] else None,
            "enrolment_id": row[4],
        },
        "certification": {"id": row[5], "name_nl": row[6], "name_en": row[7]},
        "person": {"id": row[8], "email": row[9]},
    }


DATA = {"enrolment": _place, "attendance": _attendance, "award": _award}


def after_flush(session, _flush_context) -> None:
    changes = _events(session)
    if not changes:
        return
    connection = session.connection()
    subscribed = services.subscriptions(connection)
    for name, subject, kind, object_id in changes:
        webhook_ids = subscribed.get(name)
        if webhook_ids:
            data = DATA[kind](connection, object_id)
            services.queue(connection, name, subject, data, webhook_ids)


def connect() -> None:
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
