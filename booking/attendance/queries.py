"""Read-only: what was recorded, who takes it, and what the pages list. `summary` is what
certifications read to decide an award; `no_shows` what the person, their team leader and
HR see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from booking.accounts.models import User
from booking.attendance.models import (
    AttendanceRecord,
    AttendanceStatus,
    SessionClosure,
    SessionTrainer,
)
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling.models import Meeting, Session, SessionStatus

# The organisers' list of sessions to take attendance of: started (or starting within a day)
# and not closed, ended at most half a year ago.
RECENT = timedelta(days=183)
AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Summary:
    """One place's attendance: records per status, and the meetings its session has."""

    meetings: int
    attended: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def percent(self) -> float:
        """Attended meetings as a share of all the session's meetings (0-100)."""
        return 100.0 * self.attended / self.meetings if self.meetings else 0.0

    @property
    def all_attended(self) -> bool:
        return self.meetings > 0 and self.attended == self.meetings


def summary(enrolment_ids: Iterable[int]) -> dict[int, Summary]:
    """Per place: two statements whatever the number of places."""
    ids = set(enrolment_ids)
    if not ids:
        return {}
    meetings = {
        enrolment_id: count
        for enrolment_id, count in db.session.execute(
            select(Enrolment.id, func.count(Meeting.id))
            .join(Meeting, Meeting.session_id == Enrolment.session_id)
            .where(Enrolment.id.in_(ids))
            .group_by(Enrolment.id)
        )
    }
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    rows = db.session.execute(
        select(AttendanceRecord.enrolment_id, AttendanceRecord.status, func.count())
        .where(AttendanceRecord.enrolment_id.in_(ids))
        .group_by(AttendanceRecord.enrolment_id, AttendanceRecord.status)
    )
    for enrolment_id, status, count in rows:
        counts[enrolment_id][status] = count
    return {
        i: Summary(
            meetings=meetings.get(i, 0),
            attended=counts[i].get(AttendanceStatus.ATTENDED, 0),
            absent=counts[i].get(AttendanceStatus.ABSENT, 0),
            excused=counts[i].get(AttendanceStatus.EXCUSED, 0),
        )
        for i in ids
    }


@dataclass(frozen=True)
class Row:
    """One place on a session's attendance list: its person and its record per meeting."""

    enrolment: Enrolment
    records: dict[int, AttendanceRecord]  # meeting id -> record


def roster(session_id: int) -> tuple[list[Meeting], list[Row]]:
    """The session's meetings and its confirmed places (and any ended place that has a
    record), each with its records: three statements whatever the size."""
    meetings = list(
        db.session.scalars(
            select(Meeting).where(Meeting.session_id == session_id).order_by(Meeting.starts_at)
        )
    )
    recorded = (
        select(AttendanceRecord.enrolment_id).join(Meeting).where(Meeting.session_id == session_id)
    )
    places = list(
        db.session.scalars(
            select(Enrolment)
            .where(
                Enrolment.session_id == session_id,
                (Enrolment.status == EnrolmentStatus.CONFIRMED) | Enrolment.id.in_(recorded),
            )
            .options(joinedload(Enrolment.user))
            .order_by(Enrolment.id)
        )
    )
    by_place: dict[int, dict[int, AttendanceRecord]] = {p.id: {} for p in places}
    if places:
        for record in db.session.scalars(
            select(AttendanceRecord).where(AttendanceRecord.enrolment_id.in_(list(by_place)))
        ):
            by_place[record.enrolment_id][record.meeting_id] = record
    return meetings, [Row(p, by_place[p.id]) for p in places]


def trainers(session_id: int) -> list[SessionTrainer]:
    return list(
        db.session.scalars(
            select(SessionTrainer)
            .where(SessionTrainer.session_id == session_id)
            .options(joinedload(SessionTrainer.user))
            .join(User, User.id == SessionTrainer.user_id)
            .order_by(User.name)
        )
    )


def closure(session_id: int) -> SessionClosure | None:
    return db.session.get(SessionClosure, session_id)


def sessions_to_take(user: User, now: datetime) -> list[Session]:
    """The sessions the reader takes attendance of: a trainer's own (any time), and for an
    organiser every scheduled session that has started (or starts within a day) and whose
    attendance is still open, ended at most half a year ago: their to-do list. Two
    statements (sessions with their courses, then their meetings)."""
    named = select(SessionTrainer.session_id).where(SessionTrainer.user_id == user.id)
    condition = Session.id.in_(named)
    if user.is_organiser:
        condition = condition | (
            (Session.status == SessionStatus.SCHEDULED)
            & (Session.starts_at <= now + AHEAD)
            & (Session.ends_at >= now - RECENT)
            & Session.id.not_in(select(SessionClosure.session_id))
        )
    return list(
        db.session.scalars(
            select(Session)
            .where(condition)
            .options(selectinload(Session.meetings), joinedload(Session.course))
            .order_by(Session.starts_at.desc(), Session.id)
        ).unique()
    )


def no_shows(user_ids: Iterable[int]) -> dict[int, int]:
    """Per person: the meetings of confirmed places they missed without an excuse (records
    `absent`; `excused` is not a no-show). One statement; people without any are left out."""
    ids = set(user_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Enrolment.user_id, func.count(AttendanceRecord.id))
            .join(AttendanceRecord, AttendanceRecord.enrolment_id == Enrolment.id)
            .where(
                Enrolment.user_id.in_(ids),
                AttendanceRecord.status == AttendanceStatus.ABSENT,
            )
            .group_by(Enrolment.user_id)
        ).all()
    )


def no_shows_of_organisation(organisation_id: int) -> list[tuple[User, int]]:
    """The organisation's people (their organisation now) with no-shows, most first. One
    statement (the counts grouped in a subquery, so each person's team loads with them)."""
    missed = (
        select(Enrolment.user_id, func.count(AttendanceRecord.id).label("missed"))
        .join(AttendanceRecord, AttendanceRecord.enrolment_id == Enrolment.id)
        .where(AttendanceRecord.status == AttendanceStatus.ABSENT)
        .group_by(Enrolment.user_id)
        .subquery()
    )
    return [
        (person, count)
        for person, count in db.session.execute(
            select(User, missed.c.missed)
            .join(missed, missed.c.user_id == User.id)
            .where(User.organisation_id == organisation_id)
            .order_by(missed.c.missed.desc(), User.name)
            .options(joinedload(User.team))
        )
    ]
