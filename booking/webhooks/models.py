"""A webhook (a URL, the events it wants, its signing secret stored encrypted) and its
deliveries: one row per event and webhook, written in the transaction of the change that
caused it, sent by `delivery.deliver_due` (in order per subject, each once)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.db import UTCDateTime, utcnow
from booking.core.models import TimestampMixin, choice_check
from booking.extensions import db

EVENTS = (
    "enrolment.confirmed",
    "enrolment.waitlisted",
    "enrolment.offered",
    "enrolment.pending_approval",
    "enrolment.cancelled",
    "enrolment.declined",
    "enrolment.expired",
    "attendance.recorded",
    "certification.awarded",
    "certification.withdrawn",
    "certification.revoked",
)
"""Every event a webhook can subscribe to (the API's enum and the page's choices)."""


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(TimestampMixin, db.Model):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False)
    secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User")


class WebhookDelivery(TimestampMixin, db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        choice_check("status", DeliveryStatus, name="webhook_delivery_status_valid"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subject", "webhook_id", "subject", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False
    )
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    subject: Mapped[str] = mapped_column(String(60), nullable=False)  # "enrolment:12"
    delivery_id: Mapped[str] = mapped_column(
        String(36), nullable=False, unique=True, default=lambda: str(uuid.uuid4())
    )
    body: Mapped[str] = mapped_column(Text, nullable=False)  # the exact JSON that is signed
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    webhook = relationship(Webhook)
