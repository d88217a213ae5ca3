"""Retention settings per organisation, and the people made anonymous (erased on request, or
stand-ins that retention moved old records to)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.core.db import UTCDateTime, utcnow
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db

MIN_MONTHS, MAX_MONTHS = 1, 240


class RetentionPolicy(TimestampMixin, db.Model):
    """How many months after a session ends the link between the people of this
    organisation and their enrolments and attendance is kept (default RETENTION_MONTHS)."""

    __tablename__ = "retention_policies"
    __table_args__ = (
        CheckConstraint(f"months BETWEEN {MIN_MONTHS} AND {MAX_MONTHS}", name="months_range"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AnonymousKind(StrEnum):
    ERASED = "erased"  # a person erased on request: their own row, emptied
    STAND_IN = "stand_in"  # made by retention to hold one person's old records


class AnonymousPerson(db.Model):
    """A `users` row that no longer names anyone. For an erased person `email_digest` is a
    keyed digest (HMAC-SHA256 under SECRET_KEY) of the old address, so that a repeated request
    is answered "already erased" without keeping the address."""

    __tablename__ = "anonymous_people"
    __table_args__ = (choice_check("kind", AnonymousKind),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    email_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the erasure changed (counts per kind), as answered to the administrator.
    counts: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
