"""Sessions: anyone lists what they may see; organisers schedule, change and cancel sessions.
Their shapes are here too: what a client sends and what it gets back."""

from __future__ import annotations

from typing import Literal

from flask import url_for
from pydantic import Field, field_validator

from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import (
    Id,
    Input,
    Int32,
    LocalTime,
    Moment,
    Output,
    Page,
    PageQuery,
    PerMode,
    QueryFrom,
    QueryId,
    QueryTo,
    ReasonIn,
    Text,
)
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.core.timez import iso_local
from booking.enrolment import organiser
from booking.enrolment.counts import waitlist_counts
from booking.scheduling.models import (
    SEAT_MODES_BY_SESSION_MODE,
    Promotion,
    SeatMode,
    Session,
    SessionMode,
    Visibility,
)
from booking.scheduling.queries import list_sessions, session_detail
from booking.scheduling.services import (
    MeetingData,
    SessionData,
    lock_session,
    schedule_session,
    update_session,
)

# -- shapes: input ------------------------------------------------------------------------------


class MeetingIn(Input):
    starts_at: Moment
    ends_at: Moment


class CapacityIn(Input):
    """Places per attendance mode; a mode the session does not offer is left out, null or 0."""

    in_person: Int32 | None = None
    online: Int32 | None = None


class SessionIn(Input):
    course_id: Id
    mode: SessionMode
    capacity: CapacityIn
    meetings: list[MeetingIn] = Field(max_length=1000, description="One per day, in any order.")
    venue_id: Id | None = Field(None, description="Physical venue (physical and hybrid).")
    room_id: Id | None = Field(None, description="Room of that venue (physical and hybrid).")
    online_venue_id: Id | None = Field(None, description="Online venue (online and hybrid).")
    cancellation_deadline: Moment | None = None
    enrolment_opens_at: Moment | None = None
    enrolment_closes_at: Moment | None = None
    visibility: Visibility = Visibility.OPEN
    organisation_id: Id | None = Field(None, description="For visibility 'organisation'.")
    team_id: Id | None = Field(None, description="For visibility 'team'.")
    min_participants: Int32 = 0
    promotion: Promotion = Promotion.AUTO
    event_id: Id | None = None
    notes: Text = ""


