"""The messages of events: their stored codes, labels, subjects, and the family that loads
what their templates read (notifications.registry). Each is about one event
(`data["event_id"]`). A cancelled programme item is told by the engine's own session
message, with its invite's CANCEL; `event_cancelled` goes to a registrant who held no place.

The codes are stored in `outbox_messages.kind` and wait there until sent: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import User
from booking.core.urls import external_url
from booking.extensions import db
from booking.notifications.registry import Content, kinds_of, register_kinds
from booking.scheduling.models import Event

FAMILY = "events"
TEMPLATES = "events/messages"


class EventMessage(StrEnum):
    CANCELLED = "event_cancelled"


SUBJECTS = {EventMessage.CANCELLED: _l("Cancelled: %(title)s")}
LABELS = {EventMessage.CANCELLED: _l("Event cancelled")}
KINDS = kinds_of(EventMessage, FAMILY, LABELS, SUBJECTS, TEMPLATES)


@dataclass
class Batch:
    events: dict
    users: dict


def _ids(messages: list, key: str) -> set[int]:
    return {m.data.get(key) for m in messages if isinstance((m.data or {}).get(key), int)}


class EventMessages:
    """The family of the event messages (notifications.registry.Family): two queries per
    batch, whatever its size."""

    name = FAMILY

    def load(self, messages: list) -> Batch:
        event_ids = _ids(messages, "event_id")
        events = {}
        if event_ids:
            events = {
                e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(event_ids)))
            }
        user_ids = {m.user_id for m in messages if m.user_id}
        users = {}
        if user_ids:
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        return Batch(events, users)

    def describe(self, message, batch: Batch) -> Content:
        data = message.data or {}
        event = batch.events.get(data.get("event_id"))
        recipient = batch.users.get(message.user_id) if message.user_id else None
        variables = {
            "recipient": recipient.name if recipient is not None else None,
            "event": event,
            "reason": (data.get("reason") or "").strip() or None,
            "page_url": external_url("portal.events"),
        }
        return Content(variables=variables, subject={"title": event.title if event else ""})


def register(app: Flask) -> None:
    register_kinds(app, EventMessages(), KINDS)
