"""Read-only: events, their programme in slots with free places, registrations with their
choices. A fixed number of statements whatever the number of items or registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from booking.catalogue.models import Course
from booking.enrolment import places
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
