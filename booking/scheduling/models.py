"""Venues, rooms, events, sessions, their meetings, their seats per attendance mode and the
seats reserved for one organisation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime, utcnow
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db


class VenueKind(StrEnum):
    PHYSICAL = "physical"
    ONLINE = "online"


class SessionMode(StrEnum):
    """How a session is held."""

    PHYSICAL = "physical"
    ONLINE = "online"
    HYBRID = "hybrid"


class SeatMode(StrEnum):
    """How a participant attends; a hybrid session has seats of both kinds."""

    IN_PERSON = "in_person"
    ONLINE = "online"


SEAT_MODES_BY_SESSION_MODE = {
    SessionMode.PHYSICAL: (SeatMode.IN_PERSON,),
    SessionMode.ONLINE: (SeatMode.ONLINE,),
    SessionMode.HYBRID: (SeatMode.IN_PERSON, SeatMode.ONLINE),
}


class Visibility(StrEnum):
    OPEN = "open"  # every member organisation
    ORGANISATION = "organisation"  # closed: one organisation
    TEAM = "team"  # closed in-company session for one team


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Promotion(StrEnum):
    AUTO = "auto"
    OFFER = "offer"


class EventKind(StrEnum):
    FESTIVAL = "festival"
    SYMPOSIUM = "symposium"
    WEBINAR_SERIES = "webinar_series"  # webinars registered for at once, one per slot


class Venue(TimestampMixin, db.Model):
    __tablename__ = "venues"
    __table_args__ = (
        choice_check("kind", VenueKind),
        CheckConstraint(
            "(kind = 'physical' AND address IS NOT NULL AND city IS NOT NULL)"
            " OR (kind = 'online' AND join_url IS NOT NULL)",
            name="kind_fields",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(100))
    join_url: Mapped[str | None] = mapped_column(String(500))
    directions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    rooms: Mapped[list[Room]] = relationship(
        back_populates="venue", order_by="Room.name", cascade="all, delete-orphan"
    )

    @property
    def is_physical(self) -> bool:
        return self.kind == VenueKind.PHYSICAL

    @property
    def full_address(self) -> str:
        parts = [self.address, " ".join(p for p in (self.postcode, self.city) if p)]
        return ", ".join(p for p in parts if p)


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("venue_id", "name"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)

    venue: Mapped[Venue] = relationship(back_populates="rooms")


class Event(TimestampMixin, db.Model):
    """A festival, symposium or webinar series: a programme of sessions in time slots."""

    __tablename__ = "events"
    __table_args__ = (
        choice_check("kind", EventKind),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        # The overall capacity (invariant 8): the counter of active registrations, kept by
        # booking.events.services under the event's row lock, never passes the capacity.
        CheckConstraint(
            "registered >= 0 AND (capacity IS NULL OR registered <= capacity)",
            name="registered_within_capacity",
        ),
        CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at", name="ends_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Cancelled by an organiser (booking.events.services.cancel_event): kept, with its
    # programme and registrations cancelled, so people can still see what happened.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")

    sessions: Mapped[list[Session]] = relationship(
        back_populates="event", order_by="Session.starts_at"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


# A session's own speakers (a webinar's guest, a festival workshop's host), in their order;
# without any, the course's speakers are shown.
session_speakers = Table(
    "session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="RESTRICT"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Session(TimestampMixin, db.Model):
    """One scheduled run of a course: one or more meetings, seats per attendance mode."""

    __tablename__ = "sessions"
    __table_args__ = (
        choice_check("mode", SessionMode),
        choice_check("status", SessionStatus),
        choice_check("visibility", Visibility),
        choice_check("promotion", Promotion),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("min_participants >= 0", name="min_not_negative"),
        CheckConstraint("offer_hours > 0", name="offer_hours_positive"),
        CheckConstraint(
            "(visibility = 'open')"
            " OR (visibility = 'organisation' AND organisation_id IS NOT NULL)"
            " OR (visibility = 'team' AND team_id IS NOT NULL)",
            name="visibility_target",
        ),
        CheckConstraint(
            "(mode = 'online' OR room_id IS NOT NULL)"
            " AND (mode = 'physical' OR online_venue_id IS NOT NULL)",
            name="mode_places",
        ),
        Index("ix_sessions_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=SessionStatus.SCHEDULED)
    visibility: Mapped[str] = mapped_column(String(15), nullable=False, default=Visibility.OPEN)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="RESTRICT"), index=True
    )
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="RESTRICT"))
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="RESTRICT"), index=True
    )
    online_venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("venues.id", ondelete="RESTRICT")
    )
    # First start and last end of the meetings, kept by the services for listing and overlap.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    enrolment_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolment_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_participants: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    promotion: Mapped[str] = mapped_column(String(10), nullable=False, default=Promotion.AUTO)
    # How long an offered place is kept (shortened when the session is close).
    offer_hours: Mapped[int] = mapped_column(
        Integer, nullable=False, default=48, server_default="48"
    )
    # None: as the course says; True/False: this session overrides the course.
    requires_approval: Mapped[bool | None] = mapped_column(Boolean)
    # Raised on every change of time, place or mode: the iCalendar SEQUENCE of its invites.
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # After the session: the link to its recording (issue 9; scheduling.services.set_recording).
    recording_url: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course = relationship("Course")
    event: Mapped[Event | None] = relationship(back_populates="sessions")
    organisation = relationship("Organisation")
    team = relationship("Team")
    venue: Mapped[Venue | None] = relationship(foreign_keys=[venue_id])
    room: Mapped[Room | None] = relationship()
    online_venue: Mapped[Venue | None] = relationship(foreign_keys=[online_venue_id])
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="session", order_by="Meeting.starts_at", cascade="all, delete-orphan"
    )
    seats: Mapped[list[SessionSeats]] = relationship(
        back_populates="session", order_by="SessionSeats.mode", cascade="all, delete-orphan"
    )
    speakers = relationship(
        "Speaker",
        secondary=session_speakers,
        order_by=session_speakers.c.position,
        viewonly=True,
    )

    @property
    def shown_speakers(self) -> list:
        """The session's own speakers, else its course's."""
        return list(self.speakers) or list(self.course.speakers)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def seat_modes(self) -> tuple[SeatMode, ...]:
        return SEAT_MODES_BY_SESSION_MODE[SessionMode(self.mode)]

    def seats_for(self, mode: str) -> SessionSeats | None:
        return next((s for s in self.seats if s.mode == mode), None)

    def capacity(self, mode: str) -> int:
        seats = self.seats_for(mode)
        return seats.capacity if seats else 0

    def confirmed(self, mode: str) -> int:
        seats = self.seats_for(mode)
        return seats.confirmed if seats else 0

    def free(self, mode: str) -> int:
        seats = self.seats_for(mode)
        return seats.free if seats else 0

    @property
    def needs_approval(self) -> bool:
        if self.requires_approval is not None:
            return self.requires_approval
        return bool(self.course.requires_approval)

    @property
    def total_capacity(self) -> int:
        return sum(s.capacity for s in self.seats)


class Meeting(db.Model):
    """One contiguous block of a session (a day of a multi-day course)."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_meetings_session_starts", "session_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    session: Mapped[Session] = relationship(back_populates="meetings")


