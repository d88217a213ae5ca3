"""Shapes of enrolments in the API: requests to enrol, cancel, decide, book a team; answers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool

from booking.api.schemas import (
    Id,
    Input,
    Int32,
    LocalTime,
    Moment,
    Output,
    Page,
    PageQuery,
    Text,
)
from booking.enrolment.models import EnrolmentStatus
from booking.scheduling.models import SeatMode

Email = Annotated[Text, Field(max_length=254, description="E-mail address (any case).")]
Reason = Annotated[Text, Field(max_length=2000)]

# -- input --------------------------------------------------------------------------------------


class EnrolIn(Input):
    """The whole body may be left out: then the caller enrols in a session with one mode."""

    mode: SeatMode | None = Field(
        None, description="in_person or online; may be left out when the session has one mode."
    )
    participant: Email | None = Field(
        None,
        description="Whom to enrol: a member of the caller's team (team leaders) or anyone "
        "(organisers). Left out: the caller.",
    )
    accept_online: StrictBool = Field(
        False,
        description="When in person is full but online has places: take an online place now "
        "and stay on the in-person waitlist.",
    )
    override_reason: Reason | None = Field(
        None, description="Organisers only: allow a place that overlaps another, and why."
    )


class ReasonIn(Input):
    """The body may be left out."""

    reason: Reason | None = None


class NoFieldsIn(Input):
    """No fields; the body may be left out or be `{}`."""


class MoveIn(Input):
    mode: SeatMode


class ReservationIn(Input):
    organisation_id: Id
    mode: SeatMode
    seats: Int32
    until: Moment = Field(description="Unused seats go back to everyone at this moment.")


class TeamBookingIn(Input):
    session_id: Id
    participants: list[Email] = Field(
        min_length=1, max_length=200, description="E-mail addresses, in the order to book."
    )
    mode: SeatMode | None = Field(None, description="May be left out when the session has one.")
    all_or_nothing: StrictBool = Field(
        False,
        description="true: book nobody unless everyone gets a place now (else 409 "
        "not_enough_places); false: as many as fit, the rest on the waitlist.",
    )


StatusFilter = Literal[
    "active",
    "all",
    "pending_approval",
    "confirmed",
    "waitlisted",
    "offered",
    "cancelled",
    "declined",
    "expired",
]
assert set(StatusFilter.__args__) == {"active", "all", *EnrolmentStatus}


class MyEnrolmentsQuery(PageQuery):
    status: StatusFilter = Field(
        "active",
        description="One status, 'active' (pending, confirmed, waitlisted, offered; the "
        "default) or 'all'.",
    )
    upcoming: bool = Field(False, description="true: only sessions that have not ended.")


# -- output -------------------------------------------------------------------------------------


class SessionSummary(Output):
    id: int
    course_id: int
    course_title: str
    mode: str
    status: str
    starts_at: LocalTime
    ends_at: LocalTime


class EnrolmentOut(Output):
    id: int
    session_id: int
    participant: str = Field(description="The participant's e-mail address.")
    participant_name: str
    mode: str = Field(description="The seat held, or waited for when waitlisted.")
    status: str = Field(
        description="pending_approval, confirmed, waitlisted, offered, cancelled, declined "
        "or expired."
    )
    waitlist_position: int | None = Field(
        description="1 is next in line; for a confirmed place that also waits for the other "
        "mode (`waiting_for`), the position in that queue; else null."
    )
    waiting_for: str | None = Field(description="The other mode a confirmed participant awaits.")
    online_available: bool = Field(
        description="Waiting for an in-person place while online places are free; "
        "`accept_online: true` in the enrolment request takes such a place and keeps waiting."
    )
    offer_expires_at: LocalTime | None
    approval_expires_at: LocalTime | None
    confirmed_at: LocalTime | None
    cancelled_at: LocalTime | None
    late_cancel: bool = Field(description="Cancelled after the cancellation deadline.")
    booked_by: str | None = Field(description="E-mail address of whoever made the request.")
    created_at: LocalTime
    session: SessionSummary


class EnrolmentChange(EnrolmentOut):
    promoted: list[int] = Field(
        description="Enrolments that got the freed place (confirmed, offered or pending "
        "approval), in order."
    )


class EnrolmentList(Page):
    items: list[EnrolmentOut]


class TeamBookingLine(Output):
    participant: str
    participant_name: str
    outcome: str = Field(description="confirmed, waitlisted, already_enrolled or clash.")
    enrolment_id: int | None
    status: str | None
    waitlist_position: int | None


class TeamBookingOut(Output):
    session_id: int
    results: list[TeamBookingLine] = Field(description="One per participant, in the order sent.")


class RosterEntry(EnrolmentOut):
    organisation: str | None
    team: str | None


class RosterWaitlist(Output):
    in_person: list[RosterEntry]
    online: list[RosterEntry]


class ReservationOut(Output):
    id: int
    session_id: int
    organisation_id: int
    organisation_name: str
    mode: str
    seats: int
    used: int
    remaining: int
    until: LocalTime
    released_at: LocalTime | None


class RosterOut(Output):
    session_id: int
    confirmed: list[RosterEntry] = Field(description="By name.")
    pending: list[RosterEntry] = Field(description="Holding a place until approved.")
    offered: list[RosterEntry] = Field(description="Holding a place until accepted.")
    waitlist: RosterWaitlist = Field(description="Per mode, in order (position 1 first).")
    reservations: list[ReservationOut]
