"""Shapes of sessions in the API: what a client sends and what it gets back."""

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
from booking.scheduling.models import Promotion, SessionMode, Visibility

# -- input --------------------------------------------------------------------------------------


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


# Patch fields that may be sent as null (to clear them); the others may only be left out.
NULLABLE_IN_PATCH = {
    "venue_id",
    "room_id",
    "online_venue_id",
    "cancellation_deadline",
    "enrolment_opens_at",
    "enrolment_closes_at",
    "organisation_id",
    "team_id",
    "event_id",
}


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


# -- output -------------------------------------------------------------------------------------


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
