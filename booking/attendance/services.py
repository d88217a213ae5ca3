"""Taking attendance: the rules every way of recording it shares (the list, a check-in code,
the join link), so the pages and the API refuse the same things.

A meeting's attendance is recorded from its start, never before; corrections are possible
until the session is closed, and each is audited. Only confirmed places are recorded. Every
write takes the session's row lock first (`lock_for_attendance`), so the receivers of
`attendance_changed` (certifications) see one change of a session's attendance at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import User
from booking.accounts.services import user_by_email
from booking.attendance.models import (
    AttendanceRecord,
    AttendanceSource,
    AttendanceStatus,
    SessionClosure,
    SessionTrainer,
)
from booking.attendance.signals import attendance_changed, session_closed
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, PermissionDenied, ValidationError
from booking.core.models import audit
from booking.enrolment.common import JOIN_WINDOW
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling.models import Meeting, Session
from booking.scheduling.queries import is_visible, session_not_found


def lock_for_attendance(session_id: int, actor: User | None = None) -> Session:
    """The session row, locked until commit (PostgreSQL; SQLite serialises writers). With
    the person acting (not the system's own work), a session they may not reach is a 404
    like a missing one, before any other check (invariant 7)."""
    session = db.session.scalar(
        for_update(select(Session).where(Session.id == session_id)).execution_options(
            populate_existing=True
        )
    )
    if session is None or (actor is not None and not may_reach(actor, session)):
        raise session_not_found()
    return session


def may_reach(user: User | None, session: Session) -> bool:
    """Whether the session exists for this person: they may see it (invariant 7), or they
    are named to take its attendance (a trainer may be of any organisation)."""
    return is_visible(session, user) or is_trainer(user, session.id)


def attendance_session(session_id: int, user: User | None) -> Session:
    """The session whose attendance this person reads: a 404 when they may not reach it
    (as for a missing id), then a 403 when they are no organiser or trainer of it."""
    session = db.session.get(Session, session_id)
    if session is None or not may_reach(user, session):
        raise session_not_found()
    if not may_take_attendance(user, session.id):
        raise PermissionDenied(
            _l("Only organisers and the session's trainers take attendance."),
            code="not_a_trainer",
        )
    return session


def is_trainer(user: User | None, session_id: int) -> bool:
    if user is None:
        return False
    return (
        db.session.get(SessionTrainer, {"session_id": session_id, "user_id": user.id}) is not None
    )


def may_take_attendance(user: User | None, session_id: int) -> bool:
    """Organisers, and the trainers named for this session."""
    if user is None:
        return False
    return user.is_organiser or is_trainer(user, session_id)


def is_closed(session_id: int) -> bool:
    return db.session.get(SessionClosure, session_id) is not None


def _organiser_only(actor: User | None, message) -> None:
    if actor is None or not actor.is_organiser:
        raise PermissionDenied(message, code="not_organiser")


# -- trainers ------------------------------------------------------------------------------


def name_trainer(
    session_id: int, email: str, *, actor: User, now: datetime | None = None
) -> tuple[SessionTrainer, bool]:
    """An organiser names someone (any active account) to take the session's attendance;
    returns the trainer and whether they are new (a repeat changes nothing)."""
    _organiser_only(actor, _l("Only organisers name the trainers of a session."))
    session = lock_for_attendance(session_id, actor)
    person = user_by_email(email or "")
    if person is None or not person.is_active:
        message = _l("No active account has this e-mail address.")
        raise ValidationError(message, code="unknown_person", fields={"email": message})
    existing = db.session.get(SessionTrainer, {"session_id": session.id, "user_id": person.id})
    if existing is not None:
        return existing, False
    trainer = SessionTrainer(
        session_id=session.id, user_id=person.id, named_by_id=actor.id, named_at=now or utcnow()
    )
    db.session.add(trainer)
    db.session.flush()
    audit(actor, "attendance.trainer_named", session, after={"user_id": person.id})
    return trainer, True


def remove_trainer(session_id: int, user_id: int, *, actor: User) -> bool:
    """Returns whether they were a trainer of the session; what they recorded stays."""
    _organiser_only(actor, _l("Only organisers name the trainers of a session."))
    session = lock_for_attendance(session_id, actor)
    trainer = db.session.get(SessionTrainer, {"session_id": session.id, "user_id": user_id})
    if trainer is None:
        return False
    db.session.delete(trainer)
    db.session.flush()
    audit(actor, "attendance.trainer_removed", session, before={"user_id": user_id})
    return True


# -- closing -------------------------------------------------------------------------------


def close(
    session_id: int, *, actor: User, now: datetime | None = None
) -> tuple[SessionClosure, bool]:
    """An organiser closes the session's attendance after its last meeting has ended: no
    more corrections; certifications are revoked from then on, not withdrawn. Returns the
    closure and whether it is new (a repeat changes nothing and tells nobody again)."""
    _organiser_only(actor, _l("Only organisers close a session's attendance."))
    session = lock_for_attendance(session_id, actor)
    now = now or utcnow()
    existing = db.session.get(SessionClosure, session.id)
    if existing is not None:
        return existing, False
    if session.status != "scheduled":
        raise Conflict(_l("This session has been cancelled."), code="session_cancelled")
    if not session.meetings or now < max(m.ends_at for m in session.meetings):
        raise Conflict(
            _l("A session's attendance can be closed after its last meeting has ended."),
            code="not_ended",
        )
    closure = SessionClosure(session_id=session.id, closed_at=now, closed_by_id=actor.id)
    db.session.add(closure)
    db.session.flush()
    audit(actor, "attendance.closed", session)
    session_closed.send(session.id, actor=actor, now=now)
    return closure, True


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.session_id != session.id:
        message = _l("This meeting is not one of the session's.")
        raise ValidationError(
            message, code="meeting_not_in_session", fields={"meeting_id": message}
        )
    return meeting


def check_recordable(session: Session, meeting: Meeting, now: datetime) -> None:
    """From the meeting's start, until the session is closed."""
    if session.status != "scheduled":
        raise Conflict(_l("This session has been cancelled."), code="session_cancelled")
    if now < meeting.starts_at:
        raise Conflict(
            _l("Attendance can be recorded from the start of the meeting."), code="not_started"
        )
    if is_closed(session.id):
        raise Conflict(_l("The attendance of this session has been closed."), code="session_closed")


@dataclass(frozen=True)
class Entry:
    enrolment_id: int
    status: str


def _places(session_id: int, ids: set[int]) -> dict[int, Enrolment]:
    """The confirmed places among `ids` in this session."""
    if not ids:
        return {}
    return {
        e.id: e
        for e in db.session.scalars(
            select(Enrolment).where(
                Enrolment.id.in_(ids),
                Enrolment.session_id == session_id,
                Enrolment.status == EnrolmentStatus.CONFIRMED,
            )
        )
    }


def write(
    session: Session,
    meeting: Meeting,
    entries: Iterable[Entry],
    *,
    source: str,
    actor: User | None,
    now: datetime,
    keep_existing: bool = False,
) -> list[int]:
    """Write the entries' records (the caller has the session lock and checked the rules);
    returns the places whose record is new or changed. A change of an existing record is a
    correction: audited with before and after. `keep_existing`: an existing record stays
    as it is (the join link records a person once and never overrides the list)."""
    entries = list(entries)
    ids = {entry.enrolment_id for entry in entries}
    places = _places(session.id, ids)
    refused = sorted(ids - set(places))
    if refused:
        message = _l(
            "These are not confirmed places of this session: %(ids)s.",
            ids=", ".join(str(i) for i in refused),
        )
        raise ValidationError(message, code="not_a_participant", fields={"records": message})
    existing = {
        r.enrolment_id: r
        for r in db.session.scalars(
            select(AttendanceRecord).where(
                AttendanceRecord.meeting_id == meeting.id,
                AttendanceRecord.enrolment_id.in_(ids),
            )
        )
    }
    changed: list[int] = []
    for entry in entries:
        if entry.status not in tuple(AttendanceStatus):
            raise ValidationError(_l("Unknown attendance status."), code="invalid_status")
        record = existing.get(entry.enrolment_id)
        if record is None:
            record = AttendanceRecord(
                enrolment_id=entry.enrolment_id,
                meeting_id=meeting.id,
                status=entry.status,
                source=source,
                recorded_by_id=actor.id if actor else None,
                recorded_at=now,
            )
            db.session.add(record)
            existing[entry.enrolment_id] = record
            changed.append(entry.enrolment_id)
        elif record.status != entry.status and not keep_existing:
            before = {"status": record.status, "source": record.source}
            record.status, record.source = entry.status, source
            record.recorded_by_id, record.recorded_at = (actor.id if actor else None), now
            db.session.flush()
            audit(
                actor,
                "attendance.corrected",
                record,
                before=before,
                after={"status": record.status, "source": source, "meeting_id": meeting.id},
            )
            changed.append(entry.enrolment_id)
    db.session.flush()
    if changed:
        attendance_changed.send(session.id, enrolment_ids=changed, actor=actor, now=now)
    return changed


def record(
    session_id: int,
    meeting_id: int,
    entries: Iterable[Entry],
    *,
    actor: User,
    source: str = AttendanceSource.LIST,
    now: datetime | None = None,
) -> int:
    """Record (or correct) the attendance of places at one meeting; returns how many
    records the request named. Organisers and the session's trainers only."""
    session = lock_for_attendance(session_id, actor)
    now = now or utcnow()
    if not may_take_attendance(actor, session.id):
        raise PermissionDenied(
            _l("Only organisers and the session's trainers take attendance."),
            code="not_a_trainer",
        )
    meeting = _meeting(session, meeting_id)
    check_recordable(session, meeting, now)
    entries = list(entries)
    write(session, meeting, entries, source=source, actor=actor, now=now)
    return len(entries)


def record_online(enrolment_id: int, at: datetime) -> bool:
    """The participant opened their join link (it opens `JOIN_WINDOW` before the start):
    attended online for the meeting it opened for, once, never over a record the list made.
    Nothing is recorded for a closed or cancelled session or outside every meeting's
    window; returns whether a record was made."""
    session_id = db.session.scalar(select(Enrolment.session_id).where(Enrolment.id == enrolment_id))
    if session_id is None:
        return False
    session = lock_for_attendance(session_id)
    if session.status != "scheduled" or is_closed(session.id):
        return False
    meeting = next(
        (
            m
            for m in sorted(session.meetings, key=lambda m: m.starts_at)
            if m.starts_at - JOIN_WINDOW <= at < m.ends_at
        ),
        None,
    )
    if meeting is None or not _places(session.id, {enrolment_id}):
        return False
    changed = write(
        session,
        meeting,
        [Entry(enrolment_id, AttendanceStatus.ATTENDED)],
        source=AttendanceSource.ONLINE,
        actor=None,
        now=at,
        keep_existing=True,
    )
    return bool(changed)
