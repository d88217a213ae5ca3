"""The enrolment engine's messages: the kinds it queues (`MessageKind`), what each says and
how it is built (content, context), registered with notifications when the app is created.

The engine queues with `booking.notifications.services.queue(person, MessageKind.X, ...)`;
the worker renders with the family registered here (docs/architecture.md, how a message is
born and sent).
"""

from __future__ import annotations

from flask import Flask

from booking.enrolment.messages.content import EnrolmentMessages, session_names
from booking.enrolment.messages.kinds import KINDS, MessageKind
from booking.notifications.registry import register_kinds, register_session_lookup

__all__ = ["MessageKind", "register"]


def register(app: Flask) -> None:
    register_kinds(app, EnrolmentMessages(), KINDS)
    register_session_lookup(app, session_names)
