"""Organisers manage a session's people: the roster, moving people between modes, cancelling
the whole session, and reserving seats for one organisation."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.api import bp
from booking.api.enrolment_schemas import (
    EnrolmentChange,
    MoveIn,
    ReasonIn,
    ReservationIn,
    ReservationOut,
    RosterEntry,
    RosterOut,
    RosterWaitlist,
)
from booking.api.enrolment_support import (
    booker_emails,
    enrolment_out,
    reservation_out,
)
from booking.api.enrolments import change_answer
from booking.api.registry import api, reply
from booking.api.session_schemas import SessionOut
from booking.api.sessions import session_out
from booking.core.db import atomic
from booking.core.errors import NotFound
from booking.enrolment import organiser, queries, services
from booking.enrolment.counts import waitlist_counts
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.models import SeatMode, Session
from booking.scheduling.queries import session_detail

ENROLMENTS = "enrolments"


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


@api(
    bp,
    "/sessions/<int:session_id>/cancel",
    "POST",
    summary="Cancel a session",
    tag="sessions",
    auth="token",
    body=ReasonIn,
    optional_body=True,
    response=SessionOut,
    organiser=True,
)
def cancel_session(user, session_id: int, body: ReasonIn):
    """Cancels every place, request and waitlist position and tells each person (with the
    reason). The body may be left out. Cancelling a cancelled session changes nothing."""

    def work() -> None:
        organiser.cancel_session(session_id, actor=user, reason=body.reason)

    atomic(work)
    session = session_detail(session_id, user)
    return reply(session_out(session, user, waitlist_counts([session_id])[session_id]))


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
