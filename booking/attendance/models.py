"""Attendance per meeting and place, who may take it, and a session's closing.

A record is one confirmed place (`Enrolment`) at one meeting: attended, absent or excused,
and how it was taken (a list, a scanned or typed check-in code, the join link). There is at
most one per place and meeting (invariant 10); a correction changes that row and is audited.
Closing a session ends corrections: after it, certifications are revoked, not withdrawn.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import User
from booking.core.db import UTCDateTime, utcnow
from booking.core.models import choice_check
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import Meeting


class AttendanceStatus(StrEnum):
    ATTENDED = "attended"
    ABSENT = "absent"
    EXCUSED = "excused"


class AttendanceSource(StrEnum):
    LIST = "list"  # the organiser's or trainer's list
    QR = "qr"  # the participant's check-in code, scanned or typed
    ONLINE = "online"  # the participant opened their join link (/deelnemen/<token>)


class AttendanceRecord(db.Model):
    __tablename__ = "attendance_records"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "meeting_id"),
        choice_check("status", AttendanceStatus),
        choice_check("source", AttendanceSource),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False
    )
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    # None when the participant recorded it themselves (the join link, a self check-in).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
    meeting: Mapped[Meeting] = relationship()


class SessionTrainer(db.Model):
    """A person an organiser named to take attendance (and enter results) of one session."""

    __tablename__ = "session_trainers"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SessionClosure(db.Model):
    """An organiser closed the session's attendance: no more corrections."""

    __tablename__ = "session_closures"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
