"""Subscription feeds: a person's places at a secret address, and organisers' session lists.

A feed is a published calendar (RFC 5545), not an iTIP message: no METHOD, no ORGANIZER or
ATTENDEE (calendar programs would offer to answer them), and DTSTAMP is when the entry last
changed, so the same data gives the same text and the ETag means something.

The personal feed lists the places a person holds in scheduled sessions that ended less
than a year ago: confirmed places as CONFIRMED, and places held for them while a team leader
decides or an offer is open as TENTATIVE (they hold the seat and the time, and they become
the invite with the same UID once confirmed). The join link appears only with a confirmed
online place, as in the invites. Waitlist positions are not places and are left out.
Career conversations are in it too, booked ones only, for the booked person and for the
advisor (the same UID as their invites, `calendar.advising.booking_uid`), with the meeting
link for both.

Each feed is built from a fixed number of statements however many places there are: one for
the person, one for the places with their sessions, courses and venues (joined), one for
all their meetings (selectin; SQLAlchemy adds one per further 500 sessions), and two for
the conversations and their advisors' profiles.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from booking.accounts.models import User
from booking.advising.models import (
    AdvisorBooking,
    AdvisorProfile,
    AdvisorSlot,
    BookingStatus,
    place_of,
)
from booking.calendar import ics
from booking.calendar.advising import booking_uid
from booking.catalogue.models import Course
from booking.core.db import utcnow
from booking.core.labels import label
from booking.core.urls import external_url
from booking.enrolment.models import PLACED, Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling.labels import SEAT_MODES
from booking.scheduling.models import SeatMode, Session, SessionMode, SessionStatus
from booking.scheduling.queries import place_and_times

HISTORY = timedelta(days=365)  # places that ended longer ago drop out of the personal feed
TOKEN_BYTES = 32  # 43 characters of URL-safe base64
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


# -- the secret address -------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored of an address's secret: its SHA-256, as of an API token. The token is
    32 random bytes, so a plain digest (no salt, no slow hash) cannot be guessed back."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user: User) -> str:
    """A new secret address, returned this once: only its hash is kept, so a lost address is
    replaced, never shown again. It replaces the old one, which then finds nobody: a 404."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.calendar_token_hash = token_hash(token)
    db.session.flush()
    return token


def has_address(user: User) -> bool:
    return user.calendar_token_hash is not None


def user_by_token(token: str) -> User | None:
    """The active person whose address this is; a malformed token costs no query."""
    if not _TOKEN_SHAPE.fullmatch(token or ""):
        return None
    return db.session.scalar(
        select(User).where(User.calendar_token_hash == token_hash(token), User.active.is_(True))
    )


# -- the personal feed --------------------------------------------------------------------------


def places_of(user_id: int, now: datetime) -> list[Enrolment]:
    """The person's held places, soonest first, with everything the feed reads."""
    query = (
        select(Enrolment)
        .join(Enrolment.session)
        .where(
            Enrolment.user_id == user_id,
            Enrolment.status.in_(PLACED),
            Session.status == SessionStatus.SCHEDULED,
            Session.ends_at > now - HISTORY,
        )
        .options(
            contains_eager(Enrolment.session).options(
                *place_and_times(),
            )
        )
        .order_by(Session.starts_at, Enrolment.id)
    )
    return list(db.session.scalars(query).unique())


TEXTS = ics.EventTexts()


def _meeting_times(session: Session) -> tuple:
    return tuple((m.starts_at, m.ends_at) for m in session.meetings)


def _entry(key: tuple, meetings, properties: dict) -> str:
    """The VEVENT text of one feed entry; `key` names everything that goes into it."""

    def build() -> list[Event]:
        def fill(event: Event) -> None:
            for name, value in properties.items():
                if value is not None and value != "":
                    event.add(name, value)

        return ics.series(meetings, fill)

    return TEXTS.get(key, build)


def _place_text(enrolment: Enrolment) -> str:
    session = enrolment.session
    confirmed = enrolment.status == EnrolmentStatus.CONFIRMED
    place = ics.place_of(session, enrolment.mode, with_join_link=confirmed)
    changed = ics.stamp(max(enrolment.updated_at, session.updated_at))
    properties = {
        "uid": ics.place_uid(enrolment),
        "dtstamp": changed,
        "last-modified": changed,
        "sequence": ics.sequence(enrolment),
        "summary": session.course.title,
        "status": "CONFIRMED" if confirmed else "TENTATIVE",
        "transp": "OPAQUE",
        "location": place.location,
        "url": place.join_url,
        "description": ics.place_description(enrolment, place, None),
    }
    key = ("place", *properties.values(), _meeting_times(session))
    return _entry(key, session.meetings, properties)


def conversations_of(user_id: int, now: datetime) -> tuple[list[AdvisorBooking], dict]:
    """Booked career conversations the person has, or holds as the advisor, with the
    advisors' profiles (their meeting links)."""
    bookings = list(
        db.session.scalars(
            select(AdvisorBooking)
            .join(AdvisorBooking.slot)
            .where(
                AdvisorBooking.status == BookingStatus.BOOKED,
                or_(AdvisorBooking.user_id == user_id, AdvisorSlot.advisor_id == user_id),
                AdvisorSlot.ends_at > now - HISTORY,
            )
            .options(
                contains_eager(AdvisorBooking.slot).options(
                    joinedload(AdvisorSlot.advisor), joinedload(AdvisorSlot.venue)
                ),
                joinedload(AdvisorBooking.user),
            )
            .order_by(AdvisorSlot.starts_at, AdvisorBooking.id)
        ).unique()
    )
    advisor_ids = {b.slot.advisor_id for b in bookings}
    profiles = {}
    if advisor_ids:
        profiles = {
            p.user_id: p
            for p in db.session.scalars(
                select(AdvisorProfile).where(AdvisorProfile.user_id.in_(advisor_ids))
            )
        }
    return bookings, profiles


