"""The advisor's private note on a conversation: read and written only by the advisor of
its slot. Anyone else, organisers and administrators too, is told there is no such
conversation (a 404), and the API has no way to it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import User
from booking.advising.models import AdvisorBooking, AdvisorNote
from booking.core.errors import NotFound, ValidationError
from booking.extensions import db

NOTE_MAX = 20_000


def _advisors_booking(booking_id: int, reader: User) -> AdvisorBooking:
    """The booking, for the advisor of its slot only: anyone else (organisers and
    administrators too) is told there is no such conversation."""
    booking = db.session.get(AdvisorBooking, booking_id)
    if booking is None or reader is None or booking.slot.advisor_id != reader.id:
        raise NotFound(_l("No such conversation."), code="booking_not_found")
    return booking


def note_for(booking_id: int, reader: User) -> AdvisorNote | None:
    """The private note on a conversation, for the advisor who keeps it and no one else."""
    booking = _advisors_booking(booking_id, reader)
    return db.session.scalar(
        select(AdvisorNote).where(
            AdvisorNote.booking_id == booking.id, AdvisorNote.advisor_id == reader.id
        )
    )


def save_note(booking_id: int, text: str, *, actor: User) -> AdvisorNote:
    booking = _advisors_booking(booking_id, actor)
    if len(text) > NOTE_MAX:
        message = _l("Use at most %(n)d characters.", n=NOTE_MAX)
        raise ValidationError(message, code="note_too_long", fields={"text": message})
    note = note_for(booking.id, actor)
    if note is None:
        note = AdvisorNote(booking_id=booking.id, advisor_id=actor.id)
        db.session.add(note)
    note.text = text.replace("\x00", "")
    db.session.flush()
    return note
