"""Advisors, their slots, the bookings of those slots and the advisors' private notes.

A person is an advisor through an `AdvisorProfile` (the role `advisor`, or an organiser
marked as one): it holds the meeting link of their online slots and serves as the lock of
everything that changes their agenda (`advisors.lock_advisor`, invariant 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
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

from booking.accounts.models import User
from booking.core.db import UTCDateTime
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db
from booking.scheduling.models import Venue

MIN_MINUTES, MAX_MINUTES = 30, 90


class SlotMode(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class AdvisorProfile(TimestampMixin, db.Model):
    __tablename__ = "advisor_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    meeting_url: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str] = mapped_column(Text, nullable=False, default="")
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    user: Mapped[User] = relationship()


class AdvisorSlot(TimestampMixin, db.Model):
    """A time an advisor offers for one conversation. A cancelled slot stays (its booking's
    history points at it) and no longer blocks the advisor's time."""

    __tablename__ = "advisor_slots"
    __table_args__ = (
        choice_check("mode", SlotMode),
        CheckConstraint(
            "(mode = 'in_person' AND venue_id IS NOT NULL)"
            " OR (mode = 'online' AND venue_id IS NULL)",
            name="mode_venue",
        ),
        # 30 to 90 minutes (invariant 9); each dialect subtracts times its own way.
        CheckConstraint(
            "ends_at - starts_at BETWEEN interval '30 minutes' AND interval '90 minutes'",
            name="length_pg",
        ).ddl_if(dialect="postgresql"),
        CheckConstraint(
            "round((julianday(ends_at) - julianday(starts_at)) * 1440) BETWEEN 30 AND 90",
            name="length_sqlite",
        ).ddl_if(dialect="sqlite"),
        # No two live slots of one advisor overlap, whatever the concurrency (invariant 9).
        ExcludeConstraint(
            ("advisor_id", "="),
            (text("tstzrange(starts_at, ends_at)"), "&&"),
            where=text("NOT cancelled"),
            using="gist",
            name="ex_advisor_slots_no_overlap",
        ).ddl_if(dialect="postgresql"),
        Index("ix_advisor_slots_advisor_start", "advisor_id", "starts_at"),
        Index("ix_advisor_slots_start", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venues.id", ondelete="RESTRICT"), index=True
    )
    cancelled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    advisor: Mapped[User] = relationship()
    venue: Mapped[Venue | None] = relationship()

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AdvisorBooking(TimestampMixin, db.Model):
    """One person's conversation in one slot. Moving changes `slot_id` and keeps the row,
    so the invite keeps its UID; `revision` (the invite's SEQUENCE) rises on every change."""

    __tablename__ = "advisor_bookings"
    __table_args__ = (
        choice_check("status", BookingStatus),
        # At most one booked conversation per slot (invariant 9).
        Index(
            "uq_advisor_bookings_one_per_slot",
            "slot_id",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_advisor_bookings_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_slots.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=BookingStatus.BOOKED)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    slot: Mapped[AdvisorSlot] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_booked(self) -> bool:
        return self.status == BookingStatus.BOOKED


class AdvisorNote(TimestampMixin, db.Model):
    """The advisor's private note on one conversation: read and written only by the advisor
    who wrote it (`notes.note_for`), never by organisers or administrators, never in the
    API."""

    __tablename__ = "advisor_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_bookings.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")


@dataclass(frozen=True)
class Place:
    location: str
    url: str | None  # the advisor's meeting link: only for the booked person


def place_of(slot: AdvisorSlot, profile: AdvisorProfile | None, *, with_link: bool) -> Place:
    """Where a conversation is: the venue and its address in person; online, the advisor's
    meeting link, given only to the person who booked it (`with_link`)."""
    if slot.mode == SlotMode.IN_PERSON and slot.venue is not None:
        venue = slot.venue
        return Place(", ".join(p for p in (venue.name, venue.full_address) if p), None)
    link = profile.meeting_url if (with_link and profile is not None) else None
    return Place(str(_l("Online")), link)
