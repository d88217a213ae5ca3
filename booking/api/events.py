"""Events and registrations for them: organisers create and change events; participants
(or their team leader, or an organiser) register with one choice per slot, change the
choices and cancel. The rules are `booking.events.services`'."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from pydantic import Field, StrictInt, model_validator

from booking.accounts.models import User
from booking.api import bp
from booking.api.enrolments import participant_key
from booking.api.registry import api, reply
from booking.api.schemas import (
    Email,
    Id,
    Input,
    LocalTime,
    Moment,
    Output,
    PerMode,
    ReasonIn,
    Text,
)
from booking.api.speakers import SpeakerOut, speaker_out
from booking.core.db import atomic
from booking.core.errors import NotFound, PermissionDenied
from booking.core.timez import iso_local
from booking.enrolment.common import may_read
from booking.enrolment.models import EnrolmentStatus
from booking.events import queries, services
from booking.events.models import EventRegistration, RegistrationStatus
from booking.extensions import db
from booking.scheduling.models import Event, EventKind, SeatMode

EVENTS = "events"

# -- shapes -------------------------------------------------------------------------------------


class EventIn(Input):
    title: Text = Field(min_length=1, max_length=200)
    kind: EventKind
    description: Text = Field("", max_length=20_000)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    capacity: StrictInt | None = Field(None, ge=1, le=1_000_000)
    registration_deadline: Moment | None = None


class EventPatch(Input):
    title: Text | None = Field(None, min_length=1, max_length=200)
    kind: EventKind | None = None
    description: Text | None = Field(None, max_length=20_000)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    capacity: StrictInt | None = Field(None, ge=1, le=1_000_000)
    registration_deadline: Moment | None = None

    @model_validator(mode="after")
    def _not_null(self):
        for name in ("title", "kind", "description"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self


class ItemOut(Output):
    id: int
    title: str
    course_id: int
    speaker: str | None
    speakers: list[SpeakerOut] = Field(description="The item's own speakers, else the course's.")
    mode: str
    free: PerMode


class SlotOut(Output):
    starts_at: LocalTime
    ends_at: LocalTime
    sessions: list[ItemOut]


class EventOut(Output):
    id: int
    slug: str
    title: str
    kind: str
    description: str
    starts_at: LocalTime | None
    ends_at: LocalTime | None
    capacity: int | None
    registered: int
    registration_deadline: LocalTime | None
    cancelled_at: LocalTime | None = Field(description="Set once an organiser cancelled it.")
    cancel_reason: str
    slots: list[SlotOut]


class EventList(Output):
    items: list[EventOut]


class RegistrationIn(Input):
    choices: list[Id] = Field(default_factory=list, max_length=100)
    mode: SeatMode | None = Field(None, description="For hybrid items: in_person or online.")
    participant: Email | None = Field(
        None,
        description="Whom to register: a member of the caller's team (team leaders) or anyone "
        "(organisers). Left out: the caller.",
    )


class ChoicesIn(Input):
    choices: list[Id] = Field(max_length=100)
    mode: SeatMode | None = None


class NoBody(Input):
    pass


class ChoiceOut(Output):
    session_id: int
    enrolment_id: int
    status: EnrolmentStatus
    mode: SeatMode
    waitlist_position: int | None


class RegistrationOut(Output):
    id: int
    event_id: int
    participant: str
    status: RegistrationStatus
    choices: list[ChoiceOut]


# -- answers ------------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    return iso_local(value) if value else None


def event_out(event: Event, user) -> EventOut:
    programme = queries.programme(event, user)
    return EventOut(
        id=event.id,
        slug=event.slug,
        title=event.title,
        kind=event.kind,
        description=event.description,
        starts_at=_moment(event.starts_at),
        ends_at=_moment(event.ends_at),
        capacity=event.capacity,
        registered=event.registered,
        registration_deadline=_moment(event.registration_deadline),
        cancelled_at=_moment(event.cancelled_at),
        cancel_reason=event.cancel_reason,
        slots=[
            SlotOut(
                starts_at=iso_local(slot.starts_at),
                ends_at=iso_local(slot.ends_at),
                sessions=[
                    ItemOut(
                        id=s.id,
                        title=s.course.title,
                        course_id=s.course_id,
                        speaker=s.course.speaker,
                        speakers=[speaker_out(p) for p in s.shown_speakers],
                        mode=s.mode,
                        free=PerMode(
                            in_person=programme.free_for(s.id, SeatMode.IN_PERSON),
                            online=programme.free_for(s.id, SeatMode.ONLINE),
                        ),
                    )
                    for s in slot.sessions
                ],
            )
            for slot in programme.slots
        ],
    )


def registration_out(registration: EventRegistration) -> RegistrationOut:
    positions = queries.queue_positions(registration)
    return RegistrationOut(
        id=registration.id,
        event_id=registration.event_id,
        participant=registration.user.email,
        status=registration.status,
        choices=[
            ChoiceOut(
                session_id=c.session_id,
                enrolment_id=c.enrolment_id,
                status=c.enrolment.status,
                mode=c.enrolment.mode,
                waitlist_position=positions.get(c.enrolment_id),
            )
            for c in registration.choices
        ],
    )


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_l("No such event."), code="event_not_found")
    return event


# -- events -------------------------------------------------------------------------------------


@api(bp, "/events", "GET", summary="Events", tag=EVENTS, response=EventList)
def list_events(user):
    """Every event with its programme in slots and the places free for the caller."""
    return reply(EventList(items=[event_out(e, user) for e in queries.all_events()]))


@api(
    bp,
    "/events",
    "POST",
    summary="Create an event",
    tag=EVENTS,
    organiser=True,
    body=EventIn,
    response=EventOut,
    status=201,
)
def create_event(user, body: EventIn):
    """Add programme items with `POST /sessions {..., "event_id"}`. Sessions with the same
    start and end form one slot. 422 `invalid_event` for inconsistent fields."""

    def work():
        event = services.create_event(services.EventData(**body.model_dump()), user)
        return event_out(event, user)

    answer = atomic(work)
    return reply(answer, 201, location=url_for("api.get_event", event_id=answer.id))


@api(bp, "/events/<int:event_id>", "GET", summary="One event", tag=EVENTS, response=EventOut)
def get_event(user, event_id: int):
    """The event with its programme: slots of parallel sessions, free places per item."""
    return reply(event_out(_event(event_id), user))


@api(
    bp,
    "/events/<int:event_id>",
    "PATCH",
    summary="Change an event",
    tag=EVENTS,
    organiser=True,
    body=EventPatch,
    response=EventOut,
)
def update_event(user, event_id: int, body: EventPatch):
    """Only the fields given change. A capacity below the number registered: 422."""

    def work():
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        return event_out(services.update_event(event_id, changes, user), user)

    return reply(atomic(work))


@api(
    bp,
    "/events/<int:event_id>/cancel",
    "POST",
    summary="Cancel an event",
    tag=EVENTS,
    organiser=True,
    body=ReasonIn,
    optional_body=True,
    response=EventOut,
)
def cancel_event(user, event_id: int, body: ReasonIn):
    """Cancels every programme item (each place and waitlist position, each person told
    with the reason and their invite's cancellation) and every registration; a registrant
    without a place is mailed too. The event stays, with `cancelled_at`. A repeat changes
    nothing. The body may be left out."""

    def work():
        return event_out(services.cancel_event(event_id, actor=user, reason=body.reason), user)

    return reply(atomic(work))


# -- registrations ------------------------------------------------------------------------------

REGISTRATION_ERRORS = {
    409: "`event_full` (the overall capacity is reached), `registration_closed` (after the "
    "deadline), `event_cancelled`, `registration_cancelled`, `clash` (a choice overlaps "
    "another place).",
    422: "`one_per_slot` (two choices in one slot), `not_in_programme`, `mode_required` "
    "(a hybrid item without `mode`).",
}


@api(
    bp,
    "/events/<int:event_id>/registrations",
    "POST",
    summary="Register for an event",
    tag=EVENTS,
    auth="token",
    body=RegistrationIn,
    optional_body=True,
    response=RegistrationOut,
    status=201,
    errors=REGISTRATION_ERRORS,
    repeat="The person is registered already: the existing registration, unchanged.",
)
def register(user, event_id: int, body: RegistrationIn):
    """Register the caller (or `participant`) once, with at most one choice per slot. Each
    choice is an enrolment: `confirmed`, `pending_approval`, or `waitlisted` with its
    `waitlist_position` when the item is full. A repeat: 200 with the existing registration."""
    participant = participant_key(user, body.participant)

    def work():
        outcome = services.register(
            event_id, participant, actor=user, choices=body.choices, mode=body.mode
        )
        return outcome.created, registration_out(outcome.registration)

    try:
        created, answer = atomic(work)
    except PermissionDenied as error:
        if error.code == "not_your_person" and isinstance(participant, str):
            raise NotFound(_l("No such person."), code="person_not_found") from error
        raise
    if not created:
        return reply(answer)
    location = url_for("api.get_event_registration", registration_id=answer.id)
    return reply(answer, 201, location=location)


def _readable(user: User, registration_id: int) -> EventRegistration:
    registration = queries.registration(registration_id)
    if registration is None or not may_read(user, registration.user):
        raise NotFound(_l("No such registration."), code="registration_not_found")
    return registration


@api(
    bp,
    "/event-registrations/<int:registration_id>",
    "GET",
    summary="One event registration",
    tag=EVENTS,
    auth="token",
    response=RegistrationOut,
)
def get_event_registration(user, registration_id: int):
    """For the participant, their team leader, HR of their organisation and organisers."""
    return reply(registration_out(_readable(user, registration_id)))


@api(
    bp,
    "/event-registrations/<int:registration_id>",
    "PUT",
    summary="Change the choices of an event registration",
    tag=EVENTS,
    auth="token",
    body=ChoicesIn,
    response=RegistrationOut,
    errors=REGISTRATION_ERRORS,
)
def change_event_registration(user, registration_id: int, body: ChoicesIn):
    """Unchanged choices keep their place; dropped ones are cancelled (their waitlist
    moves on); new ones are enrolled. Until the registration deadline."""
    _readable(user, registration_id)

    def work():
        registration = services.change_choices(
            registration_id, actor=user, choices=body.choices, mode=body.mode
        )
        return registration_out(registration)

    return reply(atomic(work))


@api(
    bp,
    "/event-registrations/<int:registration_id>/cancel",
    "POST",
    summary="Cancel an event registration",
    tag=EVENTS,
    auth="token",
    body=NoBody,
    optional_body=True,
    response=RegistrationOut,
)
def cancel_event_registration(user, registration_id: int, body: NoBody):
    """Cancels the registration and every choice; a repeat changes nothing."""
    _readable(user, registration_id)

    def work():
        return registration_out(services.cancel_registration(registration_id, actor=user))

    return reply(atomic(work))
