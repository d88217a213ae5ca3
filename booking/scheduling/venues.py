"""Rules for venues and their rooms."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select

from booking.core.db import utcnow
from booking.core.errors import ValidationError, collect
from booking.core.models import audit
from booking.extensions import db
from booking.scheduling import signals
from booking.scheduling.models import (
    Room,
    SeatMode,
    Session,
    SessionSeats,
    SessionStatus,
    Venue,
    VenueKind,
)
from booking.scheduling.services import lock_session


@dataclass
class RoomData:
    name: str
    capacity: int | None
    id: int | None = None


@dataclass
class VenueData:
    name: str
    kind: str
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    provider: str | None = None
    join_url: str | None = None
    directions: str = ""
    rooms: list[RoomData] = field(default_factory=list)


def valid_join_url(url: str | None) -> bool:
    parsed = urlparse((url or "").strip())
    return parsed.scheme in ("https", "http") and bool(parsed.netloc) and len(url) <= 500


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check(data: VenueData, venue: Venue | None) -> None:
    errors: dict = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _l("Enter a name.")
    elif len(name) > 200:
        errors["name"] = _l("Use at most 200 characters.")
    else:
        clash = db.session.scalar(select(Venue.id).where(func.lower(Venue.name) == name.lower()))
        if clash is not None and (venue is None or clash != venue.id):
            errors["name"] = _l("Another venue already has this name.")
    for key, limit in (("address", 200), ("postcode", 10), ("city", 100), ("provider", 100)):
        if len(getattr(data, key) or "") > limit:
            errors[key] = _l("Use at most %(n)d characters.", n=limit)
    if data.kind not in set(VenueKind):
        errors["kind"] = _l("Choose one of: %(choices)s.", choices=", ".join(VenueKind))
    elif data.kind == VenueKind.PHYSICAL:
        if not _clean(data.address):
            errors["address"] = _l("Enter the street and number.")
        if not _clean(data.city):
            errors["city"] = _l("Enter the town or city.")
        if not data.rooms:
            errors["rooms"] = _l("Add at least one room.")
        seen: set[str] = set()
        for index, room in enumerate(data.rooms):
            room_name = (room.name or "").strip()
            if not room_name:
                errors[f"rooms.{index}.name"] = _l("Enter the room's name.")
            elif len(room_name) > 100:
                errors[f"rooms.{index}.name"] = _l("Use at most %(n)d characters.", n=100)
            elif room_name.lower() in seen:
                errors[f"rooms.{index}.name"] = _l("Two rooms have the same name.")
            seen.add(room_name.lower())
            if room.capacity is None or room.capacity < 1:
                errors[f"rooms.{index}.capacity"] = _l("A room holds at least one person.")
            elif room.capacity > 10000:
                errors[f"rooms.{index}.capacity"] = _l("At most 10,000 people.")
    else:
        if not valid_join_url(data.join_url):
            errors["join_url"] = _l("Enter the full join link, starting with https://.")
        if not _clean(data.provider):
            errors["provider"] = _l("Enter the provider (for example Teams or Zoom).")
    collect(errors)


def _snapshot(venue: Venue) -> dict:
    return {
        "name": venue.name,
        "kind": venue.kind,
        "address": venue.full_address,
        "join_url": venue.join_url,
        "rooms": {r.name: r.capacity for r in venue.rooms},
    }


def create_venue(data: VenueData, actor=None) -> Venue:
    _check(data, None)
    venue = Venue(kind=data.kind)
    _apply(venue, data)
    db.session.add(venue)
    db.session.flush()
    audit(actor, "venue.created", venue, after=_snapshot(venue))
    return venue


def update_venue(venue: Venue, data: VenueData, actor=None) -> Venue:
    if data.kind != venue.kind:
        raise ValidationError(
            _l("A venue cannot change between physical and online."),
            fields={"kind": _l("A venue cannot change between physical and online.")},
        )
    _check(data, venue)
    before = _snapshot(venue)
    room_names = {r.id: r.name for r in venue.rooms}
    _apply(venue, data)
    db.session.flush()
    after = _snapshot(venue)
    audit(actor, "venue.updated", venue, before=before, after=after)
    renamed = {r.id for r in venue.rooms if r.id in room_names and room_names[r.id] != r.name}
    whole = any(before[key] != after[key] for key in ("name", "address", "join_url"))
    if whole or renamed:
        _tell_sessions(venue, whole, renamed)
    return venue


def _tell_sessions(venue: Venue, whole: bool, renamed_rooms: set[int]) -> None:
    """What an invite says of the place changed: every coming session held there gets a
    higher revision and its people an update (invariant 6, calendars stay in sync), as if the
    session had moved."""
    where_held = or_(
        (Session.venue_id == venue.id) | (Session.online_venue_id == venue.id)
        if whole
        else false(),
        Session.room_id.in_(renamed_rooms),
    )
    affected = db.session.scalars(
        select(Session.id)
        .where(Session.status == SessionStatus.SCHEDULED, Session.ends_at > utcnow(), where_held)
        .order_by(Session.id)
    ).all()
    for session_id in affected:
        session = lock_session(session_id)
        session.revision += 1
        signals.session_changed.send(session, times=False, place=True, capacity=False)


def _apply(venue: Venue, data: VenueData) -> None:
    venue.name = data.name.strip()
    venue.directions = (data.directions or "").strip()
    if venue.kind == VenueKind.PHYSICAL:
        venue.address = _clean(data.address)
        venue.postcode = _clean(data.postcode)
        venue.city = _clean(data.city)
        _apply_rooms(venue, data.rooms)
    else:
        venue.provider = _clean(data.provider)
        venue.join_url = data.join_url.strip()


def _apply_rooms(venue: Venue, rooms: list[RoomData]) -> None:
    """Match rooms by id (or name), refuse to drop or shrink a room sessions still need."""
    existing = {room.id: room for room in venue.rooms}
    by_name = {room.name.lower(): room for room in venue.rooms}
    keep: list[Room] = []
    errors: dict = {}
    for index, data in enumerate(rooms):
        room = existing.get(data.id) if data.id else by_name.get(data.name.strip().lower())
        if room is None:
            room = Room(name=data.name.strip(), capacity=data.capacity)
        else:
            needed = _largest_booking(room.id)
            if data.capacity < needed:
                errors[f"rooms.{index}.capacity"] = _l(
                    "A planned session in this room has %(n)d in-person places.", n=needed
                )
            room.name = data.name.strip()
            room.capacity = data.capacity
        keep.append(room)
    for room in venue.rooms:
        if room not in keep and room.id is not None and _room_in_use(room.id):
            errors["rooms"] = _l("Room %(name)s is used by planned sessions.", name=room.name)
    collect(errors)
    venue.rooms = keep


def _largest_booking(room_id: int) -> int:
    """The largest in-person capacity of a scheduled, not yet ended session in this room."""
    query = (
        select(func.max(SessionSeats.capacity))
        .select_from(Session)
        .join(SessionSeats, SessionSeats.session_id == Session.id)
        .where(
            Session.room_id == room_id,
            Session.status == SessionStatus.SCHEDULED,
            Session.ends_at > utcnow(),
            SessionSeats.mode == SeatMode.IN_PERSON,
        )
    )
    return db.session.scalar(query) or 0


def _room_in_use(room_id: int) -> bool:
    """Any session, past or cancelled included, keeps its room for the record."""
    return (
        db.session.scalar(select(Session.id).where(Session.room_id == room_id).limit(1)) is not None
    )
