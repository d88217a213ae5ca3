"""Enrolments: enrol (self, a team member, anyone as organiser), read one, the caller's own
list, cancel, answer offers, and an enrolment's calendar invite. Their shapes and how an
enrolment is answered are in `booking.api.shapes.enrolments`.

Every write is one `atomic` unit of work whose answer is built before the commit (objects
expire at commit; reloading them would cost statements), so an enrolment request stays within
its budget of 8 SQL statements."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import lazy_gettext as _l

from booking.accounts.models import User
from booking.accounts.services import email_key
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.shapes.enrolments import (
    CancelIn,
    EnrolIn,
    EnrolmentChange,
    EnrolmentList,
    EnrolmentOut,
    MyEnrolmentsQuery,
    NoFieldsIn,
    booker_emails,
    change_answer,
    enrolment_out,
    hidden_from_strangers,
    loaded_session,
    not_found,
)
from booking.calendar import ics
from booking.core.db import atomic
from booking.core.errors import NotFound, PermissionDenied
from booking.enrolment import queries, services
from booking.enrolment.common import may_read, may_see_invite
from booking.enrolment.models import EnrolmentStatus

ENROLMENTS = "enrolments"
S = EnrolmentStatus

# -- enrol --------------------------------------------------------------------------------------


def participant_key(actor: User, email: str | None) -> User | str:
    """Whom an enrolment request is for: the caller, or an e-mail address the engine looks up
    in the same statement that locks the person (the request's budget is eight statements).
    Participants may only name themselves."""
    wanted = None if email is None else email_key(email)
    if wanted is None or wanted == email_key(actor.email):
        return actor
    if not (actor.is_organiser or actor.is_team_leader):
        raise PermissionDenied(_l("You may enrol only yourself."))
    return wanted


@api(
    bp,
    "/sessions/<int:session_id>/enrolments",
    "POST",
    summary="Enrol in a session",
    tag=ENROLMENTS,
    auth="token",
    body=EnrolIn,
    optional_body=True,
    response=EnrolmentOut,
    status=201,
    repeat="A repeated or double-submitted request: the existing enrolment, unchanged.",
)
def enrol(user, session_id: int, body: EnrolIn):
    """Enrol the caller, or `participant`: a member of the caller's team (team leaders) or
    anyone (organisers). 201 with the new enrolment: `confirmed`, `pending_approval` (the
    team leader decides; the place is held meanwhile) or, when the session is full,
    `waitlisted` with `waitlist_position` — a full session is not an error. A repeated or
    double-submitted request creates nothing: 200 with the existing enrolment. The body may
    be left out for a session with one mode. Unknown `participant`: 404 `person_not_found`;
    an overlapping place: 409 `clash`."""
    participant = participant_key(user, body.participant)

    def work() -> tuple[bool, EnrolmentOut]:
        outcome = services.enrol(
            session_id,
            participant,
            actor=user,
            mode=body.mode,
            accept_online=body.accept_online,
            override_reason=body.override_reason,
        )
        enrolment = outcome.enrolment
        session = loaded_session(enrolment.session_id)  # noqa: F841 - held while answering
        emails = booker_emails([enrolment], known=[user, enrolment.user])
        return outcome.created, enrolment_out(enrolment, outcome.position, emails)

    try:
        created, answer = atomic(work)
    except PermissionDenied as error:
        if error.code == "not_your_person" and isinstance(participant, str):
            # Someone outside the caller's reach is answered as unknown: the API does not
            # tell which addresses exist in other teams and organisations.
            message = _l("No such person.")
            raise NotFound(message, code="person_not_found", fields={"participant": message})
        raise
    if not created:
        return reply(answer)
    return reply(answer, 201, location=url_for("api.get_enrolment", enrolment_id=answer.id))


# -- read ---------------------------------------------------------------------------------------


@api(
    bp,
    "/enrolments/<int:enrolment_id>",
    "GET",
    summary="One enrolment",
    tag=ENROLMENTS,
    auth="token",
    response=EnrolmentOut,
)
def get_enrolment(user, enrolment_id: int):
    """For the participant, their team leader, HR of their organisation and organisers; for
    anyone else a 404, as if it did not exist."""
    found = queries.get(enrolment_id)
    if found is None or not may_read(user, found.enrolment.user):
        raise not_found()
    enrolment = found.enrolment
    emails = booker_emails([enrolment], known=[user])
    return reply(enrolment_out(enrolment, found.position, emails))


@api(
    bp,
    "/me/enrolments",
    "GET",
    summary="The caller's enrolments",
    tag=ENROLMENTS,
    auth="token",
    query=MyEnrolmentsQuery,
    response=EnrolmentList,
)
def get_my_enrolments(user, query: MyEnrolmentsQuery):
    """Soonest session first, with waitlist positions. `total` is null: follow `has_more`."""
    found = queries.my_enrolments(  # one more than a page: whether more follow
        user.id,
        status=query.status,
        upcoming_only=query.upcoming,
        limit=query.per_page + 1,
        offset=query.offset,
    )
    page = found[: query.per_page]
    listed = queries.with_positions(page)
    emails = booker_emails(page, known=[user])
    return reply(
        EnrolmentList(
            items=[enrolment_out(item.enrolment, item.position, emails) for item in listed],
            page=query.page,
            per_page=query.per_page,
            has_more=len(found) > query.per_page,
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
    enrolment = queries.for_invite(enrolment_id)
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


# -- cancel and offers --------------------------------------------------------------------------


@api(
    bp,
    "/enrolments/<int:enrolment_id>/cancel",
    "POST",
    summary="Cancel an enrolment",
    tag=ENROLMENTS,
    auth="token",
    body=CancelIn,
    optional_body=True,
    response=EnrolmentChange,
    errors={
        409: "The enrolment is no longer in the `status` sent (say a waitlist position that "
        "became a place meanwhile): `changed`; nothing is cancelled."
    },
)
def cancel_enrolment(user, enrolment_id: int, body: CancelIn):
    """Cancel a place, a pending request, an offer or a waitlist position (the body may be
    left out). `promoted` names the enrolments that got the freed place. Cancelling again
    answers the same enrolment with `promoted` empty. After the cancellation deadline only
    a team leader or organiser can cancel (403 `deadline_passed` for the participant), and
    `late_cancel` is then true. With `status`, only an enrolment still in that status is
    cancelled (else 409 `changed`), as on the web page."""

    def work() -> EnrolmentChange:
        with hidden_from_strangers(user, enrolment_id):
            outcome = services.cancel(
                enrolment_id, actor=user, reason=body.reason, expected_status=body.status
            )
        return change_answer(outcome, user)

    return reply(atomic(work))


def _answer_offer(user, enrolment_id: int, accept: bool):
    def work() -> EnrolmentChange:
        with hidden_from_strangers(user, enrolment_id):
            outcome = services.answer_offer(enrolment_id, actor=user, accept=accept)
        return change_answer(outcome, user)

    return reply(atomic(work))


OFFER_NOTE = (
    " The body may be left out. No open offer: 409 `no_offer`. An offer answered after its "
    "deadline has expired: the answer then shows status `expired`, and `promoted` whoever "
    "got the place instead."
)


@api(
    bp,
    "/enrolments/<int:enrolment_id>/accept",
    "POST",
    summary="Accept an offered place",
    tag=ENROLMENTS,
    auth="token",
    body=NoFieldsIn,
    optional_body=True,
    response=EnrolmentChange,
    description="The participant (or an organiser) takes the place offered: status "
    "`confirmed`." + OFFER_NOTE,
)
def accept_offer(user, enrolment_id: int, body: NoFieldsIn):
    return _answer_offer(user, enrolment_id, accept=True)


@api(
    bp,
    "/enrolments/<int:enrolment_id>/decline",
    "POST",
    summary="Decline an offered place",
    tag=ENROLMENTS,
    auth="token",
    body=NoFieldsIn,
    optional_body=True,
    response=EnrolmentChange,
    description="The participant (or an organiser) lets the offered place go to the next in "
    "line: status `declined`." + OFFER_NOTE,
)
def decline_offer(user, enrolment_id: int, body: NoFieldsIn):
    return _answer_offer(user, enrolment_id, accept=False)
