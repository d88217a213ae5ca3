"""Turning an outbox row into what is sent: subject, plain text, HTML and (for places) the
iCalendar invite. Runs in the worker, outside any enrolment transaction.

INTERFACE (stable; the body is being filled in): `render(message) -> Rendered`.
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.notifications.models import OutboxMessage


@dataclass
class Rendered:
    subject: str
    text: str
    html: str | None = None
    ics: str | None = None  # a VCALENDAR with METHOD REQUEST or CANCEL
    ics_method: str | None = None  # "REQUEST" or "CANCEL", equal to the VCALENDAR's METHOD


def render(message: OutboxMessage) -> Rendered:
    """Placeholder until the templates land: a plain message naming its kind."""
    return Rendered(subject=f"[booking] {message.kind}", text=f"{message.kind}\n{message.data}")
