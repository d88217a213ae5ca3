"""The outbox table (DESIGN.md invariant 5)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime, utcnow
from booking.core.models import choice_check
from booking.extensions import db


class MessageKind(StrEnum):
    ENROLMENT_CONFIRMED = "enrolment_confirmed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    OFFER = "offer"
    OFFER_EXPIRED = "offer_expired"
    OFFER_DECLINED = "offer_declined"
    APPROVAL_REQUESTED = "approval_requested"  # to the team leader
    APPROVAL_PENDING = "approval_pending"  # to the person, while the leader decides
    APPROVED = "approved"
    APPROVAL_DECLINED = "approval_declined"
    APPROVAL_EXPIRED = "approval_expired"
    CANCELLED = "cancelled"
    MODE_CHANGED = "mode_changed"
    SESSION_CHANGED = "session_changed"
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"
    TEAM_BOOKING_SUMMARY = "team_booking_summary"  # to the team leader
    IN_COMPANY_REQUESTED = "in_company_requested"  # to the organisers


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One message to one person. Written in the transaction of the change; sent later by
    the worker, which fills in subject and bodies from `kind` and `data` in `language`."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        choice_check("kind", MessageKind),
        choice_check("status", MessageStatus),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl")
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL"), index=True
    )
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    enrolment = relationship("Enrolment")
