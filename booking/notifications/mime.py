"""Building the e-mail itself (standard library `email`, not Flask-Mail: its Message cannot
carry a `text/calendar; method=...` alternative part).

INTERFACE (stable; being completed): `build(message, rendered, sender) -> EmailMessage`.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from booking.notifications.models import OutboxMessage
from booking.notifications.render import Rendered


def build(message: OutboxMessage, rendered: Rendered, sender: str) -> EmailMessage:
    """Placeholder until the invite parts land: plain text only, with the stable Message-ID."""
    email = EmailMessage()
    email["Subject"] = rendered.subject
    email["From"] = sender
    email["To"] = message.email
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email.set_content(rendered.text)
    return email
