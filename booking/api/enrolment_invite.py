"""The current calendar invite of an enrolment, as iCalendar text (not JSON)."""

from __future__ import annotations

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
from booking.api import bp
from booking.api.enrolment_support import not_found
from booking.api.enrolments import ENROLMENTS
from booking.api.registry import api
from booking.calendar import ics
from booking.enrolment.common import leads
from booking.enrolment.models import Enrolment
from booking.extensions import db
from booking.scheduling.queries import place_and_times


def may_see_invite(actor: User, person: User) -> bool:
    """The participant, their team leader and organisers: the invite is the person's own
    calendar entry (HR of the organisation reads the enrolment, not its invite)."""
    return actor.id == person.id or actor.is_organiser or leads(actor, person)


def _enrolment(enrolment_id: int) -> Enrolment | None:
    """The enrolment with its person, session, course, venues and meetings (2 statements)."""
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(
            joinedload(Enrolment.user),
            joinedload(Enrolment.session).options(
                *place_and_times(),
            ),
        )
    )


@api(
    bp,
    "/enrolments/<int:enrolment_id>/invite.ics",
    "GET",
    summary="The calendar invite of an enrolment",
    tag=ENROLMENTS,
    auth="token",
    media_type="text/calendar",
)
def get_enrolment_invite(user, enrolment_id: int):
    """The invite as it stands now, as `text/calendar` (iCalendar, RFC 5545/5546), not JSON:
    METHOD:REQUEST while the enrolment holds a confirmed place, METHOD:CANCEL otherwise, with
    the same UID and SEQUENCE as the e-mailed invites. The Content-Type names the method
    (`text/calendar; method=REQUEST; charset=utf-8`). For the participant, their team
    leader and organisers; anyone else gets a 404, as if the enrolment did not exist."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or not may_see_invite(user, enrolment.user):
        raise not_found()
    method = ics.current_method(enrolment)
    response = Response(
        ics.invite(enrolment, method),
        content_type=f"text/calendar; method={method}; charset=utf-8",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="invite.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response
