"""Career conversations: advisors' slots, bookings, moves and cancellations (who is an
advisor, and their profile, is `advisors`'; the advisor's private notes are `notes`').

Lock order (invariant 9): the advisor's profile row first (`lock_advisor`), then the slot
rows in id order. Everything that changes one advisor's agenda (publishing, booking, moving,
cancelling) takes the profile lock, so "no overlapping slots" and "at most one open booking per
person and advisor" are checked against what is committed; on PostgreSQL an exclusion
constraint (overlaps) and a partial unique index (one booked conversation per slot) refuse a
write that would break them anyway. Nothing here locks a session or an event, so these locks
never meet the enrolment engine's.

Every change that concerns the booked person queues a message (with its iCalendar invite,
`booking.calendar.advising`) in the same transaction (invariant 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import User
from booking.advising.advisors import (
    find_person,
    is_advisor,
    lock_advisor,
)
from booking.advising.messages import TO_ADVISOR, AdvisingKind
from booking.advising.models import (
    MAX_MINUTES,
    MIN_MINUTES,
    AdvisorBooking,
    AdvisorProfile,
    AdvisorSlot,
    BookingStatus,
    SlotMode,
)
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from booking.core.models import audit
from booking.core.timez import from_local
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.models import Venue, VenueKind

CHANGE_DEADLINE = timedelta(hours=24)  # the booked person cancels or moves until then
MAX_WEEKS = 52

# -- advisors -----------------------------------------------------------------------------------


def _may_manage(actor: User, advisor: User) -> bool:
    return actor.is_organiser or actor.id == advisor.id


def require_agenda_keeper(actor: User) -> None:
    """Slots are published by advisors (their own) and organisers (anyone's)."""
    if not (actor.is_organiser or is_advisor(actor)):
        raise PermissionDenied(_l("You may publish only your own slots."), code="not_your_agenda")


def _check_slot(
    profile: AdvisorProfile,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    venue_id: int | None,
    now: datetime | None,
) -> None:
    """`now` None: the time is not checked (a series skips the past ones itself)."""
    errors: dict = {}
    if mode not in tuple(SlotMode):
        errors["mode"] = _l("Choose online or in person.")
    length = ends_at - starts_at
    if length <= timedelta(0):
        errors["ends_at"] = _l("The end must be after the start.")
    elif not timedelta(minutes=MIN_MINUTES) <= length <= timedelta(minutes=MAX_MINUTES):
        errors["ends_at"] = _l(
            "A conversation lasts %(min)d to %(max)d minutes.", min=MIN_MINUTES, max=MAX_MINUTES
        )
    if now is not None and starts_at <= now:
        errors["starts_at"] = _l("Choose a time in the future.")
    if mode == SlotMode.IN_PERSON:
        venue = db.session.get(Venue, venue_id) if venue_id else None
        if venue is None or venue.kind != VenueKind.PHYSICAL:
            errors["venue_id"] = _l("Choose a location for a conversation in person.")
    profile_lacks_link = mode == SlotMode.ONLINE and not profile.meeting_url
    if mode == SlotMode.ONLINE:
        if venue_id is not None:
            errors["venue_id"] = _l("An online conversation has no location.")
        if not profile.meeting_url:
            errors["mode"] = _l(
                "Add a meeting link to the advisor's profile before publishing online slots."
            )
    if errors:
        code = "no_meeting_link" if errors.keys() == {"mode"} and profile_lacks_link else None
        raise ValidationError(
            next(iter(errors.values())), code=code or "invalid_slot", fields=errors
        )


def _overlapping(advisor_id: int, starts_at: datetime, ends_at: datetime) -> AdvisorSlot | None:
    return db.session.scalar(
        select(AdvisorSlot)
        .where(
            AdvisorSlot.advisor_id == advisor_id,
            AdvisorSlot.cancelled.is_(False),
            AdvisorSlot.starts_at < ends_at,
            AdvisorSlot.ends_at > starts_at,
        )
        .limit(1)
    )


def publish_slot(
    advisor: User | str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    venue_id: int | None = None,
    actor: User,
    now: datetime | None = None,
) -> AdvisorSlot:
    """One slot: 30-90 minutes, in the future, not overlapping another of the advisor's."""
    person = find_person(advisor, "advisor")
    if not _may_manage(actor, person):
        raise PermissionDenied(_l("You may publish only your own slots."), code="not_your_agenda")
    profile = lock_advisor(person.id)
    _check_slot(profile, starts_at, ends_at, mode, venue_id, now or utcnow())
    if _overlapping(person.id, starts_at, ends_at) is not None:
        message = _l("This overlaps another of the advisor's slots.")
        raise Conflict(message, code="slot_overlaps", fields={"starts_at": message})
    slot = AdvisorSlot(
        advisor_id=person.id, starts_at=starts_at, ends_at=ends_at, mode=mode, venue_id=venue_id
    )
    db.session.add(slot)
    db.session.flush()
    return slot


@dataclass
class SeriesData:
    """ "Every Tuesday 9:00-12:00, 45 minutes, for six weeks": Amsterdam wall times."""

    weekday: int  # 0 = Monday
    from_time: time
    to_time: time
    minutes: int
    weeks: int
    mode: str
    venue_id: int | None = None
    first_day: date | None = None  # the series starts on the first such weekday from here


@dataclass
class SeriesOutcome:
    created: list[AdvisorSlot] = field(default_factory=list)
    skipped: list[tuple[datetime, datetime]] = field(default_factory=list)  # overlaps, past


def series_times(data: SeriesData, today: date) -> list[tuple[datetime, datetime]]:
    """The (start, end) pairs in UTC of a series, back to back within each day's window."""
    first = data.first_day or today
    first += timedelta(days=(data.weekday - first.weekday()) % 7)
    times = []
    for week in range(data.weeks):
        day = first + timedelta(weeks=week)
        start = datetime.combine(day, data.from_time)
        window_end = datetime.combine(day, data.to_time)
        while start + timedelta(minutes=data.minutes) <= window_end:
            end = start + timedelta(minutes=data.minutes)
            times.append((from_local(start), from_local(end)))
            start = end
    return times


def _check_series(data: SeriesData) -> None:
    errors = {}
    if not 0 <= data.weekday <= 6:
        errors["weekday"] = _l("Choose a day of the week.")
    if not MIN_MINUTES <= data.minutes <= MAX_MINUTES:
        errors["minutes"] = _l(
            "A conversation lasts %(min)d to %(max)d minutes.", min=MIN_MINUTES, max=MAX_MINUTES
        )
    if not 1 <= data.weeks <= MAX_WEEKS:
        errors["weeks"] = _l("Choose 1 to %(n)d weeks.", n=MAX_WEEKS)
    if data.to_time <= data.from_time:
        errors["to_time"] = _l("The end must be after the start.")
    elif "minutes" not in errors and (
        datetime.combine(date.min, data.to_time) - datetime.combine(date.min, data.from_time)
        < timedelta(minutes=data.minutes)
    ):
        errors["to_time"] = _l("Not one conversation fits between these times.")
    if errors:
        raise ValidationError(next(iter(errors.values())), code="invalid_series", fields=errors)


def publish_series(
    advisor: User | str, data: SeriesData, *, actor: User, now: datetime | None = None
) -> SeriesOutcome:
    """Slots every week on one weekday; those that overlap an existing slot (or have passed)
    are skipped and named in the outcome, the rest are published."""
    person = find_person(advisor, "advisor")
    if not _may_manage(actor, person):
        raise PermissionDenied(_l("You may publish only your own slots."), code="not_your_agenda")
    _check_series(data)
    profile = lock_advisor(person.id)
    now = now or utcnow()
    outcome = SeriesOutcome()
    times = series_times(data, now.date())
    if times:  # the mode, venue and meeting link, once for the whole series
        _check_slot(profile, *times[0], data.mode, data.venue_id, None)
    for starts_at, ends_at in times:
        if starts_at <= now or _overlapping(person.id, starts_at, ends_at) is not None:
            outcome.skipped.append((starts_at, ends_at))
            continue
        slot = AdvisorSlot(
            advisor_id=person.id,
            starts_at=starts_at,
            ends_at=ends_at,
            mode=data.mode,
            venue_id=data.venue_id,
        )
        db.session.add(slot)
        db.session.flush()  # the next overlap check sees it
        outcome.created.append(slot)
    return outcome


def _slot_advisor(slot_id: int) -> int:
    advisor_id = db.session.scalar(select(AdvisorSlot.advisor_id).where(AdvisorSlot.id == slot_id))
    if advisor_id is None:
        raise NotFound(_l("No such slot."), code="slot_not_found")
    return advisor_id


def _lock_slots(*slot_ids: int) -> dict[int, AdvisorSlot]:
    slots = db.session.scalars(
        for_update(
            select(AdvisorSlot).where(AdvisorSlot.id.in_(slot_ids)).order_by(AdvisorSlot.id)
        ).execution_options(populate_existing=True)
    )
    return {slot.id: slot for slot in slots}


def _booked_in(slot_id: int) -> AdvisorBooking | None:
    return db.session.scalar(
        select(AdvisorBooking)
        .where(AdvisorBooking.slot_id == slot_id, AdvisorBooking.status == BookingStatus.BOOKED)
        .execution_options(populate_existing=True)
    )


def cancel_slot(slot_id: int, *, actor: User, now: datetime | None = None) -> AdvisorSlot:
    """The advisor (or an organiser) withdraws a slot; its booked person is told and their
    invite is cancelled. A repeat changes nothing."""
    now = now or utcnow()
    advisor_id = _slot_advisor(slot_id)
    lock_advisor(advisor_id, active=False)
    slot = _lock_slots(slot_id)[slot_id]
    if not (actor.is_organiser or actor.id == slot.advisor_id):
        raise PermissionDenied(_l("You may change only your own slots."), code="not_your_agenda")
    if slot.cancelled:
        return slot
    if slot.starts_at <= now:
        raise Conflict(_l("This slot has already started."), code="slot_past")
    slot.cancelled = True
    booking = _booked_in(slot.id)
    if booking is not None:
        _end(booking, actor, now)
        queue(booking.user, AdvisingKind.SLOT_CANCELLED, booking_id=booking.id)
    audit(actor, "advisor_slot.cancelled", slot)
    db.session.flush()
    return slot


# -- bookings -----------------------------------------------------------------------------------


@dataclass
class BookOutcome:
    booking: AdvisorBooking
    created: bool


def _open_booking_with(person_id: int, advisor_id: int, now: datetime) -> AdvisorBooking | None:
    return db.session.scalar(
        select(AdvisorBooking)
        .join(AdvisorSlot, AdvisorSlot.id == AdvisorBooking.slot_id)
        .where(
            AdvisorBooking.user_id == person_id,
            AdvisorBooking.status == BookingStatus.BOOKED,
            AdvisorSlot.advisor_id == advisor_id,
            AdvisorSlot.ends_at > now,
        )
        .limit(1)
    )


def _check_bookable(slot: AdvisorSlot, now: datetime) -> None:
    if slot.cancelled or slot.starts_at <= now:
        raise Conflict(_l("This slot is no longer available."), code="slot_unavailable")


def _taken() -> Conflict:
    return Conflict(_l("Someone else has just booked this slot."), code="slot_taken")


def book(
    slot_id: int, participant: User | str, *, actor: User, now: datetime | None = None
) -> BookOutcome:
    """Book a free slot for the actor (or, for organisers, anyone). A repeat by the person
    who has it returns their booking (created=False); someone else's: `slot_taken`."""
    now = now or utcnow()
    person = find_person(participant)
    if not (actor.id == person.id or actor.is_organiser):
        raise PermissionDenied(_l("You may book only for yourself."), code="not_your_person")
    advisor_id = _slot_advisor(slot_id)
    lock_advisor(advisor_id)
    slot = _lock_slots(slot_id)[slot_id]
    existing = _booked_in(slot.id)
    if existing is not None:
        if existing.user_id == person.id:
            return BookOutcome(existing, created=False)
        raise _taken()
    _check_bookable(slot, now)
    if person.id == slot.advisor_id:
        raise ValidationError(_l("You cannot book your own slot."), code="own_slot")
    if _open_booking_with(person.id, advisor_id, now) is not None:
        raise Conflict(
            _l(
                "You already have a conversation booked with this advisor: cancel or move "
                "that one first."
            ),
            code="already_booked",
        )
    booking = AdvisorBooking(
        slot=slot, user=person, status=BookingStatus.BOOKED, booked_by_id=actor.id, revision=0
    )
    db.session.add(booking)
    db.session.flush()
    if actor.id != person.id:  # an organiser booked for someone
        audit(actor, "advisor_booking.added", booking, after={"user_id": person.id})
    _tell(booking, AdvisingKind.BOOKED, actor)
    return BookOutcome(booking, created=True)


def _tell(booking: AdvisorBooking, kind: AdvisingKind, actor: User, **data) -> None:
    """The booked person's message, and the advisor's (unless the advisor did it)."""
    queue(booking.user, kind, booking_id=booking.id, **data)
    advisor = booking.slot.advisor
    if actor.id != advisor.id:
        queue(advisor, TO_ADVISOR[kind], booking_id=booking.id, **data)


def _lock_booking(booking_id: int) -> AdvisorBooking:
    slot_id = db.session.scalar(
        select(AdvisorBooking.slot_id).where(AdvisorBooking.id == booking_id)
    )
    if slot_id is None:
        raise NotFound(_l("No such booking."), code="booking_not_found")
    lock_advisor(_slot_advisor(slot_id), active=False)
    booking = db.session.scalar(
        for_update(select(AdvisorBooking).where(AdvisorBooking.id == booking_id)).execution_options(
            populate_existing=True
        )
    )
    return booking


def may_change(actor: User, booking: AdvisorBooking) -> bool:
    """The person, the slot's advisor, organisers."""
    return actor.is_organiser or actor.id in (booking.user_id, booking.slot.advisor_id)


def _check_deadline(actor: User, booking: AdvisorBooking, now: datetime) -> None:
    """The booked person changes their conversation until 24 hours before; the advisor and
    organisers until the start."""
    slot = booking.slot
    if slot.starts_at <= now:
        raise Conflict(_l("This conversation has already started."), code="conversation_past")
    staff = actor.is_organiser or actor.id == slot.advisor_id
    if not staff and now > slot.starts_at - CHANGE_DEADLINE:
        raise Conflict(
            _l("Conversations can be cancelled or moved until 24 hours before the start."),
            code="too_late",
        )


def _end(booking: AdvisorBooking, actor: User, now: datetime) -> None:
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at, booking.cancelled_by_id = now, actor.id
    booking.revision += 1


def cancel_booking(booking_id: int, *, actor: User, now: datetime | None = None) -> AdvisorBooking:
    """Cancel a conversation; its slot is free again. A repeat changes nothing."""
    now = now or utcnow()
    booking = _lock_booking(booking_id)
    if not may_change(actor, booking):
        raise PermissionDenied(_l("You may not change this booking."))
    if not booking.is_booked:
        return booking
    _check_deadline(actor, booking, now)
    _end(booking, actor, now)
    if actor.id != booking.user_id:  # the advisor or an organiser
        audit(actor, "advisor_booking.cancelled", booking, before={"status": BookingStatus.BOOKED})
    _tell(booking, AdvisingKind.CANCELLED, actor, by_self=actor.id == booking.user_id)
    db.session.flush()
    return booking


def move_booking(
    booking_id: int, slot_id: int, *, actor: User, now: datetime | None = None
) -> AdvisorBooking:
    """Move a conversation to another free slot of the same advisor: the booking keeps its
    id (and its invite its UID), the old slot is free again."""
    now = now or utcnow()
    booking = _lock_booking(booking_id)
    if not may_change(actor, booking):
        raise PermissionDenied(_l("You may not change this booking."))
    if not booking.is_booked:
        raise Conflict(_l("This booking has been cancelled."), code="booking_cancelled")
    if booking.slot_id == slot_id:
        return booking
    _check_deadline(actor, booking, now)
    slots = _lock_slots(booking.slot_id, slot_id)
    target = slots.get(slot_id)
    if target is None:
        raise NotFound(_l("No such slot."), code="slot_not_found")
    if target.advisor_id != booking.slot.advisor_id:
        message = _l("Choose another slot of the same advisor.")
        raise ValidationError(message, code="other_advisor", fields={"slot_id": message})
    if _booked_in(target.id) is not None:
        raise _taken()
    _check_bookable(target, now)
    previous = booking.slot.starts_at
    if actor.id != booking.user_id:  # the advisor or an organiser
        audit(
            actor,
            "advisor_booking.moved",
            booking,
            before={"slot_id": booking.slot_id},
            after={"slot_id": target.id},
        )
    booking.slot = target
    booking.revision += 1
    db.session.flush()
    _tell(booking, AdvisingKind.MOVED, actor, previous=previous.isoformat())
    return booking
