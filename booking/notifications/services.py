"""Writing to the outbox. Callers are inside the transaction of the change (invariant 5)."""

from __future__ import annotations

import uuid

from flask import current_app

from booking.extensions import db
from booking.notifications.models import MessageKind, OutboxMessage


def queue(user, kind: MessageKind, *, session=None, enrolment=None, **data) -> OutboxMessage:
    """Owe `user` a message of `kind`. `data` is what the message needs to say (JSON)."""
    domain = current_app.config["CENTRE_EMAIL"].rpartition("@")[2] or "booking.local"
    message = OutboxMessage(
        user_id=user.id,
        email=user.email,
        language=user.language or "nl",
        kind=kind,
        session_id=session.id if session is not None else None,
        enrolment=enrolment,
        data=data,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
    )
    db.session.add(message)
    return message
