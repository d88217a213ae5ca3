"""Writing to the outbox (callers are inside the transaction of the change: invariant 5,
nothing said is lost), and organisers sending failed messages again."""

from __future__ import annotations

import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from booking.core.db import utcnow
from booking.core.errors import PermissionDenied
from booking.core.models import audit
from booking.extensions import db
from booking.notifications import registry
from booking.notifications.models import MessageStatus, OutboxMessage


def queue(user, kind: str, *, session=None, enrolment=None, **data) -> OutboxMessage:
    """Owe `user` a message of `kind` (a code some feature registered; any other raises
    UnknownMessageKind before anything is written). `data` is what the message needs to say
    (JSON)."""
    kind = registry.kind(kind).code
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


def failed_messages(kind: str | None = None, session_id: int | None = None):
    """The query of failed messages, optionally of one kind and/or one session."""
    query = select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if session_id:
        query = query.where(OutboxMessage.session_id == session_id)
    return query


def send_again(messages: list[OutboxMessage], actor) -> int:
    """Failed messages become pending again with a fresh retry schedule; the worker picks
    them up on its next pass. Only organisers may; a message no longer failed (a second
    click, or another organiser was quicker) is left alone and not counted."""
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can send messages again."))
    by_id = {m.id: m for m in messages}
    if not by_id:
        return 0
    again = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(by_id), OutboxMessage.status == MessageStatus.FAILED)
        .values(status=MessageStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    for message_id in again:
        message = by_id[message_id]
        audit(actor, "message.sent_again", message, before={"last_error": message.last_error})
    return len(again)
