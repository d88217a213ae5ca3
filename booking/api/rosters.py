"""Rosters: organisers see a session's people and move someone to the other mode."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.api import bp
from booking.api.enrolments import ENROLMENTS
from booking.api.registry import api, reply
from booking.api.reservations import ReservationOut, reservation_out
from booking.api.schemas import Input, Output
from booking.api.shapes.enrolments import (
    EnrolmentChange,
    EnrolmentOut,
    booker_emails,
    change_answer,
    enrolment_out,
)
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.enrolment import queries, services
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import SeatMode, Session

# -- shapes -------------------------------------------------------------------------------------


class MoveIn(Input):
    mode: SeatMode


class RosterEntry(EnrolmentOut):
    organisation: str | None
    team: str | None


class RosterWaitlist(Output):
    in_person: list[RosterEntry]
    online: list[RosterEntry]


class RosterOut(Output):
    session_id: int
    confirmed: list[RosterEntry] = Field(description="By name.")
    pending: list[RosterEntry] = Field(description="Holding a place until approved.")
    offered: list[RosterEntry] = Field(description="Holding a place until accepted.")
    waitlist: RosterWaitlist = Field(description="Per mode, in order (position 1 first).")
    reservations: list[ReservationOut]


# -- answers ------------------------------------------------------------------------------------


def _session_or_404(session_id: int) -> Session:
    session = db.session.scalar(
        select(Session)
        .where(Session.id == session_id)
        .options(selectinload(Session.course), selectinload(Session.seats))
    )
    if session is None:
        raise NotFound(_l("No such session."), code="session_not_found")
    return session


def _entry(enrolment: Enrolment, position: int | None, emails: dict[int, str]) -> RosterEntry:
    person = enrolment.user
    return enrolment_out(
        enrolment,
        position,
        emails,
        RosterEntry,
        organisation=person.organisation.name if person.organisation else None,
        team=person.team.name if person.team else None,
    )


# -- endpoints ----------------------------------------------------------------------------------


@api(
    bp,
    "/sessions/<int:session_id>/enrolments",
    "GET",
    summary="A session's people",
    tag=ENROLMENTS,
    response=RosterOut,
    organiser=True,
)
def get_roster(user, session_id: int):
    """Confirmed (by name), pending approval, offered, the waitlist per mode in order, and the
    seat reservations. A confirmed participant who also waits for the other mode appears in
    `confirmed` and in that mode's waitlist."""
    # Held here: the identity map is weak, and every entry's summary reads this session,
    # its course and seats without a query only while it stays loaded.
    session = _session_or_404(session_id)
    roster = queries.roster(session_id)
    everyone = [*roster.confirmed, *roster.pending, *roster.offered]
    everyone += [item.enrolment for items in roster.waitlist.values() for item in items]
    emails = booker_emails(everyone, known=[user])
    position = {
        item.enrolment.id: item.position for items in roster.waitlist.values() for item in items
    }

    def entries(enrolments: list[Enrolment]) -> list[RosterEntry]:
        return [_entry(e, position.get(e.id), emails) for e in enrolments]

    def waiting(mode: str) -> list[RosterEntry]:
        return [_entry(i.enrolment, i.position, emails) for i in roster.waitlist.get(mode, [])]

    return reply(
        RosterOut(
            session_id=session.id,
            confirmed=entries(roster.confirmed),
            pending=entries(roster.pending),
            offered=entries(roster.offered),
            waitlist=RosterWaitlist(
                in_person=waiting(SeatMode.IN_PERSON), online=waiting(SeatMode.ONLINE)
            ),
            reservations=[reservation_out(r) for r in roster.reservations],
        )
    )


@api(
    bp,
    "/enrolments/<int:enrolment_id>/move",
    "POST",
    summary="Move someone to the other mode",
    tag=ENROLMENTS,
    body=MoveIn,
    response=EnrolmentChange,
    organiser=True,
)
def move_enrolment(user, enrolment_id: int, body: MoveIn):
    """A place moves only to a free seat of the other mode (else 409 `no_free_place`); the
    seat it leaves goes to the next in line (`promoted`). A waitlisted person keeps their
    time in the queue. Moving to the mode already held changes nothing."""

    def work() -> EnrolmentChange:
        outcome = services.move_mode(enrolment_id, actor=user, mode=body.mode)
        return change_answer(outcome, user)

    return reply(atomic(work))