class SessionPatch(Input):
    """Any subset of the session's fields. `capacity` is merged per mode with the current
    capacity (send a mode as null to drop it); `meetings` replaces all meetings. A change of
    time, place or mode raises `revision`."""

    course_id: Id = None  # type: ignore[assignment]
    mode: SessionMode = None  # type: ignore[assignment]
    capacity: CapacityIn = None  # type: ignore[assignment]
    meetings: list[MeetingIn] = Field(None, max_length=1000)  # type: ignore[assignment]
    venue_id: Id | None = None
    room_id: Id | None = None
    online_venue_id: Id | None = None
    cancellation_deadline: Moment | None = None
    enrolment_opens_at: Moment | None = None
    enrolment_closes_at: Moment | None = None
    visibility: Visibility = None  # type: ignore[assignment]
    organisation_id: Id | None = None
    team_id: Id | None = None
    min_participants: Int32 = None  # type: ignore[assignment]
    promotion: Promotion = None  # type: ignore[assignment]
    event_id: Id | None = None
    notes: Text = None  # type: ignore[assignment]

    @field_validator(
        "course_id",
        "mode",
        "capacity",
        "meetings",
        "visibility",
        "min_participants",
        "promotion",
        "notes",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError("This field cannot be null; leave it out to keep it.")
        return value


class SessionQuery(PageQuery):
    course: QueryId | None = Field(None, description="Course id.")
    starts_from: QueryFrom | None = Field(
        None,
        alias="from",
        description="Sessions starting at or after this moment; a date means from the start "
        "of that day in Europe/Amsterdam. A date-time needs an offset.",
    )
    starts_to: QueryTo | None = Field(
        None,
        alias="to",
        description="Sessions starting before this moment; a date includes that whole day.",
    )
    mode: Literal["physical", "online", "hybrid", "in_person"] | None = Field(
        None,
        description="A session mode (physical, online, hybrid), or in_person: sessions "
        "with in-person places. 'online' is the session mode.",
    )
    available: bool | None = Field(
        None,
        description="true: with a free place (of that attendance mode, for in_person); "
        "false: full.",
    )


# -- shapes: output -----------------------------------------------------------------------------


class MeetingOut(Output):
    starts_at: LocalTime
    ends_at: LocalTime


class Ref(Output):
    id: int
    name: str


class CourseRef(Output):
    id: int
    slug: str
    title: str


class PlaceOut(Output):
    id: int
    name: str
    address: str | None
    postcode: str | None
    city: str | None
    full_address: str
    directions: str


class RoomRef(Output):
    id: int
    name: str
    capacity: int


class OnlinePlaceOut(Output):
    id: int
    name: str
    provider: str | None
    join_url: str | None = Field(description="Only for organisers and administrators.")


class SessionOut(Output):
    id: int
    course_id: int
    course: CourseRef
    event_id: int | None
    mode: str
    status: str
    visibility: str
    organisation: Ref | None
    team: Ref | None
    starts_at: LocalTime
    ends_at: LocalTime
    meetings: list[MeetingOut]
    capacity: PerMode = Field(description="0 for a mode the session does not offer.")
    confirmed: PerMode
    free: PerMode
    waitlist: PerMode = Field(description="People waiting, per mode.")
    venue_id: int | None
    room_id: int | None
    online_venue_id: int | None
    venue: PlaceOut | None
    room: RoomRef | None
    online_venue: OnlinePlaceOut | None
    enrolment_opens_at: LocalTime | None
    enrolment_closes_at: LocalTime | None
    cancellation_deadline: LocalTime | None
    min_participants: int
    promotion: str
    revision: int = Field(description="Raised on every change of time, place or mode.")
    cancelled_at: LocalTime | None
    notes: str | None = Field(description="Only for organisers and administrators.")


class SessionList(Page):
    items: list[SessionOut]


# -- answers ------------------------------------------------------------------------------------


def _per_mode(value) -> PerMode:
    return PerMode(in_person=value(SeatMode.IN_PERSON), online=value(SeatMode.ONLINE))


def session_out(session: Session, user, waitlist: dict[str, int] | None = None) -> SessionOut:
    """Everything is loaded by the query helpers (selectinload): no query per session here;
    `waitlist` (people waiting per mode) comes from `waitlist_counts`, one query per list."""
    organiser = user is not None and user.is_organiser
    venue, room, online = session.venue, session.room, session.online_venue
    return SessionOut(
        id=session.id,
        course_id=session.course_id,
        course=CourseRef(
            id=session.course.id, slug=session.course.slug, title=session.course.title
        ),
        event_id=session.event_id,
        mode=session.mode,
        status=session.status,
        visibility=session.visibility,
        organisation=Ref(id=session.organisation.id, name=session.organisation.name)
        if session.organisation
        else None,
        team=Ref(id=session.team.id, name=session.team.name) if session.team else None,
        starts_at=iso_local(session.starts_at),
        ends_at=iso_local(session.ends_at),
        meetings=[
            MeetingOut(starts_at=iso_local(m.starts_at), ends_at=iso_local(m.ends_at))
            for m in session.meetings
        ],
        capacity=_per_mode(session.capacity),
        confirmed=_per_mode(session.confirmed),
        free=_per_mode(session.free),
        waitlist=PerMode(
            in_person=(waitlist or {}).get(SeatMode.IN_PERSON, 0),
            online=(waitlist or {}).get(SeatMode.ONLINE, 0),
        ),
        venue_id=session.venue_id,
        room_id=session.room_id,
        online_venue_id=session.online_venue_id,
        venue=PlaceOut(
            id=venue.id,
            name=venue.name,
            address=venue.address,
            postcode=venue.postcode,
            city=venue.city,
            full_address=venue.full_address,
            directions=venue.directions,
        )
        if venue
        else None,
        room=RoomRef(id=room.id, name=room.name, capacity=room.capacity) if room else None,
        online_venue=OnlinePlaceOut(
            id=online.id,
            name=online.name,
            provider=online.provider,
            join_url=online.join_url if organiser else None,
        )
        if online
        else None,
        enrolment_opens_at=iso_local(session.enrolment_opens_at),
        enrolment_closes_at=iso_local(session.enrolment_closes_at),
        cancellation_deadline=iso_local(session.cancellation_deadline),
        min_participants=session.min_participants,
        promotion=session.promotion,
        revision=session.revision,
        cancelled_at=iso_local(session.cancelled_at),
        notes=session.notes if organiser else None,
    )


def _answer(session_id: int, user, status: int = 200):
    session = session_detail(session_id, user)
    if session is None:
        raise NotFound("No such session.")
    location = url_for("api.get_session", session_id=session_id) if status == 201 else None
    waitlist = waitlist_counts([session_id])[session_id]
    return reply(session_out(session, user, waitlist), status, location=location)


# -- input to service data ----------------------------------------------------------------------


def _meetings(body: SessionIn | SessionPatch) -> list[MeetingData]:
    return [MeetingData(m.starts_at, m.ends_at) for m in body.meetings]


def _merged_capacity(session: Session, patch: SessionPatch) -> dict[str, int | None]:
    """Modes left out keep their capacity (if the new mode still offers them)."""
    mode = patch.mode if "mode" in patch.model_fields_set else session.mode
    offered = SEAT_MODES_BY_SESSION_MODE.get(mode, ())
    capacity: dict[str, int | None] = {
        s.mode: s.capacity for s in session.seats if s.mode in offered
    }
    given: CapacityIn = patch.capacity
    for key in given.model_fields_set:
        value = getattr(given, key)
        if value is None:
            capacity.pop(key, None)
        else:
            capacity[key] = value
    return capacity


# -- endpoints ----------------------------------------------------------------------------------


@api(
    bp,
    "/sessions",
    "GET",
    summary="List sessions",
    tag="sessions",
    query=SessionQuery,
    response=SessionList,
)
def get_sessions(user, query: SessionQuery):
    """Scheduled sessions the caller may see (anonymous callers: open sessions only), by start.
    `total` is null: the list is not counted; follow `has_more`."""
    found = list_sessions(
        user,
        course_id=query.course,
        starts_from=query.starts_from,
        starts_to=query.starts_to,
        mode=query.mode,
        available=query.available,
        limit=query.per_page + 1,
        offset=query.offset,
    )
    rows = found[: query.per_page]
    waitlists = waitlist_counts(s.id for s in rows)
    return reply(
        SessionList(
            items=[session_out(s, user, waitlists[s.id]) for s in rows],
            page=query.page,
            per_page=query.per_page,
            has_more=len(rows) < len(found),
        )
    )


@api(
    bp,
    "/sessions/<int:session_id>",
    "GET",
    summary="One session",
    tag="sessions",
    response=SessionOut,
)
def get_session(user, session_id: int):
    """A closed session the caller may not see is a 404, as if it did not exist."""
    return _answer(session_id, user)


@api(
    bp,
    "/sessions",
    "POST",
    summary="Schedule a session",
    tag="sessions",
    body=SessionIn,
    response=SessionOut,
    status=201,
    organiser=True,
)
def add_session(user, body: SessionIn):
    """Organisers schedule a session of a course: meetings, places per mode, venue and room."""
    fields = body.model_dump(exclude={"meetings", "capacity"})
    data = SessionData(**fields, meetings=_meetings(body), capacity=body.capacity.model_dump())

    def work() -> int:
        return schedule_session(data, actor=user).id

    return _answer(atomic(work), user, 201)


@api(
    bp,
    "/sessions/<int:session_id>",
    "PATCH",
    summary="Change a session",
    tag="sessions",
    body=SessionPatch,
    response=SessionOut,
    organiser=True,
)
def patch_session(user, session_id: int, body: SessionPatch):
    """Reschedule, move or resize a session: send only what changes. The result is checked as
    a whole (room free, room large enough, taken places kept)."""

    def work() -> None:  # one unit of work, retried as the page's save is
        session = lock_session(session_id)  # the same lock update_session takes; read under it
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        if "meetings" in changes:
            changes["meetings"] = _meetings(body)
        if "capacity" in changes:
            changes["capacity"] = _merged_capacity(session, body)
        update_session(session_id, changes, actor=user)

    atomic(work)
    return _answer(session_id, user)


@api(
    bp,
    "/sessions/<int:session_id>/cancel",
    "POST",
    summary="Cancel a session",
    tag="sessions",
    auth="token",
    body=ReasonIn,
    optional_body=True,
    response=SessionOut,
    organiser=True,
)
def cancel_session(user, session_id: int, body: ReasonIn):
    """Cancels every place, request and waitlist position and tells each person (with the
    reason). The body may be left out. Cancelling a cancelled session changes nothing."""

    def work() -> None:
        organiser.cancel_session(session_id, actor=user, reason=body.reason)

    atomic(work)
    return _answer(session_id, user)
