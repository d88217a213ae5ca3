"""Building the e-mail itself (standard library `email`, not Flask-Mail: its Message cannot
carry a `text/calendar; method=...` alternative part).

INTERFACE (stable): `build(message, rendered, sender) -> EmailMessage`.

The shape mail clients expect of an invitation (RFC 6047):

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8
        text/calendar; charset=utf-8; method=REQUEST|CANCEL    (when there is an invite)
      application/ics; name=invite.ics (attachment)              (when there is an invite)
      application/pdf; name=... (attachment)                     (files a feature adds)

Files with a content id (a QR code's image) are `multipart/related` parts of the HTML, shown
by `<img src="cid:...">`.

Outlook and Google act on the text/calendar alternative; the attachment is for clients that
only offer to import a file. The part's `method` is read from the VCALENDAR itself, so the two
can never disagree.
"""

from __future__ import annotations

import re
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, has_app_context

from booking.core.db import utcnow
from booking.notifications.models import OutboxMessage
from booking.notifications.render import Rendered

ATTACHMENT_NAME = "invite.ics"
_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def calendar_method(ics: str) -> str:
    """The VCALENDAR's METHOD (a top-level property; folded lines start with a space)."""
    found = _METHOD.findall(ics)
    if len(found) != 1:
        raise ValueError("an invite needs exactly one METHOD")
    return found[0].upper()


def _sender(sender: str) -> Address:
    """The centre as the sender: its configured address, named after the centre when the
    setting has no display name of its own."""
    name, address = parseaddr(sender)
    if not address:
        raise ValueError(f"not a sender address: {sender!r}")
    if not name and has_app_context():
        name = current_app.config.get("CENTRE_NAME", "")
    return Address(display_name=name or "", addr_spec=address)


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def build(message: OutboxMessage, rendered: Rendered, sender: str) -> EmailMessage:
    """The message as sent: headers, text and HTML alternatives, and the invite."""
    # SMTP policy: CRLF line ends, so the calendar parts keep the CRLF RFC 5545 requires.
    email = EmailMessage(policy=policy.SMTP)
    email["From"] = _sender(sender)
    email["To"] = message.email
    email["Subject"] = _one_line(rendered.subject)
    email["Date"] = format_datetime(message.created_at or utcnow())
    email["Message-ID"] = message.message_id  # stable: a retry is the same message
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    email["X-Auto-Response-Suppress"] = "OOF, AutoReply"  # the same for Exchange

    email.set_content(rendered.text, charset="utf-8", cte="quoted-printable")
    inline = [f for f in rendered.files if f.content_id]
    if rendered.html:
        email.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
        html_part = email.get_payload()[-1]
        for file in inline:
            maintype, _, subtype = file.content_type.partition("/")
            html_part.add_related(
                file.data,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{file.content_id}>",
                filename=file.filename,
                disposition="inline",
            )
    else:
        email.make_alternative()
    if rendered.ics:
        method = calendar_method(rendered.ics)
        if rendered.ics_method and rendered.ics_method.upper() != method:
            raise ValueError(
                f"ics_method {rendered.ics_method} but the VCALENDAR's METHOD is {method}"
            )
        email.add_alternative(
            rendered.ics, subtype="calendar", cte="base64", params={"method": method}
        )
        email.add_attachment(  # turns the alternative into the first part of a mixed
            rendered.ics.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename=ATTACHMENT_NAME,
            params={"name": ATTACHMENT_NAME},
        )
    else:
        email.make_mixed()
    for file in rendered.files:
        if file.content_id:
            continue
        maintype, _, subtype = file.content_type.partition("/")
        email.add_attachment(file.data, maintype=maintype, subtype=subtype, filename=file.filename)
    for part in email.walk():
        if part is not email:
            del part["MIME-Version"]  # the email package adds it to new parts; only the top
    if message.language:  # after the parts are made: they move Content-* headers down
        email["Content-Language"] = message.language
    return email
