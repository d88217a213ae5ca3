"""Enrolments and what hangs on them: booked time slots, in-company requests.

The seats an organisation reserves (SeatReservation) are scheduling's: they are part of a
session's seat counts, which scheduling reads to say how many places are free for whom.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db
from booking.scheduling.models import SeatMode


class EnrolmentStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"  # holds a place until the team leader decides
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # holds a place until the person accepts or the offer expires
    CANCELLED = "cancelled"
    DECLINED = "declined"  # the approval or the offer was declined
    EXPIRED = "expired"  # the approval or the offer was not answered in time


ACTIVE = (
    EnrolmentStatus.PENDING_APPROVAL,
    EnrolmentStatus.CONFIRMED,
    EnrolmentStatus.WAITLISTED,
    EnrolmentStatus.OFFERED,
)
HOLDING = (EnrolmentStatus.PENDING_APPROVAL, EnrolmentStatus.OFFERED)  # counted in `held`
PLACED = (*HOLDING, EnrolmentStatus.CONFIRMED)  # has a seat (and its time slots)
ACTIVE_SQL = "status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered')"


class Enrolment(TimestampMixin, db.Model):
    """One person's place, or place in the queue, in one session.

    `mode` is the kind of seat held or waited for. A confirmed online participant of a hybrid
    session may also wait for an in-person seat: `waiting_for` is then 'in_person' and
    `queued_at` their place in that queue.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        choice_check("status", EnrolmentStatus),
        choice_check("mode", SeatMode),
        choice_check("waiting_for", SeatMode),
        CheckConstraint(
            "waiting_for IS NULL OR (status = 'confirmed' AND waiting_for <> mode)",
            name="waiting_for_other_mode",
        ),
        CheckConstraint(
            "status <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_deadline"
        ),
        CheckConstraint(
            "(status <> 'waitlisted' AND waiting_for IS NULL) OR queued_at IS NOT NULL",
            name="queue_has_time",
        ),
        # Invariant 2 (one active enrolment): one active enrolment per participant and session.
        Index(
            "uq_enrolments_one_active",
            "session_id",
            "user_id",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        Index("ix_enrolments_queue", "session_id", "status", "mode", "queued_at"),
        Index("ix_enrolments_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    # The person's organisation when the place was asked for (issue 12): reports and
    # chargeback count a place for the organisation that sent the person, even after they move.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    waiting_for: Mapped[str | None] = mapped_column(String(10))
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    needs_approval: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    approval_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("seat_reservations.id", ondelete="SET NULL")
    )
    # An organiser let this person hold overlapping places (invariant 3, no double booking),
    # and why.
    override_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    late_cancel: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # When the reminder before the session was queued (once per place).
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The recording link this person was last mailed: never twice for the same URL (issue 9).
    recording_mailed_url: Mapped[str | None] = mapped_column(String(500))
    # Raised when what the invite says changes for this person (mode); with the session's
    # revision it gives the iCalendar SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    session = relationship("Session")
    user = relationship("User", foreign_keys=[user_id])
    organisation = relationship("Organisation")
    booked_by = relationship("User", foreign_keys=[booked_by_id])
    reservation = relationship("SeatReservation")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def holds_place(self) -> bool:
        return self.status in PLACED


class BookedSlot(db.Model):
    """The time a placed enrolment occupies, one row per meeting.

    On PostgreSQL an exclusion constraint refuses two overlapping slots of one person
    (invariant 3, no double booking) unless an organiser overrode it; the services check
    first and say why.
    """

    __tablename__ = "booked_slots"
    __table_args__ = (
        ExcludeConstraint(
            ("user_id", "="),
            (text("tstzrange(starts_at, ends_at)"), "&&"),
            where=text("NOT overridden"),
            using="gist",
            name="ex_booked_slots_no_overlap",
        ).ddl_if(dialect="postgresql"),
        Index("ix_booked_slots_user", "user_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    overridden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class InCompanyStatus(StrEnum):
    OPEN = "open"
    SCHEDULED = "scheduled"
    DECLINED = "declined"


class InCompanyRequest(TimestampMixin, db.Model):
    """A team leader asks for a closed session just for their team."""

    __tablename__ = "in_company_requests"
    __table_args__ = (
        choice_check("status", InCompanyStatus),
        CheckConstraint("group_size > 0", name="group_size_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(300), nullable=False)
    group_size: Mapped[int] = mapped_column(Integer, nullable=False)
    preferred_dates: Mapped[str] = mapped_column(Text, nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=InCompanyStatus.OPEN)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)

    team = relationship("Team")
    requested_by = relationship("User")
    course = relationship("Course")
    session = relationship("Session")
