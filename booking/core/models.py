"""Column helpers and the audit trail shared by every feature."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.core.db import UTCDateTime, utcnow
from booking.extensions import db


def choice_check(column: str, choices: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """A CHECK that keeps a string column within an enum's values, on every database."""
    values = ", ".join(f"'{c.value}'" for c in choices)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class AuditEntry(db.Model):
    """Who changed what, for organisers' and administrators' actions on shared data."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    target_type: Mapped[str] = mapped_column(String(40), nullable=False)
    target_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)


def audit(actor, action: str, target, before: dict | None = None, after: dict | None = None):
    """Record an audit entry in the current transaction (it commits with the change)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__tablename__,
        target_id=getattr(target, "id", None),
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
