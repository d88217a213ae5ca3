"""Career conversations: advisors (or organisers for them) publish slots, staff book one,
cancel or move it. The rules are `booking.advising.services`'. An advisor's private notes are
never part of any answer here."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field

from booking.advising import advisors as advisor_profiles
from booking.advising import queries, services
from booking.advising.models import AdvisorBooking, AdvisorSlot, BookingStatus, SlotMode
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import Email, Id, Input, LocalTime, Moment, Output, QueryText
from booking.core.db import atomic, utcnow
from booking.core.errors import NotFound
from booking.core.timez import iso_local

ADVISING = "career conversations"

# -- shapes -------------------------------------------------------------------------------------


class AdvisorSlotIn(Input):
    advisor: Email = Field(description="The advisor's e-mail address (advisors: their own).")
    starts_at: Moment
    ends_at: Moment
    mode: SlotMode
    venue_id: Id | None = Field(None, description="For `in_person`: a physical venue.")


class AdvisorSlotCreated(Output):
    id: int


class AdvisorSlotOut(Output):
    id: int
    advisor: str = Field(description="The advisor's e-mail address.")
    advisor_name: str
    starts_at: LocalTime
    ends_at: LocalTime
    mode: SlotMode
    venue_id: int | None
    location: str | None = Field(description="The venue's name and address, for in person.")


class AdvisorSlotList(Output):
    items: list[AdvisorSlotOut]


class AdvisorSlotQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    available: bool = Field(
        True, description="Only free future slots (the only listing there is: true)."
    )
    advisor: QueryText | None = Field(None, description="Only this advisor's (e-mail).")


class AdvisorBookIn(Input):
    participant: Email | None = Field(
        None, description="Whom to book for (organisers only). Left out: the caller."
    )


class AdvisorMoveIn(Input):
    slot_id: Id = Field(description="Another free slot of the same advisor.")


class AdvisingNoBody(Input):
    pass


class AdvisorBookingOut(Output):
    id: int
    slot_id: int
    status: BookingStatus
    participant: str
    advisor: str
    starts_at: LocalTime
    ends_at: LocalTime
    mode: SlotMode
    meeting_url: str | None = Field(
        description="The advisor's meeting link of an online conversation: only for the "
        "booked person themselves, while it is booked; null for everyone else."
    )


# -- answers ------------------------------------------------------------------------------------


def slot_out(slot: AdvisorSlot) -> AdvisorSlotOut:
    venue = slot.venue
    return AdvisorSlotOut(
        id=slot.id,
        advisor=slot.advisor.email,
        advisor_name=slot.advisor.name,
        starts_at=iso_local(slot.starts_at),
        ends_at=iso_local(slot.ends_at),
        mode=slot.mode,
        venue_id=slot.venue_id,
        location=", ".join(p for p in (venue.name, venue.full_address) if p) if venue else None,
    )


def booking_out(booking: AdvisorBooking, reader) -> AdvisorBookingOut:
    slot = booking.slot
    link = None
    if booking.is_booked and slot.mode == SlotMode.ONLINE and reader.id == booking.user_id:
        profile = advisor_profiles.profile_of(slot.advisor_id)
        link = profile.meeting_url if profile is not None else None
    return AdvisorBookingOut(
        id=booking.id,
        slot_id=booking.slot_id,
        status=booking.status,
        participant=booking.user.email,
        advisor=slot.advisor.email,
        starts_at=iso_local(slot.starts_at),
        ends_at=iso_local(slot.ends_at),
        mode=slot.mode,
        meeting_url=link,
    )


def _readable(user, booking_id: int) -> AdvisorBooking:
    found = queries.booking(booking_id)
    if found is None or not queries.may_read_booking(user, found):
        raise NotFound(_l("No such booking."), code="booking_not_found")
    return found


# -- slots --------------------------------------------------------------------------------------


@api(
    bp,
    "/advisor-slots",
    "POST",
    summary="Publish an advisor slot",
    tag=ADVISING,
    auth="token",
    guard=services.require_agenda_keeper,
    body=AdvisorSlotIn,
    response=AdvisorSlotCreated,
    status=201,
    errors={
        403: "`not_your_agenda`: advisors publish only their own slots (organisers any).",
        404: "`not_an_advisor`: the e-mail address is not a career advisor's.",
        409: "`slot_overlaps`: another slot of the advisor overlaps this one.",
        422: "`invalid_slot` (30-90 minutes, in the future, a physical venue in person), "
        "`no_meeting_link` (online, but the advisor's profile has no meeting link).",
    },
)
def publish_slot(user, body: AdvisorSlotIn):
    """One slot of 30 to 90 minutes, online (the advisor's own meeting link) or in person."""

    def work():
        slot = services.publish_slot(
            body.advisor,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            mode=body.mode,
            venue_id=body.venue_id,
            actor=user,
        )
        return AdvisorSlotCreated(id=slot.id)

    answer = atomic(work)
    return reply(answer, 201, location=url_for("api.list_advisor_slots", advisor=body.advisor))


@api(
    bp,
    "/advisor-slots",
    "GET",
    summary="Free advisor slots",
    tag=ADVISING,
    auth="token",
    query=AdvisorSlotQuery,
    response=AdvisorSlotList,
)
def list_advisor_slots(user, query: AdvisorSlotQuery):
    """Free future slots in time order, optionally of one advisor (by e-mail). Who booked
    which slot is not shown."""
    advisor_id = None
    if query.advisor:
        advisor = advisor_profiles.advisor_by_email(query.advisor)
        if advisor is None:
            return reply(AdvisorSlotList(items=[]))
        advisor_id = advisor.id
    slots = queries.free_slots(utcnow(), advisor_id=advisor_id, limit=500)
    return reply(AdvisorSlotList(items=[slot_out(s) for s in slots]))


@api(
    bp,
    "/advisor-slots/<int:slot_id>/cancel",
    "POST",
    summary="Withdraw an advisor slot",
    tag=ADVISING,
    auth="token",
    body=AdvisingNoBody,
    optional_body=True,
    response=AdvisorSlotCreated,
    errors={
        403: "`not_your_agenda`: only the slot's advisor and organisers.",
        404: "`slot_not_found`.",
        409: "`slot_past`: the slot has started.",
    },
)
def cancel_advisor_slot(user, slot_id: int, body: AdvisingNoBody):
    """The booked person, if any, is told and their invite cancelled. A repeat changes
    nothing."""
    return reply(
        atomic(lambda: AdvisorSlotCreated(id=services.cancel_slot(slot_id, actor=user).id))
    )


# -- bookings -----------------------------------------------------------------------------------

BOOKING_ERRORS = {
    403: "`not_your_person`: only organisers book for someone else.",
    404: "`slot_not_found`, `person_not_found`, `booking_not_found`.",
    409: "`slot_taken` (someone else has it), `slot_unavailable` (withdrawn or started), "
    "`already_booked` (an open conversation with this advisor already), `too_late` (less than "
    "24 hours before), `conversation_past`, `booking_cancelled`.",
    422: "`own_slot` (an advisor cannot book their own slot), `other_advisor` (a move to "
    "another advisor's slot).",
}


@api(
    bp,
    "/advisor-slots/<int:slot_id>/booking",
    "POST",
    summary="Book an advisor slot",
    tag=ADVISING,
    auth="token",
    body=AdvisorBookIn,
    optional_body=True,
    response=AdvisorBookingOut,
    status=201,
    errors=BOOKING_ERRORS,
    repeat="The caller (or participant) has this slot already: the existing booking.",
)
def book_advisor_slot(user, slot_id: int, body: AdvisorBookIn):
    """Book the slot for the caller (or, organisers, `participant`). A repeat by the person
    who has it: 200 with the existing booking. Someone else has it: 409 `slot_taken`."""

    def work():
        outcome = services.book(slot_id, body.participant or user, actor=user)
        return outcome.created, booking_out(outcome.booking, user)

    created, answer = atomic(work)
    if not created:
        return reply(answer)
    return reply(answer, 201, location=url_for("api.get_advisor_booking", booking_id=answer.id))


@api(
    bp,
    "/advisor-bookings/<int:booking_id>",
    "GET",
    summary="One career conversation",
    tag=ADVISING,
    auth="token",
    response=AdvisorBookingOut,
)
def get_advisor_booking(user, booking_id: int):
    """For the booked person, the advisor and organisers. Never the advisor's note."""
    return reply(booking_out(_readable(user, booking_id), user))


@api(
    bp,
    "/advisor-bookings/<int:booking_id>/cancel",
    "POST",
    summary="Cancel a career conversation",
    tag=ADVISING,
    auth="token",
    body=AdvisingNoBody,
    optional_body=True,
    response=AdvisorBookingOut,
    errors=BOOKING_ERRORS,
)
def cancel_advisor_booking(user, booking_id: int, body: AdvisingNoBody):
    """Until 24 hours before the start for the booked person (the advisor and organisers
    until the start). A repeat changes nothing."""
    _readable(user, booking_id)
    return reply(atomic(lambda: booking_out(services.cancel_booking(booking_id, actor=user), user)))


@api(
    bp,
    "/advisor-bookings/<int:booking_id>/move",
    "POST",
    summary="Move a career conversation",
    tag=ADVISING,
    auth="token",
    body=AdvisorMoveIn,
    response=AdvisorBookingOut,
    errors=BOOKING_ERRORS,
)
def move_advisor_booking(user, booking_id: int, body: AdvisorMoveIn):
    """To another free slot of the same advisor, until 24 hours before the current start.
    The booking keeps its id (and its invite its UID)."""
    _readable(user, booking_id)
    return reply(
        atomic(
            lambda: booking_out(services.move_booking(booking_id, body.slot_id, actor=user), user)
        )
    )
