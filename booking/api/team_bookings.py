"""Team bookings: a team leader (or an organiser) books several people into a session at once."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from pydantic import Field, StrictBool
from sqlalchemy import select

from booking.accounts.models import User
from booking.accounts.services import email_key
from booking.api import bp
from booking.api.enrolments import ENROLMENTS
from booking.api.registry import api, reply
from booking.api.schemas import Email, Id, Input, Output
from booking.core.db import atomic
from booking.core.errors import NotFound, PermissionDenied
from booking.enrolment import team
from booking.extensions import db
from booking.scheduling.models import SeatMode

# -- shapes -------------------------------------------------------------------------------------


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


# -- people -------------------------------------------------------------------------------------


def find_people(actor: User, emails: Iterable[str]) -> dict[str, User]:
    """Active people by lower-case e-mail, within the caller's reach, in one query.

    Addresses are stored lower case (accounts.services.normalise_email), so comparing with
    the lower-cased input is case-insensitive and can use the unique index.
    """
    wanted = sorted({email_key(e) for e in emails})
    if not wanted:
        return {}
    query = select(User).where(User.email.in_(wanted), User.active.is_(True))
    if not actor.is_organiser:
        if not (actor.is_team_leader and actor.team_id is not None):
            return {e: actor for e in wanted if e == email_key(actor.email)}
        query = query.where(User.team_id == actor.team_id)
    return {email_key(u.email): u for u in db.session.scalars(query)}


# -- endpoint -----------------------------------------------------------------------------------


@api(
    bp,
    "/team-bookings",
    "POST",
    summary="Book several team members at once",
    tag=ENROLMENTS,
    auth="token",
    body=TeamBookingIn,
    response=TeamBookingOut,
    status=201,
    errors={
        404: "`person_not_found`: an address is unknown, or not in the team leader's team; "
        "`fields` names each (`participants.0`)."
    },
)
def book_team(user, body: TeamBookingIn):
    """Team leaders book members of their own team; organisers book anyone. The result names
    each participant's outcome (`confirmed`, `waitlisted`, `already_enrolled`, `clash`), in
    the order sent (an address sent twice counts once). With `all_or_nothing`, nobody is
    booked unless everyone gets a place now: 409 `not_enough_places` (or `clash`) and nothing
    written. An address that is unknown, or not in the team leader's team: 404
    `person_not_found` naming it in `fields`."""
    if not (user.is_organiser or user.is_team_leader):
        raise PermissionDenied(_l("Only team leaders and organisers book for a team."))
    people = find_people(user, body.participants)
    missing = {
        f"participants.{i}": _l("No such person.")
        for i, email in enumerate(body.participants)
        if email_key(email) not in people
    }
    if missing:
        raise NotFound(next(iter(missing.values())), code="person_not_found", fields=missing)
    ids = [people[email_key(email)].id for email in body.participants]

    def work() -> TeamBookingOut:
        lines = team.book_team(
            body.session_id, ids, actor=user, mode=body.mode, all_or_nothing=body.all_or_nothing
        )
        return TeamBookingOut(
            session_id=body.session_id,
            results=[
                TeamBookingLine(
                    participant=line.user.email,
                    participant_name=line.user.name,
                    outcome=line.outcome,
                    enrolment_id=line.enrolment.id if line.enrolment is not None else None,
                    status=line.enrolment.status if line.enrolment is not None else None,
                    waitlist_position=line.position,
                )
                for line in lines
            ],
        )

    return reply(atomic(work), 201)
