"""Venues: physical ones with rooms, online ones with a join link; organisers add them."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from flask import url_for
from pydantic import Field, RootModel

from booking.api import bp
from booking.api.errors import validate
from booking.api.registry import api, reply
from booking.api.schemas import Input, Int32, Output, Page, PageQuery, Text
from booking.core.db import atomic
from booking.core.errors import NotFound, ValidationError
from booking.extensions import db
from booking.scheduling.models import Venue, VenueKind
from booking.scheduling.queries import all_venues
from booking.scheduling.venues import RoomData, VenueData, create_venue

ADDRESS_HELP = (
    "When `city` is missing, an `address` written as 'Stadserf 1, 3112 DZ Schiedam' (or "
    "'Stadserf 1, Schiedam') is split into street, postcode and city; an address that cannot "
    "be split leaves `city` missing, which is a 422 naming `city`."
)

# -- shapes -------------------------------------------------------------------------------------


class RoomIn(Input):
    name: Annotated[Text, Field(max_length=100)]
    capacity: Int32 | None


class PhysicalVenueIn(Input):
    kind: Literal["physical"]
    name: Text
    address: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="Street and number. " + ADDRESS_HELP
    )
    postcode: Annotated[Text, Field(max_length=10)] | None = None
    city: Annotated[Text, Field(max_length=100)] | None = None
    directions: Text = ""
    rooms: list[RoomIn] = Field(default_factory=list, max_length=200)


class OnlineVenueIn(Input):
    kind: Literal["online"]
    name: Text
    provider: Annotated[Text, Field(max_length=100)] | None = Field(
        None, description="For example Teams or Zoom."
    )
    join_url: Annotated[Text, Field(max_length=500)] | None = None
    directions: Text = ""


class VenueIn(RootModel[Annotated[PhysicalVenueIn | OnlineVenueIn, Field(discriminator="kind")]]):
    """A physical venue with its rooms, or an online one."""


class RoomOut(Output):
    id: int
    name: str
    capacity: int


class VenueOut(Output):
    id: int
    name: str
    kind: str
    active: bool
    address: str | None
    postcode: str | None
    city: str | None
    full_address: str | None
    directions: str
    rooms: list[RoomOut]
    provider: str | None
    join_url: str | None = Field(description="Only for organisers and administrators.")


class VenueQuery(PageQuery):
    kind: VenueKind | None = None


class VenueList(Page):
    items: list[VenueOut]


# -- parsing ------------------------------------------------------------------------------------

_WITH_POSTCODE = re.compile(
    r"^(?P<street>.+?)[\s,]+(?P<digits>[1-9]\d{3})\s?(?P<letters>[A-Za-z]{2})\s+(?P<city>\S.*)$"
)
_WITHOUT_POSTCODE = re.compile(r"^(?P<street>[^,]*\S)\s*,\s*(?P<city>[^,\d]*[^,\d\s])\s*$")


def split_address(address: str) -> tuple[str, str | None, str] | None:
    """'Stadserf 1, 3112 DZ Schiedam' -> ('Stadserf 1', '3112 DZ', 'Schiedam'), or None."""
    text = " ".join(address.split())
    match = _WITH_POSTCODE.match(text)
    if match:
        street, city = match["street"].rstrip(", "), match["city"].strip()
        postcode = f"{match['digits']} {match['letters'].upper()}"
    else:
        match = _WITHOUT_POSTCODE.match(text)
        if not match:
            return None
        street, postcode, city = match["street"], None, match["city"]
    if not street or not city or len(city) > 100:
        return None
    return street, postcode, city


def parse_venue(raw: dict) -> PhysicalVenueIn | OnlineVenueIn:
    """Pick the shape by `kind` first, so errors name `rooms.0.capacity`, not a union branch."""
    kind = raw.get("kind")
    if kind == VenueKind.PHYSICAL:
        venue = validate(PhysicalVenueIn, raw)
        if not (venue.city or "").strip() and (venue.address or "").strip():
            parts = split_address(venue.address)
            if parts:
                street, postcode, city = parts
                venue = venue.model_copy(
                    update={
                        "address": street,
                        "city": city,
                        "postcode": venue.postcode or postcode,
                    }
                )
        return venue
    if kind == VenueKind.ONLINE:
        return validate(OnlineVenueIn, raw)
    message = "Choose one of: physical, online."
    raise ValidationError(message, fields={"kind": message})


# -- answers ------------------------------------------------------------------------------------


def venue_out(venue: Venue, user) -> VenueOut:
    physical = venue.kind == VenueKind.PHYSICAL
    return VenueOut(
        id=venue.id,
        name=venue.name,
        kind=venue.kind,
        active=venue.active,
        address=venue.address,
        postcode=venue.postcode,
        city=venue.city,
        full_address=venue.full_address if physical else None,
        directions=venue.directions,
        rooms=[RoomOut(id=r.id, name=r.name, capacity=r.capacity) for r in venue.rooms],
        provider=venue.provider,
        join_url=venue.join_url if user is not None and user.is_organiser else None,
    )


# -- endpoints ----------------------------------------------------------------------------------


@api(
    bp, "/venues", "GET", summary="List venues", tag="venues", query=VenueQuery, response=VenueList
)
def list_venues(user, query: VenueQuery):
    """Active venues, by name (organisers also see inactive ones); `join_url` is null unless
    the caller is an organiser or administrator."""
    organiser = user is not None and user.is_organiser
    venues = all_venues(kind=query.kind, active_only=not organiser)
    chunk = venues[query.offset : query.offset + query.per_page]
    return reply(
        VenueList(
            items=[venue_out(v, user) for v in chunk],
            page=query.page,
            per_page=query.per_page,
            has_more=query.offset + query.per_page < len(venues),
            total=len(venues),
        )
    )


@api(
    bp,
    "/venues",
    "POST",
    summary="Add a venue",
    tag="venues",
    body=VenueIn,
    body_parser=parse_venue,
    response=VenueOut,
    status=201,
    organiser=True,
    description="A physical venue with `address`, `postcode`, `city` and at least one room, or "
    "an online venue with `provider` and `join_url`. " + ADDRESS_HELP,
)
def add_venue(user, body: PhysicalVenueIn | OnlineVenueIn):
    fields = body.model_dump()
    rooms = [RoomData(name=r["name"], capacity=r["capacity"]) for r in fields.pop("rooms", [])]

    def work() -> int:
        return create_venue(VenueData(**fields, rooms=rooms), actor=user).id

    venue = db.session.get(Venue, atomic(work))
    return reply(venue_out(venue, user), 201, location=url_for("api.get_venue", venue_id=venue.id))


@api(bp, "/venues/<int:venue_id>", "GET", summary="One venue", tag="venues", response=VenueOut)
def get_venue(user, venue_id: int):
    """An inactive venue is found only by organisers and administrators."""
    venue = db.session.get(Venue, venue_id)
    if venue is None or not (venue.active or (user is not None and user.is_organiser)):
        raise NotFound("No such venue.")
    return reply(venue_out(venue, user))
