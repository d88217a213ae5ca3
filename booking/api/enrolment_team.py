"""Team bookings: a team leader (or an organiser) books several people into a session at once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from booking.api import bp
from booking.api.enrolment_schemas import TeamBookingIn, TeamBookingLine, TeamBookingOut
from booking.api.enrolment_support import find_people
from booking.api.registry import api, reply
from booking.core.db import atomic
from booking.core.errors import NotFound, PermissionDenied
from booking.enrolment import team


@api(
    bp,
    "/team-bookings",
    "POST",
    summary="Book several team members at once",
    tag="enrolments",
    auth="token",
    body=TeamBookingIn,
    response=TeamBookingOut,
    status=201,
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
        if email.strip().lower() not in people
    }
    if missing:
        raise NotFound(next(iter(missing.values())), code="person_not_found", fields=missing)
    ids = [people[email.strip().lower()].id for email in body.participants]

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
