"""Seat reservations: organisers keep free seats of a session for one organisation."""

from __future__ import annotations

from flask import url_for
from pydantic import Field

from booking.api import bp
from booking.api.enrolments import ENROLMENTS
from booking.api.registry import api, reply
from booking.api.schemas import Id, Input, Int32, LocalTime, Moment, Output
from booking.core.db import atomic
from booking.core.timez import iso_local
from booking.enrolment import organiser
from booking.scheduling.models import SeatMode, SeatReservation

# -- shapes -------------------------------------------------------------------------------------


class ReservationIn(Input):
    organisation_id: Id
    mode: SeatMode
    seats: Int32
    until: Moment = Field(description="Unused seats go back to everyone at this moment.")


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


def reservation_out(reservation: SeatReservation) -> ReservationOut:
    return ReservationOut(
        id=reservation.id,
        session_id=reservation.session_id,
        organisation_id=reservation.organisation_id,
        organisation_name=reservation.organisation.name,
        mode=reservation.mode,
        seats=reservation.seats,
        used=reservation.used,
        remaining=reservation.remaining,
        until=iso_local(reservation.until),
        released_at=iso_local(reservation.released_at),
    )


# -- endpoint -----------------------------------------------------------------------------------


@api(
    bp,
    "/sessions/<int:session_id>/reservations",
    "POST",
    summary="Reserve seats for one organisation",
    tag=ENROLMENTS,
    body=ReservationIn,
    response=ReservationOut,
    status=201,
    organiser=True,
)
def reserve_seats(user, session_id: int, body: ReservationIn):
    """Keep free seats of an open session for one organisation until `until` (before the
    session starts); its people take them first, and unused seats go back to everyone then.
    The Location header points at the session's roster, which lists reservations."""

    def work() -> ReservationOut:
        reservation = organiser.reserve_seats(
            session_id,
            actor=user,
            organisation_id=body.organisation_id,
            mode=body.mode,
            seats=body.seats,
            until=body.until,
        )
        return reservation_out(reservation)

    location = url_for("api.get_roster", session_id=session_id)
    return reply(atomic(work), 201, location=location)
