"""The outbox table (docs/architecture.md, invariant 5: nothing said is lost).

`kind` is a code a feature registered (notifications.registry); `queue` refuses any other,
so the column has no CHECK listing them: the list lives with the features, not here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime, utcnow
from booking.core.models import choice_check
from booking.extensions import db


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"  # not sent: its recipient was erased (booking.privacy) before it went


class OutboxMessage(db.Model):
    """One message to one person. Written in the transaction of the change; sent later by
    the worker, which fills in subject and bodies from `kind` and `data` in `language`."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
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

    # Named by string, not imported: the enrolment model is a feature's. The engine passes
    # the enrolment object to `queue` before it is flushed, so the id is set on flush.
    enrolment = relationship("Enrolment")
