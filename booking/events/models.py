"""A person's registration for an event and the programme items they chose.

A choice is an enrolment in one of the event's sessions: the engine decides its place,
waitlist and promotion. `EventChoice` links the registration to the enrolments it made, so
enrolment stays unaware of events.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.accounts.models import User
from booking.core.db import UTCDateTime
from booking.core.models import TimestampMixin, choice_check
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import Event


class RegistrationStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class EventRegistration(TimestampMixin, db.Model):
    __tablename__ = "event_registrations"
    __table_args__ = (
        choice_check("status", RegistrationStatus),
        # One active registration per person and event.
        Index(
            "uq_event_registrations_one_active",
            "event_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    choices: Mapped[list[EventChoice]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="EventChoice.id"
    )

    @property
    def is_active(self) -> bool:
        return self.status == RegistrationStatus.ACTIVE


class EventChoice(db.Model):
    """A chosen programme item: the enrolment the engine made for it. A dropped choice is
    deleted here; its enrolment stays, cancelled, in the engine's history."""

    __tablename__ = "event_choices"
    __table_args__ = (UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), nullable=False
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False
    )
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), nullable=False, unique=True
    )

    registration: Mapped[EventRegistration] = relationship(back_populates="choices")
    enrolment: Mapped[Enrolment] = relationship()
