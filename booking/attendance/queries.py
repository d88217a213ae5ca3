"""Read-only: what was recorded. `summary` is what certifications read to decide an award."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from booking.attendance.models import AttendanceRecord, AttendanceStatus
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling.models import Meeting


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
