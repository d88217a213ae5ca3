"""A session as the API takes it and shows it: the request and answer shapes (pydantic, so
the OpenAPI document is generated from them) and `session_out`, which builds the answer from
what the list and detail queries loaded (no query per session)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

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
    Text,
)
from booking.api.speakers import SpeakerOut, speaker_out
from booking.core.timez import iso_local
from booking.scheduling.models import (
    Promotion,
    SeatMode,
    Session,
    SessionMode,
    Visibility,
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
    speaker_ids: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="The session's own speakers, in order; none: the course's.",
    )


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
    speaker_ids: list[Id] = Field(None, max_length=20)  # type: ignore[assignment]
    recording_url: Text | None = Field(
        None,
        max_length=500,
        description="After the session has ended: the recording's http(s) link, mailed once "
        "to every confirmed place (a corrected link is mailed again); null removes it.",
    )

    @field_validator(
        "course_id",
        "mode",
        "capacity",
        "meetings",
        "visibility",
        "min_participants",
        "promotion",
        "notes",
        "speaker_ids",
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
    id: int = Field(description="Names the meeting when attendance is recorded.")
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
    recording_url: str | None = None
    speaker_ids: list[int] = Field(description="The session's own speakers.")
    speakers: list[SpeakerOut] = Field(
        description="Who gives it: the session's own speakers, or else the course's."
    )


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
        recording_url=session.recording_url,
        speaker_ids=[s.id for s in session.speakers],
        speakers=[speaker_out(s) for s in session.shown_speakers],
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
            MeetingOut(id=m.id, starts_at=iso_local(m.starts_at), ends_at=iso_local(m.ends_at))
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
