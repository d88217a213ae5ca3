"""iCalendar invites (iTIP, RFC 5546) for career conversations (invariant 6: calendars stay in
sync).

One booking is one iTIP object with one UID (`booking_uid`): booked, moved and cancelled
say the same UID, and the SEQUENCE is `booking.revision`, which `booking.advising.services`
raises on every move and on the cancellation. The method is decided at send time from the
booking as it is then: REQUEST while it is booked, CANCEL once it is not (an older message
never re-announces a conversation that has since been cancelled).

The location of an online conversation is the advisor's meeting link, and only in a REQUEST
(to the booked person, or to the advisor, whose own calendar gets the same UID with the
participant's name); in person it is the venue with its address.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event

from booking.advising.messages import ADVISOR_KINDS, FAMILY, AdvisingKind, Batch
from booking.advising.models import AdvisorBooking, AdvisorProfile, place_of
from booking.calendar.ics import (
    CANCEL,
    REQUEST,
    attendee,
    description,
    domain,
    finish,
    ical_time,
    new_calendar,
    organizer,
    stamp,
)
from booking.core.db import utcnow
from booking.core.urls import external_url
from booking.notifications.registry import Invite, register_attachment

TO_REQUEST = frozenset(
    {
        AdvisingKind.BOOKED,
        AdvisingKind.MOVED,
        AdvisingKind.ADVISOR_BOOKED,
        AdvisingKind.ADVISOR_MOVED,
    }
)


def booking_uid(booking: AdvisorBooking) -> str:
    return f"advisor-booking-{booking.id}@{domain()}"


def method_for(kind: str, booking: AdvisorBooking) -> str:
    if booking.is_booked:
        return REQUEST if kind in TO_REQUEST else CANCEL
    return CANCEL


def invite(
    booking: AdvisorBooking,
    profile: AdvisorProfile | None,
    method: str,
    *,
    language: str | None = None,
    now: datetime | None = None,
    for_advisor: bool = False,
) -> str:
    """One VCALENDAR with METHOD `method` for the booked person's conversation, or for the
    advisor's calendar (`for_advisor`: the advisor is the attendee)."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    slot = booking.slot
    person = slot.advisor if for_advisor else booking.user
    with force_locale(language or person.language or "nl"):
        place = place_of(slot, profile, with_link=method == REQUEST and booking.is_booked)
        event = Event()
        event.add("uid", booking_uid(booking))
        event.add("dtstamp", stamp(now or utcnow()))
        event.add("sequence", booking.revision)
        event.add("organizer", organizer())
        event.add("attendee", attendee(person, method))
        other = booking.user if for_advisor else slot.advisor
        event.add("summary", _("Career conversation with %(name)s", name=other.name))
        event.add("status", "CONFIRMED" if method == REQUEST else "CANCELLED")
        event.add("transp", "OPAQUE")
        event.add("dtstart", ical_time(slot.starts_at))
        event.add("dtend", ical_time(slot.ends_at))
        location = place.url or place.location
        if location:
            event.add("location", location)
        if place.url:
            event.add("url", place.url)
        text = description(
            _("This conversation has been cancelled.") if method == CANCEL else None,
            _("Join the conversation: %(url)s", url=place.url) if place.url else None,
            _("Your agenda: %(url)s", url=external_url("advising.agenda"))
            if for_advisor
            else _("Your career conversations: %(url)s", url=external_url("advising.index")),
        )
        event.add("description", text)
        return finish(new_calendar(method), [event], [slot])


def message_invite(message, batch: Batch) -> Invite | None:
    """The attachment of a career conversation message: to the booked person, and to the
    advisor with the messages that tell them."""
    booking = batch.booking_of(message)
    if booking is None:
        return None
    for_advisor = message.kind in ADVISOR_KINDS and booking.slot.advisor_id == message.user_id
    if not for_advisor and booking.user_id != message.user_id:
        return None
    method = method_for(message.kind, booking)
    profile = batch.profile_of(booking)
    text = invite(booking, profile, method, language=message.language, for_advisor=for_advisor)
    return Invite(text, method)


def register(app: Flask) -> None:
    register_attachment(app, FAMILY, message_invite)
