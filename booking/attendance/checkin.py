"""Personal check-in codes: the code on a participant's place page and reminder mail that a
trainer scans (or types) to record them as attended at a meeting.

A code is the place's id and a truncated HMAC-SHA256 of it, keyed by a key derived from
SECRET_KEY for this purpose only, so a code cannot be guessed from another and says nothing
but the place. It is written in an alphabet without 0/O/1/I/L and in groups of four so it
can be read out and typed; parsing ignores case, dashes and spaces.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from datetime import datetime

import segno
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from booking.accounts.models import User
from booking.attendance import services
from booking.attendance.models import AttendanceSource, AttendanceStatus
from booking.attendance.services import Entry
from booking.core.db import utcnow
from booking.core.errors import NotFound, PermissionDenied, ValidationError
from booking.enrolment.messages.kinds import FAMILY as ENROLMENT_MESSAGES
from booking.enrolment.messages.kinds import MessageKind
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.notifications.registry import File, register_files
from booking.scheduling.models import Meeting, SessionMode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0, O, 1, I, L
MAC_LENGTH = 8  # 31**8: about 40 bits, enough against guessing at a trainer's phone
PURPOSE = b"booking.attendance.checkin/v1"
# Sessions with seats in a room: only there does anyone scan a code.
IN_PERSON_MODES = (SessionMode.PHYSICAL, SessionMode.HYBRID)
# The inline image's content id is this prefix and the code: the reminder's HTML shows
# <img src="cid:..."> and its text prints the code, reading only `inline`.
CONTENT_ID_PREFIX = "checkin-"


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, PURPOSE, hashlib.sha256).digest()


def _encode(number: int, length: int | None = None) -> str:
    digits = []
    while number or not digits:
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    text = "".join(reversed(digits))
    return text.rjust(length, ALPHABET[0]) if length else text


def _decode(text: str) -> int:
    number = 0
    for char in text:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    return number


def _mac(enrolment_id: int) -> str:
    digest = hmac.new(_key(), str(enrolment_id).encode(), hashlib.sha256).digest()
    return _encode(int.from_bytes(digest[:8]) % len(ALPHABET) ** MAC_LENGTH, MAC_LENGTH)


def code_for(enrolment_id: int) -> str:
    """E.g. `K7-QM4X-9PRT`: the place's id, then the MAC in two groups of four."""
    mac = _mac(enrolment_id)
    return f"{_encode(enrolment_id)}-{mac[:4]}-{mac[4:]}"


def parse(code: str) -> int | None:
    """The place's id of a well-formed, genuine code; None for anything else."""
    text = "".join(code.split()).replace("-", "").upper() if isinstance(code, str) else ""
    if len(text) <= MAC_LENGTH or len(text) > MAC_LENGTH + 12:
        return None
    if any(char not in ALPHABET for char in text):
        return None
    id_part, mac = text[:-MAC_LENGTH], text[-MAC_LENGTH:]
    enrolment_id = _decode(id_part)
    if _encode(enrolment_id) != id_part:  # no leading padding: one spelling per place
        return None
    if not hmac.compare_digest(_mac(enrolment_id), mac):
        return None
    return enrolment_id


def check_in(code: str, meeting_id: int, *, actor: User, now: datetime | None = None) -> Enrolment:
    """Record the place of `code` as attended at the meeting (the list's rules: organisers
    and the session's trainers, from the meeting's start until the session is closed). A
    repeat scan changes nothing."""
    meeting = db.session.get(Meeting, meeting_id)
    session = services.lock_for_attendance(meeting.session_id) if meeting is not None else None
    if session is None or not services.may_reach(actor, session):  # invariant 7 first
        raise NotFound(_l("No such meeting."), code="meeting_not_found")
    now = now or utcnow()
    if not services.may_take_attendance(actor, session.id):
        raise PermissionDenied(
            _l("Only organisers and the session's trainers take attendance."),
            code="not_a_trainer",
        )
    services.check_recordable(session, meeting, now)
    enrolment_id = parse(code)
    enrolment = db.session.get(Enrolment, enrolment_id) if enrolment_id is not None else None
    if enrolment is None:
        raise NotFound(_l("This check-in code is not known."), code="unknown_code")
    if enrolment.session_id != session.id:
        message = _l("This check-in code is for another session.")
        raise ValidationError(message, code="other_session", fields={"code": message})
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        message = _l("This place is not confirmed (cancelled or still waiting).")
        raise ValidationError(message, code="not_confirmed", fields={"code": message})
    services.write(
        session,
        meeting,
        [Entry(enrolment.id, AttendanceStatus.ATTENDED)],
        source=AttendanceSource.QR,
        actor=actor,
        now=now,
    )
    return enrolment


# -- the QR code --------------------------------------------------------------------------------


def shows_code(enrolment: Enrolment, now: datetime | None = None) -> bool:
    """A confirmed place of a session with seats in a room that has not ended."""
    session = enrolment.session
    if enrolment.status != EnrolmentStatus.CONFIRMED or session.status != "scheduled":
        return False
    if session.mode not in IN_PERSON_MODES or not session.meetings:
        return False
    return max(m.ends_at for m in session.meetings) > (now or utcnow())


def qr_svg(code: str) -> str:
    return segno.make_qr(code, error="m").svg_inline(scale=6, border=2, title=code)


def qr_png(code: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(code, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def checkin_qr(enrolment: Enrolment) -> Markup:
    """The template global: the QR code's SVG and the code printed under it."""
    code = code_for(enrolment.id)
    svg = Markup(qr_svg(code))  # noqa: S704 - segno's own SVG of our code's alphabet
    figure = Markup('<figure class="checkin-qr">{svg}<figcaption>{code}</figcaption></figure>')
    return figure.format(svg=svg, code=escape(code))


# -- the reminder mail --------------------------------------------------------------------------


def reminder_files(message, batch) -> list[File]:
    """The QR code of the recipient's own place, inline in the reminder (enrolment messages'
    file provider; reads only the batch the renderer loaded)."""
    if message.kind != MessageKind.REMINDER:
        return []
    enrolment = batch.enrolment_of(message)
    if enrolment is None or enrolment.user_id != message.user_id or not shows_code(enrolment):
        return []
    code = code_for(enrolment.id)
    return [File("check-in.png", "image/png", qr_png(code), content_id=CONTENT_ID_PREFIX + code)]


def register(app: Flask) -> None:
    register_files(app, ENROLMENT_MESSAGES, reminder_files)
