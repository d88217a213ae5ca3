"""Events and registrations for them.

Organisers create and change events (`create_event`, `update_event`). A person registers
once per event (`register`), choosing at most one programme item per slot; every choice is
an enrolment made by the enrolment engine (`booking.enrolment.services.enrol`), so an item's
capacity per mode, waitlist, clashes, approvals and promotions are the engine's rules.

A slot is the set of the event's scheduled sessions with the same start and end: sessions
that overlap without sharing both times are separate slots (the engine's clash check still
keeps a person out of two of them at once).

Lock order: the event row first (`lock_event`), then each chosen session through the engine.
The engine's own paths (a promotion after a cancel) lock only a session, never an event, so
the two orders cannot deadlock. The event lock serialises registrations for one event: the
overall capacity is a counter (`Event.registered`) changed only under it, and a CHECK keeps
it within `Event.capacity` (invariant 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from booking.accounts.models import User
from booking.accounts.services import email_key
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from booking.core.models import audit
from booking.core.text import unique_slug
from booking.enrolment import organiser
from booking.enrolment import services as enrolment
from booking.enrolment.common import may_act_for
from booking.enrolment.models import ACTIVE, Enrolment
from booking.events.messages import EventMessage
from booking.events.models import EventChoice, EventRegistration, RegistrationStatus
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.models import Event, EventKind, Session, SessionStatus

# -- events -------------------------------------------------------------------------------------


@dataclass
class EventData:
    title: str
    kind: str
    description: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = None
    registration_deadline: datetime | None = None


EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_deadline",
)


def _check_event(event: Event, data: EventData) -> None:
    errors = {}
    if not data.title.strip():
        errors["title"] = _l("Give the event a title.")
    if data.kind not in tuple(EventKind):
        errors["kind"] = _l("Choose festival or symposium.")
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = _l("The capacity must be at least 1.")
    elif data.capacity is not None and data.capacity < (event.registered or 0):
        errors["capacity"] = _l(
            "%(count)s people are registered already; the capacity cannot be lower.",
            count=event.registered,
        )
    if data.starts_at and data.ends_at and data.ends_at < data.starts_at:
        errors["ends_at"] = _l("The event cannot end before it starts.")
    elif event.id is not None:
        _check_around_items(event, data, errors)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationError(first, code="invalid_event", fields=errors)


def _check_around_items(event: Event, data: EventData, errors: dict) -> None:
    """The dates keep every scheduled programme item inside them (the rule a session of an
    event meets in `booking.scheduling.checks`)."""
    first, last = db.session.execute(
        select(func.min(Session.starts_at), func.max(Session.ends_at)).where(
            Session.event_id == event.id, Session.status == SessionStatus.SCHEDULED
        )
    ).one()
    if first is None:
        return
    if data.starts_at and data.starts_at > first:
        errors["starts_at"] = _l("A programme item starts before this moment.")
    if data.ends_at and data.ends_at < last:
        errors["ends_at"] = _l("A programme item ends after this moment.")


def _apply(event: Event, data: EventData) -> None:
    for name in EVENT_FIELDS:
        value = getattr(data, name)
        setattr(event, name, value.strip() if isinstance(value, str) else value)


def create_event(data: EventData, actor: User) -> Event:
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can manage events."))
    event = Event(registered=0)
    _check_event(event, data)
    _apply(event, data)
    event.slug = unique_slug(Event, data.title)
    db.session.add(event)
    db.session.flush()
    audit(actor, "event.created", event, after={"title": event.title})
    return event


def update_event(event_id: int, changes: dict, actor: User) -> Event:
    """`changes`: any of EVENT_FIELDS. Under the event lock, so a lower capacity is checked
    against the registrations counted at that moment."""
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can manage events."))
    event = lock_event(event_id)
    data = EventData(**{name: getattr(event, name) for name in EVENT_FIELDS})
    for name, value in changes.items():
        setattr(data, name, value)
    _check_event(event, data)
    _apply(event, data)
    audit(actor, "event.updated", event, after={k: str(v) for k, v in changes.items()})
    return event


def cancel_event(
    event_id: int, *, actor: User, reason: str | None = None, now: datetime | None = None
) -> Event:
    """Cancel the event: every programme item through the engine's session cancellation
    (each place, request and waitlist position, each person told with the CANCEL of their
    invite), then every registration; a registrant who held no place in it is told by an
    event message. A repeat changes nothing. Lock order as everywhere: the event, then its
    sessions one by one."""
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can manage events."))
    event = lock_event(event_id)
    now = now or utcnow()
    if event.is_cancelled:
        return event
    reason = (reason or "").strip()
    note = (
        _l("The event %(title)s has been cancelled: %(reason)s", title=event.title, reason=reason)
        if reason
        else _l("The event %(title)s has been cancelled.", title=event.title)
    )
    sessions = db.session.scalars(
        select(Session.id).where(
            Session.event_id == event.id, Session.status == SessionStatus.SCHEDULED
        )
    ).all()
    told = set(
        db.session.scalars(
            select(Enrolment.user_id).where(
                Enrolment.session_id.in_(sessions), Enrolment.status.in_(ACTIVE)
            )
        )
    )
    for session_id in sessions:
        organiser.cancel_session(session_id, actor=actor, reason=str(note), now=now)
    registrations = db.session.scalars(
        select(EventRegistration)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.ACTIVE,
        )
        .options(joinedload(EventRegistration.user))
    ).all()
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at, registration.cancelled_by_id = now, actor.id
        if registration.user_id not in told:
            queue(registration.user, EventMessage.CANCELLED, event_id=event.id, reason=reason)
    event.registered = 0
    event.cancelled_at, event.cancel_reason = now, reason
    audit(
        actor,
        "event.cancelled",
        event,
        after={"reason": reason, "registrations": len(registrations)},
    )
    return event


def lock_event(event_id: int) -> Event:
    event = db.session.scalar(
        for_update(select(Event).where(Event.id == event_id)).execution_options(
            populate_existing=True
        )
    )
    if event is None:
        raise NotFound(_l("No such event."), code="event_not_found")
    return event


# -- slots --------------------------------------------------------------------------------------


def slot_key(session: Session) -> tuple[datetime, datetime]:
    return (session.starts_at, session.ends_at)


def _programme(event: Event) -> dict[int, Session]:
    sessions = db.session.scalars(
        select(Session).where(
            Session.event_id == event.id, Session.status == SessionStatus.SCHEDULED
        )
    )
    return {session.id: session for session in sessions}


def _check_choices(event: Event, choices: list[int]) -> list[Session]:
    """The chosen sessions, in programme order: each in the event, at most one per slot."""
    programme = _programme(event)
    unknown = [str(c) for c in choices if c not in programme]
    if unknown:
        message = _l(
            "These items are not in the event's programme: %(ids)s.", ids=", ".join(unknown)
        )
        raise ValidationError(message, code="not_in_programme", fields={"choices": message})
    chosen = sorted({programme[c] for c in choices}, key=lambda s: (s.starts_at, s.id))
    seen: set[tuple[datetime, datetime]] = set()
    for session in chosen:
        if slot_key(session) in seen:
            message = _l("Choose at most one item per time slot.")
            raise ValidationError(message, code="one_per_slot", fields={"choices": message})
        seen.add(slot_key(session))
    return chosen


def _check_open(event: Event) -> None:
    if event.is_cancelled:
        raise Conflict(_l("This event has been cancelled."), code="event_cancelled")


def _check_deadline(event: Event, actor: User, now: datetime) -> None:
    if event.registration_deadline and now > event.registration_deadline and not actor.is_organiser:
        raise Conflict(_l("Registration for this event has closed."), code="registration_closed")


def _mode_for(session: Session, mode: str | None) -> str | None:
    """The mode asked for where the item offers it; an item with one mode gets that one."""
    offered = session.seat_modes
    if len(offered) == 1:
        return offered[0]
    return mode


# -- registrations ------------------------------------------------------------------------------


@dataclass
class RegisterOutcome:
    registration: EventRegistration
    created: bool


def _person(participant: User | str) -> User:
    if isinstance(participant, User):
        return participant
    person = db.session.scalar(select(User).where(User.email == email_key(participant)))
    if person is None or not person.active:
        message = _l("No such person.")
        raise NotFound(message, code="person_not_found", fields={"participant": message})
    return person


def _active_registration(event_id: int, user_id: int) -> EventRegistration | None:
    return db.session.scalar(
        select(EventRegistration)
        .where(
            EventRegistration.event_id == event_id,
            EventRegistration.user_id == user_id,
            EventRegistration.status == RegistrationStatus.ACTIVE,
        )
        .options(selectinload(EventRegistration.choices).joinedload(EventChoice.enrolment))
        .execution_options(populate_existing=True)
    )


def register(
    event_id: int,
    participant: User | str,
    *,
    actor: User,
    choices: list[int],
    mode: str | None = None,
    now: datetime | None = None,
) -> RegisterOutcome:
    """Register once: a repeat returns the existing registration (created=False)."""
    event = lock_event(event_id)
    now = now or utcnow()
    person = _person(participant)
    if not may_act_for(actor, person):
        raise PermissionDenied(_l("You may not register this person."), code="not_your_person")
    existing = _active_registration(event.id, person.id)
    if existing is not None:
        return RegisterOutcome(existing, created=False)
    _check_open(event)
    _check_deadline(event, actor, now)
    chosen = _check_choices(event, choices)
    if event.capacity is not None and event.registered >= event.capacity:
        raise Conflict(_l("This event is full."), code="event_full")
    registration = EventRegistration(
        event=event, user=person, status=RegistrationStatus.ACTIVE, created_by_id=actor.id
    )
    db.session.add(registration)
    event.registered += 1
    for session in chosen:
        _choose(registration, session, person, actor, mode, now)
    db.session.flush()
    if actor.id != person.id:  # an organiser's (or team leader's) action on a person
        audit(
            actor,
            "event_registration.added",
            registration,
            after={"user_id": person.id, "choices": [s.id for s in chosen]},
        )
    return RegisterOutcome(registration, created=True)


def _choose(
    registration: EventRegistration,
    session: Session,
    person: User,
    actor: User,
    mode: str | None,
    now: datetime,
) -> None:
    outcome = enrolment.enrol(
        session.id, person, actor=actor, mode=_mode_for(session, mode), now=now
    )
    registration.choices.append(EventChoice(session_id=session.id, enrolment=outcome.enrolment))


def _lock_registration(registration_id: int, actor: User) -> tuple[Event, EventRegistration]:
    event_id = db.session.scalar(
        select(EventRegistration.event_id).where(EventRegistration.id == registration_id)
    )
    if event_id is None:
        raise NotFound(_l("No such registration."), code="registration_not_found")
    event = lock_event(event_id)
    registration = db.session.scalar(
        select(EventRegistration)
        .where(EventRegistration.id == registration_id)
        .options(selectinload(EventRegistration.choices).joinedload(EventChoice.enrolment))
        .execution_options(populate_existing=True)
    )
    if not may_act_for(actor, registration.user):
        raise PermissionDenied(_l("You may not change this registration."))
    return event, registration


def change_choices(
    registration_id: int,
    *,
    actor: User,
    choices: list[int],
    mode: str | None = None,
    now: datetime | None = None,
) -> EventRegistration:
    """Keep unchanged choices (and their place in a queue), cancel dropped ones through the
    engine (so their waitlists move), enrol the new ones. A kept choice whose enrolment has
    ended meanwhile (an offer that expired) is made again."""
    event, registration = _lock_registration(registration_id, actor)
    now = now or utcnow()
    if not registration.is_active:
        raise Conflict(_l("This registration has been cancelled."), code="registration_cancelled")
    _check_open(event)
    _check_deadline(event, actor, now)
    chosen = _check_choices(event, choices)
    wanted = {session.id for session in chosen}
    for choice in list(registration.choices):
        if choice.session_id not in wanted or not choice.enrolment.is_active:
            if choice.enrolment.is_active:
                enrolment.cancel(choice.enrolment_id, actor=actor, now=now)
            registration.choices.remove(choice)
    db.session.flush()  # dropped rows go before a session is chosen again
    kept = {choice.session_id for choice in registration.choices}
    for session in chosen:
        if session.id not in kept:
            _choose(registration, session, registration.user, actor, mode, now)
    db.session.flush()
    return registration


def cancel_registration(
    registration_id: int, *, actor: User, now: datetime | None = None
) -> EventRegistration:
    """Cancel the registration and every choice; a repeat changes nothing. Cancelling is
    allowed after the registration deadline (the engine applies a session's own
    cancellation deadline to each place)."""
    event, registration = _lock_registration(registration_id, actor)
    now = now or utcnow()
    if not registration.is_active:
        return registration
    for choice in registration.choices:
        if choice.enrolment.is_active:
            enrolment.cancel(choice.enrolment_id, actor=actor, now=now)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at, registration.cancelled_by_id = now, actor.id
    event.registered -= 1
    db.session.flush()
    if actor.id != registration.user_id:
        audit(
            actor,
            "event_registration.cancelled",
            registration,
            before={"status": RegistrationStatus.ACTIVE},
            after={"status": RegistrationStatus.CANCELLED},
        )
    return registration


def choice_enrolments(registration: EventRegistration) -> list[Enrolment]:
    return [choice.enrolment for choice in registration.choices]
