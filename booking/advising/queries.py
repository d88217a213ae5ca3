"""Read-only views of career conversations, each in a fixed number of statements whatever
the number of slots (the pages' statement-count tests hold them to it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import contains_eager, joinedload

from booking.accounts.models import Role, User
from booking.advising.models import (
    AdvisorBooking,
    AdvisorProfile,
    AdvisorSlot,
    BookingStatus,
)
from booking.core.timez import local
from booking.extensions import db
from booking.scheduling.models import Venue, VenueKind

_BOOKED = and_(
    AdvisorBooking.slot_id == AdvisorSlot.id, AdvisorBooking.status == BookingStatus.BOOKED
)


_RETIRED = and_(
    AdvisorProfile.user_id == AdvisorSlot.advisor_id,
    AdvisorProfile.active.is_(False),
    User.id == AdvisorSlot.advisor_id,
    User.role != Role.ADVISOR,
)


def free_slots(now: datetime, advisor_id: int | None = None, limit: int | None = None):
    """Future slots nobody has booked of people who are advisors, with advisor and venue, in
    time order (one query)."""
    query = (
        select(AdvisorSlot)
        .where(
            AdvisorSlot.cancelled.is_(False),
            AdvisorSlot.starts_at > now,
            ~exists().where(_BOOKED),
            ~exists().where(_RETIRED),
        )
        .options(joinedload(AdvisorSlot.advisor), joinedload(AdvisorSlot.venue))
        .order_by(AdvisorSlot.starts_at, AdvisorSlot.id)
    )
    if advisor_id is not None:
        query = query.where(AdvisorSlot.advisor_id == advisor_id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


@dataclass
class AdvisorDays:
    advisor: User
    profile: AdvisorProfile | None
    days: list[tuple[date, list[AdvisorSlot]]] = field(default_factory=list)


def profiles(user_ids) -> dict[int, AdvisorProfile]:
    ids = set(user_ids)
    if not ids:
        return {}
    return {
        p.user_id: p
        for p in db.session.scalars(select(AdvisorProfile).where(AdvisorProfile.user_id.in_(ids)))
    }


def advisors_with_free_slots(now: datetime) -> list[AdvisorDays]:
    """Each advisor with free slots, the slots grouped by Amsterdam day (two queries)."""
    slots = free_slots(now)
    found = profiles(s.advisor_id for s in slots)
    grouped: dict[int, dict[date, list[AdvisorSlot]]] = defaultdict(lambda: defaultdict(list))
    advisors: dict[int, User] = {}
    for slot in slots:
        advisors[slot.advisor_id] = slot.advisor
        grouped[slot.advisor_id][local(slot.starts_at).date()].append(slot)
    result = [
        AdvisorDays(advisor, found.get(advisor_id), sorted(grouped[advisor_id].items()))
        for advisor_id, advisor in advisors.items()
    ]
    return sorted(result, key=lambda a: a.advisor.name)


def open_bookings(user_id: int, now: datetime) -> list[AdvisorBooking]:
    """A person's booked conversations that have not ended, with slot, advisor, venue."""
    return list(
        db.session.scalars(
            select(AdvisorBooking)
            .join(AdvisorBooking.slot)
            .where(
                AdvisorBooking.user_id == user_id,
                AdvisorBooking.status == BookingStatus.BOOKED,
                AdvisorSlot.ends_at > now,
            )
            .options(
                contains_eager(AdvisorBooking.slot).joinedload(AdvisorSlot.advisor),
                contains_eager(AdvisorBooking.slot).joinedload(AdvisorSlot.venue),
            )
            .order_by(AdvisorSlot.starts_at)
        )
    )


@dataclass
class AgendaEntry:
    slot: AdvisorSlot
    booking: AdvisorBooking | None


def agenda(advisor_id: int, since: datetime) -> list[AgendaEntry]:
    """The advisor's slots from `since` on, each with its booked conversation (two queries)."""
    slots = list(
        db.session.scalars(
            select(AdvisorSlot)
            .where(AdvisorSlot.advisor_id == advisor_id, AdvisorSlot.ends_at > since)
            .options(joinedload(AdvisorSlot.venue))
            .order_by(AdvisorSlot.starts_at, AdvisorSlot.id)
        )
    )
    bookings = {}
    if slots:
        bookings = {
            b.slot_id: b
            for b in db.session.scalars(
                select(AdvisorBooking)
                .where(
                    AdvisorBooking.slot_id.in_([s.id for s in slots]),
                    AdvisorBooking.status == BookingStatus.BOOKED,
                )
                .options(joinedload(AdvisorBooking.user))
            )
        }
    return [AgendaEntry(slot, bookings.get(slot.id)) for slot in slots]


def booking(booking_id: int) -> AdvisorBooking | None:
    return db.session.scalar(
        select(AdvisorBooking)
        .where(AdvisorBooking.id == booking_id)
        .options(
            joinedload(AdvisorBooking.user),
            joinedload(AdvisorBooking.slot).joinedload(AdvisorSlot.advisor),
            joinedload(AdvisorBooking.slot).joinedload(AdvisorSlot.venue),
        )
    )


def may_read_booking(user: User | None, found: AdvisorBooking) -> bool:
    """The person, the slot's advisor and organisers. What they read never includes the
    advisor's note (`notes.note_for` is the only way to it)."""
    return user is not None and (
        user.is_organiser or user.id in (found.user_id, found.slot.advisor_id)
    )


def advisors() -> list[tuple[User, AdvisorProfile | None]]:
    """Everyone who is an advisor: the role, or a profile (the organisers' page; two queries)."""
    marked = {
        p.user_id: p
        for p in db.session.scalars(
            select(AdvisorProfile)
            .where(AdvisorProfile.active.is_(True))
            .options(joinedload(AdvisorProfile.user))
        )
    }
    by_role = db.session.scalars(select(User).where(User.role == Role.ADVISOR)).all()
    people = {p.user_id: p.user for p in marked.values()} | {u.id: u for u in by_role}
    return sorted(
        ((person, marked.get(pid)) for pid, person in people.items()), key=lambda a: a[0].name
    )


def physical_venues() -> list[Venue]:
    return list(
        db.session.scalars(
            select(Venue).where(Venue.kind == VenueKind.PHYSICAL).order_by(Venue.name)
        )
    )