def _conversation_text(booking: AdvisorBooking, profile, user_id: int) -> str:
    slot = booking.slot
    other = booking.user if slot.advisor_id == user_id else slot.advisor
    place = place_of(slot, profile, with_link=True)
    changed = ics.stamp(max(booking.updated_at, slot.updated_at))
    properties = {
        "uid": booking_uid(booking),
        "dtstamp": changed,
        "last-modified": changed,
        "sequence": booking.revision,
        "summary": _("Career conversation with %(name)s", name=other.name),
        "status": "CONFIRMED",
        "transp": "OPAQUE",
        "location": place.url or place.location,
        "url": place.url,
        "description": _("Your career conversations: %(url)s", url=external_url("advising.index")),
    }
    key = ("conversation", *properties.values(), slot.starts_at, slot.ends_at)
    return _entry(key, [slot], properties)


def personal_feed(user: User, now: datetime | None = None) -> str:
    """Every place the person holds and every conversation booked, in their language."""
    now = now or utcnow()
    enrolments = places_of(user.id, now)
    conversations, profiles = conversations_of(user.id, now)
    with force_locale(user.language or "nl"):
        calendar = _published(_("%(centre)s: my sessions", centre=_centre()))
        blocks = [_place_text(enrolment) for enrolment in enrolments]
        blocks += [
            _conversation_text(b, profiles.get(b.slot.advisor_id), user.id) for b in conversations
        ]
        meetings = [m for enrolment in enrolments for m in enrolment.session.meetings]
        meetings += [b.slot for b in conversations]
        return ics.finish_text(calendar, blocks, meetings)


# -- the organisers' feed -----------------------------------------------------------------------


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def coming_sessions(now: datetime, course_id: int | None = None) -> list[Session]:
    """Scheduled sessions that have not ended, with what the feed reads, soonest first."""
    query = (
        select(Session)
        .where(Session.status == SessionStatus.SCHEDULED, Session.ends_at > now)
        .options(
            *place_and_times(),
            selectinload(Session.seats),
        )
        .order_by(Session.starts_at, Session.id)
    )
    if course_id is not None:
        query = query.where(Session.course_id == course_id)
    return list(db.session.scalars(query).unique())


def _seat_line(session: Session, mode: str) -> str:
    seats = session.seats_for(mode)
    line = _(
        "%(mode)s: %(confirmed)d of %(capacity)d places confirmed",
        mode=label(SEAT_MODES, mode).capitalize(),
        confirmed=seats.confirmed if seats else 0,
        capacity=seats.capacity if seats else 0,
    )
    if seats is not None and seats.held:
        line += " " + _("(%(held)d held)", held=seats.held)
    return line


def _people_link(session: Session) -> str:
    return external_url("enrolment_manage.people", session_id=session.id)


def _session_text(session: Session) -> str:
    places = []
    if session.mode in (SessionMode.PHYSICAL, SessionMode.HYBRID):
        places.append(ics.place_of(session, SeatMode.IN_PERSON, with_join_link=False))
    if session.mode in (SessionMode.ONLINE, SessionMode.HYBRID):
        places.append(ics.place_of(session, SeatMode.ONLINE, with_join_link=True))
    location = " / ".join(p.location for p in places if p.location)
    join_url = next((p.join_url for p in places if p.join_url), None)
    people = _people_link(session)
    text = ics.description(
        "\n".join(_seat_line(session, mode) for mode in session.seat_modes),
        _("Join online: %(url)s", url=join_url) if join_url else None,
        _("People: %(url)s", url=people) if people else None,
    )
    changed = ics.stamp(session.updated_at)
    properties = {
        "uid": ics.session_uid(session),
        "dtstamp": changed,
        "last-modified": changed,
        "sequence": session.revision,
        "summary": session.course.title,
        "status": "CONFIRMED",
        "transp": "OPAQUE",
        "location": location,
        "url": join_url,
        "description": text,
    }
    key = ("session", *properties.values(), _meeting_times(session))
    return _entry(key, session.meetings, properties)


def organiser_feed(user: User, course: Course | None = None, now: datetime | None = None) -> str:
    """Every coming scheduled session (or one course's), with its places taken."""
    sessions = coming_sessions(now or utcnow(), course.id if course else None)
    with force_locale(user.language or "nl"):
        name = (
            _("%(centre)s: sessions of %(course)s", centre=_centre(), course=course.title)
            if course
            else _("%(centre)s: all sessions", centre=_centre())
        )
        calendar = _published(name)
        blocks = [_session_text(session) for session in sessions]
        meetings = [m for session in sessions for m in session.meetings]
        return ics.finish_text(calendar, blocks, meetings)


# -- shared -------------------------------------------------------------------------------------


def _centre() -> str:
    return current_app.config["CENTRE_NAME"]


def _published(name: str):
    """A subscribed calendar: no METHOD; programs are asked to look again every hour."""
    calendar = ics.new_calendar(name=name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar
