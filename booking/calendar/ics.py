"""iCalendar invitations (iTIP, RFC 5546) for one person's place, and the events the
subscription feeds share with them (docs/architecture.md, invariant 6: calendars stay in sync).

One place is one iTIP object with one UID (`place_uid`). Its SEQUENCE is
`session.revision + enrolment.revision`: the engine raises the session's revision on every
change of time, place or mode and on cancellation, and the enrolment's on a mode change and
when a held place ends, so every update and the final CANCEL carry a higher SEQUENCE than
anything sent before for that place.

Which iTIP method a message needs (`method_for`), decided at send time from the place as it
is then (an older message never re-announces a place that has since ended):

    kind (to the participant)                      place now                     method
    enrolment_confirmed (also an accepted offer),  confirmed                     REQUEST
      promoted, approved, mode_changed,
      session_changed
    reminder, waitlisted, offer, offer_declined,   confirmed                     None
      approval_pending (nothing new to say)
    cancelled, session_cancelled, approval_*,      not confirmed, was confirmed  CANCEL
      offer_expired, a move back to the waitlist,    before (confirmed_at set)
      or any other kind
    any kind                                       never confirmed               None
    approval_requested, team_booking_summary,      (to someone else)             None
      in_company_requested

Pending approvals and open offers get no invite: the person may still lose the place, and a
REQUEST followed by a CANCEL would be noise. "Confirmed" means the enrolment is confirmed and
the session still scheduled.

Times are written with TZID=Europe/Amsterdam and our own VTIMEZONE (see timezone.py). A time
in the repeated autumn hour's second occurrence cannot be written as Amsterdam wall time
(RFC 5545 3.3.5 reads an ambiguous local time as the first occurrence): it is written in UTC.

A multi-day session is one recurring event: a master VEVENT with the first meeting's
DTSTART/DTEND and an RDATE per other meeting, plus one VEVENT per meeting with RECURRENCE-ID
= its start and its own DTSTART/DTEND, so meetings of different lengths come out right. A
CANCEL cancels the whole series: the master with its RDATEs only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from booking.calendar.timezone import vtimezone
from booking.core.db import utcnow
from booking.core.timez import AMSTERDAM
from booking.core.urls import external_url
from booking.enrolment.messages import MessageKind
from booking.enrolment.messages.context import Batch
from booking.enrolment.messages.kinds import FAMILY as ENROLMENT_MESSAGES
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.notifications.registry import Invite, register_attachment
from booking.scheduling.models import SeatMode, Session, SessionStatus

REQUEST, CANCEL = "REQUEST", "CANCEL"
K = MessageKind

PLACE_KINDS = frozenset(
    {
        K.ENROLMENT_CONFIRMED,
        K.PROMOTED,
        K.APPROVED,
        K.MODE_CHANGED,
        K.SESSION_CHANGED,
    }
)
TO_OTHERS = frozenset({K.APPROVAL_REQUESTED, K.TEAM_BOOKING_SUMMARY, K.IN_COMPANY_REQUESTED})


# -- identity and state -------------------------------------------------------------------------


def domain() -> str:
    return current_app.config["CENTRE_EMAIL"].rpartition("@")[2] or "booking.local"


def place_uid(enrolment: Enrolment) -> str:
    """Stable per place: the invite, its updates, its CANCEL and the feed share it."""
    return f"enrolment-{enrolment.id}@{domain()}"


def session_uid(session: Session) -> str:
    """The organisers' feed: one event per session."""
    return f"session-{session.id}@{domain()}"


def sequence(enrolment: Enrolment) -> int:
    return enrolment.session.revision + enrolment.revision


def holds_confirmed_place(enrolment: Enrolment) -> bool:
    return (
        enrolment.status == EnrolmentStatus.CONFIRMED
        and enrolment.session.status == SessionStatus.SCHEDULED
    )


def method_for(kind: str, enrolment: Enrolment | None) -> str | None:
    """REQUEST, CANCEL or None for a message of `kind` to the participant (table above)."""
    if enrolment is None or kind in TO_OTHERS:
        return None
    if holds_confirmed_place(enrolment):
        return REQUEST if kind in PLACE_KINDS else None
    if enrolment.confirmed_at is not None:  # it had a place (and an invite): take it back
        return CANCEL
    return None


