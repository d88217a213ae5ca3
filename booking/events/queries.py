"""Read-only: events, their programme in slots with free places, registrations with their
choices. A fixed number of statements whatever the number of items or registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from booking.accounts.models import User
from booking.catalogue.models import Course
from booking.enrolment import places
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.events.models import EventChoice, EventRegistration, RegistrationStatus
from booking.extensions import db
from booking.scheduling.models import Event, Session, SessionStatus
from booking.scheduling.queries import free_places, visible_to


@dataclass
class Slot:
    starts_at: datetime
    ends_at: datetime
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Programme:
    event: Event
    slots: list[Slot]
    free: dict[tuple[int, str], int]  # (session id, seat mode) -> free places for the reader

    def free_for(self, session_id: int, mode: str) -> int:
        return self.free.get((session_id, mode), 0)

    @property
    def width(self) -> int:
        return max((len(slot.sessions) for slot in self.slots), default=0)


def slots_of(sessions: list[Session]) -> list[Slot]:
    """Sessions with the same start and end form one slot (booking.events.services)."""
    slots: dict[tuple[datetime, datetime], Slot] = {}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        key = (session.starts_at, session.ends_at)
        slots.setdefault(key, Slot(*key)).sessions.append(session)
    return list(slots.values())


def programme(event: Event, user) -> Programme:
    sessions = list(
        db.session.scalars(
            select(Session)
            .where(
                Session.event_id == event.id,
                Session.status == SessionStatus.SCHEDULED,
                visible_to(user),
            )
            .options(
                selectinload(Session.course).selectinload(Course.speakers),
                selectinload(Session.speakers),
                selectinload(Session.seats),
            )
        )
    )
    return Programme(event, slots_of(sessions), free_places(user, [s.id for s in sessions]))


def event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def all_events() -> list[Event]:
    return list(db.session.scalars(select(Event).order_by(Event.starts_at, Event.title)))


def _with_choices(query):
    return query.options(
        joinedload(EventRegistration.user),
        selectinload(EventRegistration.choices).joinedload(EventChoice.enrolment),
    )


def registration(registration_id: int) -> EventRegistration | None:
    return db.session.scalar(
        _with_choices(select(EventRegistration).where(EventRegistration.id == registration_id))
    )


def active_registration(event_id: int, user_id: int) -> EventRegistration | None:
    return db.session.scalar(
        _with_choices(
            select(EventRegistration).where(
                EventRegistration.event_id == event_id,
                EventRegistration.user_id == user_id,
                EventRegistration.status == RegistrationStatus.ACTIVE,
            )
        )
    )


def queue_positions(registration: EventRegistration) -> dict[int, int]:
    return places.positions([choice.enrolment_id for choice in registration.choices])


# -- the organisers' pages ----------------------------------------------------------------------


@dataclass
class EventRow:
    event: Event
    items: int  # scheduled programme items


def events_for_organisers() -> list[EventRow]:
    """Every event with its number of programme items: one statement. Events without dates
    last, then by start."""
    items = (
        select(func.count(Session.id))
        .where(Session.event_id == Event.id, Session.status == SessionStatus.SCHEDULED)
        .correlate(Event)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Event, items).order_by(Event.starts_at.is_(None), Event.starts_at, Event.title)
    )
    return [EventRow(event, count) for event, count in rows]


@dataclass
class ManagedProgramme:
    event: Event
    slots: list[Slot]
    waiting: dict[int, int]  # session id -> people on its waitlist
    cancelled: list[Session]


def managed_programme(event_id: int) -> ManagedProgramme | None:
    """The event's items with their seats, room and waitlist length, for its organisers
    (every item, whoever it is closed to): four statements whatever the programme's size."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    sessions = list(
        db.session.scalars(
            select(Session)
            .where(Session.event_id == event.id)
            .options(
                selectinload(Session.course),
                selectinload(Session.seats),
                selectinload(Session.room),
            )
        )
    )
    rows = db.session.execute(
        select(Enrolment.session_id, func.count(Enrolment.id))
        .join(Session, Session.id == Enrolment.session_id)
        .where(Session.event_id == event.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .group_by(Enrolment.session_id)
    )
    waiting = {session_id: count for session_id, count in rows}
    scheduled = [s for s in sessions if s.status == SessionStatus.SCHEDULED]
    cancelled = [s for s in sessions if s.status != SessionStatus.SCHEDULED]
    return ManagedProgramme(event, slots_of(scheduled), waiting, cancelled)


@dataclass
class Registrations:
    event: Event
    registrations: list[EventRegistration]
    positions: dict[int, int]  # enrolment id -> place on its waitlist


def registrations_of(event: Event) -> Registrations:
    """Who registered (active first, then cancelled), their choices with the item and the
    status of each, and waitlist positions: a fixed number of statements for any number of
    registrations."""
    found = list(
        db.session.scalars(
            select(EventRegistration)
            .join(User, User.id == EventRegistration.user_id)
            .where(EventRegistration.event_id == event.id)
            .order_by(EventRegistration.status, User.name, EventRegistration.id)
            .options(
                joinedload(EventRegistration.user).joinedload(User.organisation),
                selectinload(EventRegistration.choices)
                .joinedload(EventChoice.enrolment)
                .joinedload(Enrolment.session)
                .joinedload(Session.course),
            )
        )
    )
    waiting = [
        choice.enrolment_id
        for registration in found
        for choice in registration.choices
        if choice.enrolment.status == EnrolmentStatus.WAITLISTED or choice.enrolment.waiting_for
    ]
    return Registrations(event, found, places.positions(waiting))