class SessionSeats(db.Model):
    """Capacity and counters of one attendance mode of a session.

    The counters change only while the session row is locked; the CHECK makes a bug in that
    logic fail loudly instead of overbooking.
    """

    __tablename__ = "session_seats"
    __table_args__ = (
        choice_check("mode", SeatMode),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "confirmed >= 0 AND held >= 0 AND reserved >= 0", name="counters_not_negative"
        ),
        CheckConstraint("confirmed + held + reserved <= capacity", name="within_capacity"),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[str] = mapped_column(String(10), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    confirmed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Places kept for pending approvals and open offers.
    held: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Unused seats of active reservations for one organisation.
    reserved: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    session: Mapped[Session] = relationship(back_populates="seats")

    @property
    def taken(self) -> int:
        return self.confirmed + self.held + self.reserved

    @property
    def free(self) -> int:
        """Free for anyone; an organisation's reserved seats are not counted."""
        return max(self.capacity - self.taken, 0)


class SeatReservation(db.Model):
    """Seats of an open session kept for one organisation until a date."""

    __tablename__ = "seat_reservations"
    __table_args__ = (
        choice_check("mode", SeatMode),
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("used >= 0 AND used <= seats", name="used_within_seats"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
    )
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    organisation = relationship("Organisation")

    @property
    def remaining(self) -> int:
        return 0 if self.released_at else self.seats - self.used