def invite_for_message(message) -> tuple[str, str] | None:
    """(ics, method) for an outbox message, or None; only messages to the participant
    themselves carry their place's invite (not the team leader's approval request)."""
    enrolment = message.enrolment
    if enrolment is None or message.user_id != enrolment.user_id:
        return None
    method = method_for(message.kind, enrolment)
    if method is None:
        return None
    return invite(enrolment, method), method


def message_invite(message, batch: Batch) -> Invite | None:
    """The attachment of an enrolment message (registered with notifications): the invite,
    or its cancellation, of the recipient's own place, when the kind has one. Reads only the
    batch the renderer loaded, in the message's language."""
    enrolment = batch.enrolment_of(message)
    if enrolment is None or enrolment.user_id != message.user_id:
        return None
    method = method_for(message.kind, enrolment)
    if method is None:
        return None
    return Invite(invite(enrolment, method, language=message.language), method)


def register(app: Flask) -> None:
    register_attachment(app, ENROLMENT_MESSAGES, message_invite)


def current_method(enrolment: Enrolment) -> str:
    """The invite as it stands: REQUEST while the place is confirmed, else CANCEL."""
    return REQUEST if holds_confirmed_place(enrolment) else CANCEL


# -- times --------------------------------------------------------------------------------------


def ical_time(value: datetime) -> datetime:
    """Amsterdam wall time, or UTC for the second pass through the repeated autumn hour."""
    local = value.astimezone(AMSTERDAM)
    return value.astimezone(UTC) if local.fold else local


def stamp(value: datetime) -> datetime:
    """DTSTAMP and LAST-MODIFIED are UTC, to the second."""
    return value.astimezone(UTC).replace(microsecond=0)


# -- place texts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    location: str
    join_url: str | None  # only for a confirmed online place


def in_person_location(session: Session) -> str:
    venue, room = session.venue, session.room
    if venue is None:
        return ""
    parts = [venue.name, room.name if room is not None else None, venue.full_address]
    return ", ".join(p for p in parts if p)


def online_label(session: Session) -> str:
    online = session.online_venue
    provider = (online.provider or online.name) if online is not None else ""
    return _("Online via %(provider)s", provider=provider) if provider else _("Online")


def place_of(session: Session, mode: str, *, with_join_link: bool) -> Place:
    """Where the person goes: the venue for in person, the provider online. The meeting's
    real join link never goes into a calendar (issue 9): an invite lives on in mailboxes and
    calendars long after the window in which the link may be shown, so online places carry
    the place page (`with_join_link`: the course page, where the link appears in the hour
    before the start) instead."""
    if mode == SeatMode.ONLINE:
        label = online_label(session)
        link = course_link(session.course) if with_join_link else None
        return Place(label, link)
    return Place(in_person_location(session), None)


def course_link(course) -> str:
    """The course's page on this site (BASE_URL, or the request's host)."""
    return external_url("portal.course", slug=course.slug)


def description(*lines: str | None) -> str:
    """Plain text: the given paragraphs that are not empty, a blank line between."""
    return "\n\n".join(line.strip() for line in lines if line and line.strip())


# -- events -------------------------------------------------------------------------------------


def series(meetings: Sequence, fill: Callable[[Event], None], *, master_only=False) -> list:
    """One VEVENT for one meeting; for several, the master (RDATEs) plus one VEVENT per
    meeting with RECURRENCE-ID. `fill` adds what every VEVENT of the UID says."""
    meetings = sorted(meetings, key=lambda m: m.starts_at)
    first = meetings[0]
    master = Event()
    fill(master)
    master.add("dtstart", ical_time(first.starts_at))
    master.add("dtend", ical_time(first.ends_at))
    for meeting in meetings[1:]:
        master.add("rdate", ical_time(meeting.starts_at))  # one line each: TZID or UTC
    if len(meetings) == 1 or master_only:
        return [master]
    events = [master]
    for meeting in meetings:
        instance = Event()
        fill(instance)
        instance.add("recurrence-id", ical_time(meeting.starts_at))
        instance.add("dtstart", ical_time(meeting.starts_at))
        instance.add("dtend", ical_time(meeting.ends_at))
        events.append(instance)
    return events


def new_calendar(method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['CENTRE_NAME']}//Booking//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    return calendar


def _span(meetings: Sequence) -> tuple[datetime, datetime]:
    if not meetings:
        return utcnow(), utcnow()
    return min(m.starts_at for m in meetings), max(m.ends_at for m in meetings)


def finish(calendar: Calendar, events: list, meetings: Sequence) -> str:
    """VTIMEZONE first (covering every meeting), then the events; CRLF text."""
    calendar.add_component(vtimezone(*_span(meetings)))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def finish_text(calendar: Calendar, blocks: Sequence[str], meetings: Sequence) -> str:
    """As `finish`, with the events already written as text (see `EventTexts`)."""
    head = calendar.to_ical().decode("utf-8")
    end = "END:VCALENDAR\r\n"
    if not head.endswith(end):  # pragma: no cover - icalendar always ends a calendar so
        raise ValueError("unexpected end of a VCALENDAR")
    zone = vtimezone(*_span(meetings)).to_ical().decode("utf-8")
    return head[: -len(end)] + zone + "".join(blocks) + end


class EventTexts:
    """The VEVENT text of a place or session, remembered by everything it is made from.

    Writing iCalendar with the icalendar library costs about a millisecond per event, which
    makes a feed of hundreds of places slow to build on every poll. A feed entry is a pure
    function of its inputs (UID, SEQUENCE, stamps, texts, meeting times), so the key *is*
    those inputs: a changed place has a new key, and a stale text cannot be served. Bounded
    (least recently used out), per process; thread-safe for threaded servers.
    """

    def __init__(self, size: int = 20_000):
        self.size = size
        self._texts: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple, build: Callable[[], list[Event]]) -> str:
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
                self.hits += 1
                return text
        text = "".join(event.to_ical().decode("utf-8") for event in build())
        with self._lock:
            self.misses += 1
            self._texts[key] = text
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return text

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()
            self.hits = self.misses = 0


def organizer() -> vCalAddress:
    address = vCalAddress(f"mailto:{current_app.config['CENTRE_EMAIL']}")
    address.params["CN"] = vText(current_app.config["CENTRE_NAME"])
    return address


def attendee(person, method: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    if method == REQUEST:
        address.params["PARTSTAT"] = "ACCEPTED"  # they enrolled: nothing to answer
    address.params["RSVP"] = "FALSE"
    return address


def place_description(enrolment: Enrolment, place: Place, method: str | None) -> str:
    session, course = enrolment.session, enrolment.session.course
    note = None
    if method == CANCEL:
        note = (
            _("This session has been cancelled.")
            if session.status == SessionStatus.CANCELLED
            else _("This place has been cancelled.")
        )
    elif enrolment.status == EnrolmentStatus.PENDING_APPROVAL:
        note = _("Your place is held while your team leader decides.")
    elif enrolment.status == EnrolmentStatus.OFFERED:
        note = _("This place is offered to you: accept it in time to keep it.")
    link = course_link(course)
    return description(
        note,
        course.summary,
        _(
            "The join link appears on your place page an hour before the start: %(url)s",
            url=place.join_url,
        )
        if place.join_url
        else None,
        _("More information: %(url)s", url=link) if link and not place.join_url else None,
    )


def invite(
    enrolment: Enrolment, method: str, *, now: datetime | None = None, language: str | None = None
) -> str:
    """One VCALENDAR with METHOD `method` (REQUEST or CANCEL) for this person's place, in
    `language` (the message's) or else theirs. The join link appears only in the REQUEST of
    an online place."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    session, person = enrolment.session, enrolment.user
    meetings = list(session.meetings)
    with force_locale(language or person.language or "nl"):
        place = place_of(session, enrolment.mode, with_join_link=method == REQUEST)
        text = place_description(enrolment, place, method)
        dtstamp = stamp(now or utcnow())

        def fill(event: Event) -> None:
            event.add("uid", place_uid(enrolment))
            event.add("dtstamp", dtstamp)
            event.add("sequence", sequence(enrolment))
            event.add("organizer", organizer())
            event.add("attendee", attendee(person, method))
            event.add("summary", session.course.title)
            event.add("status", "CONFIRMED" if method == REQUEST else "CANCELLED")
            event.add("transp", "OPAQUE")
            if place.location:
                event.add("location", place.location)
            if place.join_url:
                event.add("url", place.join_url)
            if text:
                event.add("description", text)

        events = series(meetings, fill, master_only=method == CANCEL)
        return finish(new_calendar(method), events, meetings)
