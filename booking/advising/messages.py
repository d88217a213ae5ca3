"""The messages of career conversations: their stored codes, labels, subjects, and the family
that loads what their templates read (notifications.registry). Each is about one booking
(`data["booking_id"]`) and goes to its booked person, or (the `advising_advisor_*` kinds) to
the advisor of its slot, unless they made the change themselves; the invite is the
calendar's (`booking.calendar.advising`).

The codes are stored in `outbox_messages.kind` and wait there until sent: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
from booking.advising.models import AdvisorBooking, AdvisorProfile, AdvisorSlot, place_of
from booking.core.urls import external_url
from booking.extensions import db
from booking.notifications.formatting import meeting_line, parse_moment
from booking.notifications.registry import Content, kinds_of, register_kinds

FAMILY = "advising"
TEMPLATES = "advising/messages"


class AdvisingKind(StrEnum):
    BOOKED = "advising_booked"
    MOVED = "advising_moved"
    CANCELLED = "advising_cancelled"
    SLOT_CANCELLED = "advising_slot_cancelled"  # the advisor withdrew the slot
    # To the advisor: someone booked, moved or cancelled a conversation with them.
    ADVISOR_BOOKED = "advising_advisor_booked"
    ADVISOR_MOVED = "advising_advisor_moved"
    ADVISOR_CANCELLED = "advising_advisor_cancelled"


A = AdvisingKind
SUBJECTS = {
    A.BOOKED: _l("Career conversation booked: %(date)s"),
    A.MOVED: _l("Career conversation moved: %(date)s"),
    A.CANCELLED: _l("Career conversation cancelled: %(date)s"),
    A.SLOT_CANCELLED: _l("Your career conversation cannot go ahead: %(date)s"),
    A.ADVISOR_BOOKED: _l("New career conversation: %(date)s"),
    A.ADVISOR_MOVED: _l("Career conversation moved by the participant: %(date)s"),
    A.ADVISOR_CANCELLED: _l("Career conversation cancelled by the participant: %(date)s"),
}
LABELS = {
    A.BOOKED: _l("Career conversation booked"),
    A.MOVED: _l("Career conversation moved"),
    A.CANCELLED: _l("Career conversation cancelled"),
    A.SLOT_CANCELLED: _l("Career conversation withdrawn by the advisor"),
    A.ADVISOR_BOOKED: _l("Career conversation booked (to the advisor)"),
    A.ADVISOR_MOVED: _l("Career conversation moved (to the advisor)"),
    A.ADVISOR_CANCELLED: _l("Career conversation cancelled (to the advisor)"),
}
TO_ADVISOR = {
    A.BOOKED: A.ADVISOR_BOOKED,
    A.MOVED: A.ADVISOR_MOVED,
    A.CANCELLED: A.ADVISOR_CANCELLED,
}
ADVISOR_KINDS = frozenset(TO_ADVISOR.values())
KINDS = kinds_of(AdvisingKind, FAMILY, LABELS, SUBJECTS, TEMPLATES)


@dataclass
class Batch:
    """The bookings of a batch of messages with their slots, advisors, venues and profiles,
    loaded in three queries whatever the batch's size."""

    bookings: dict
    profiles: dict
    users: dict

    def booking_of(self, message):
        booking_id = (message.data or {}).get("booking_id")
        return self.bookings.get(booking_id) if isinstance(booking_id, int) else None

    def profile_of(self, booking):
        return self.profiles.get(booking.slot.advisor_id)


def load(messages: list) -> Batch:
    ids = {
        m.data.get("booking_id")
        for m in messages
        if isinstance((m.data or {}).get("booking_id"), int)
    }
    bookings = {}
    if ids:
        bookings = {
            b.id: b
            for b in db.session.scalars(
                select(AdvisorBooking)
                .where(AdvisorBooking.id.in_(ids))
                .options(
                    joinedload(AdvisorBooking.user),
                    joinedload(AdvisorBooking.slot).joinedload(AdvisorSlot.advisor),
                    joinedload(AdvisorBooking.slot).joinedload(AdvisorSlot.venue),
                )
            ).unique()
        }
    advisor_ids = {b.slot.advisor_id for b in bookings.values()}
    profiles = {}
    if advisor_ids:
        profiles = {
            p.user_id: p
            for p in db.session.scalars(
                select(AdvisorProfile).where(AdvisorProfile.user_id.in_(advisor_ids))
            )
        }
    user_ids = {m.user_id for m in messages if m.user_id}
    users = {}
    if user_ids:
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    return Batch(bookings, profiles, users)


class AdvisingMessages:
    """The family of the career conversation messages (notifications.registry.Family)."""

    name = FAMILY

    def load(self, messages: list) -> Batch:
        return load(messages)

    def describe(self, message, batch: Batch) -> Content:
        booking = batch.booking_of(message)
        recipient = batch.users.get(message.user_id) if message.user_id else None
        data = message.data or {}
        variables = {
            "recipient": recipient.name if recipient is not None else None,
            "booking": booking,
            "when": None,
            "previous": None,
            "advisor": None,
            "participant": None,
            "for_advisor": message.kind in ADVISOR_KINDS,
            "place": None,
            "by_self": bool(data.get("by_self")),
            "page_url": external_url(
                "advising.agenda" if message.kind in ADVISOR_KINDS else "advising.index"
            ),
        }
        date = ""
        if booking is not None:
            slot = booking.slot
            date = meeting_line(slot.starts_at, slot.ends_at)
            previous = parse_moment(data.get("previous"))
            variables.update(
                when=date,
                previous=meeting_line(previous, previous + (slot.ends_at - slot.starts_at))
                if previous
                else None,
                advisor=slot.advisor.name,
                participant=booking.user.name,
                # The meeting link: for the booked person and the advisor, while it stands.
                place=place_of(slot, batch.profile_of(booking), with_link=booking.is_booked),
            )
        return Content(variables=variables, subject={"date": date})


def register(app: Flask) -> None:
    register_kinds(app, AdvisingMessages(), KINDS)
