"""Enrolments: enrol (self, a team member, anyone as organiser), read one, the caller's own
list, cancel, answer offers, and an enrolment's calendar invite; with the enrolment's shapes
and how it is answered, which approvals and rosters answer too.

Every write is one `atomic` unit of work whose answer is built before the commit (objects
expire at commit; reloading them would cost statements), so an enrolment request stays within
its budget of 8 SQL statements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from flask import Response, url_for
from flask_babel import lazy_gettext as _l
from pydantic import Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
from booking.accounts.services import email_key
from booking.api import bp
from booking.api.registry import api, reply
from booking.api.schemas import (
    Email,
    Input,
    LocalTime,
    Output,
    Page,
    PageQuery,
    Reason,
    ReasonIn,
)
from booking.calendar import ics
from booking.core.db import atomic
from booking.core.errors import NotFound, PermissionDenied
from booking.core.timez import iso_local
from booking.enrolment import places, queries, services
from booking.enrolment.common import CancelOutcome, may_read, may_see_invite, online_available
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling.models import SeatMode, Session

ENROLMENTS = "enrolments"
S = EnrolmentStatus

# -- shapes: input ------------------------------------------------------------------------------


class EnrolIn(Input):
    """The whole body may be left out: then the caller enrols in a session with one mode."""

    mode: SeatMode | None = Field(
        None, description="in_person or online; may be left out when the session has one mode."
    )
    participant: Email | None = Field(
        None,
        description="Whom to enrol: a member of the caller's team (team leaders) or anyone "
        "(organisers). Left out: the caller.",
    )
    accept_online: StrictBool = Field(
        False,
        description="When in person is full but online has places: take an online place now "
        "and stay on the in-person waitlist.",
    )
    override_reason: Reason | None = Field(
        None, description="Organisers only: allow a place that overlaps another, and why."
    )


class CancelIn(ReasonIn):
    """The body may be left out."""

    status: EnrolmentStatus | None = Field(
        None,
        description="The status the caller last saw (e.g. waitlisted). If the enrolment has "
        "changed since, nothing is cancelled: 409 `changed`. Left out: cancel whatever it "
        "holds now.",
    )


class NoFieldsIn(Input):
    """No fields; the body may be left out or be `{}`."""


StatusFilter = Literal[
    "active",
    "all",
    "pending_approval",
    "confirmed",
    "waitlisted",
    "offered",
    "cancelled",
    "declined",
    "expired",
]
assert set(StatusFilter.__args__) == {"active", "all", *EnrolmentStatus}


class MyEnrolmentsQuery(PageQuery):
    status: StatusFilter = Field(
        "active",
        description="One status, 'active' (pending, confirmed, waitlisted, offered; the "
        "default) or 'all'.",
    )
    upcoming: bool = Field(False, description="true: only sessions that have not ended.")


# -- shapes: output -----------------------------------------------------------------------------


class SessionSummary(Output):
    id: int
    course_id: int
    course_title: str
    mode: str
    status: str
    starts_at: LocalTime
    ends_at: LocalTime


class EnrolmentOut(Output):
    id: int
    session_id: int
    participant: str = Field(description="The participant's e-mail address.")
    participant_name: str
    mode: str = Field(description="The seat held, or waited for when waitlisted.")
    status: str = Field(
        description="pending_approval, confirmed, waitlisted, offered, cancelled, declined "
        "or expired."
    )
    waitlist_position: int | None = Field(
        description="1 is next in line; for a confirmed place that also waits for the other "
        "mode (`waiting_for`), the position in that queue; else null."
    )
    waiting_for: str | None = Field(description="The other mode a confirmed participant awaits.")
    online_available: bool = Field(
        description="Waiting for an in-person place while online places are free; "
        "`accept_online: true` in the enrolment request takes such a place and keeps waiting."
    )
    offer_expires_at: LocalTime | None
    approval_expires_at: LocalTime | None
    confirmed_at: LocalTime | None
    cancelled_at: LocalTime | None
    late_cancel: bool = Field(description="Cancelled after the cancellation deadline.")
    booked_by: str | None = Field(description="E-mail address of whoever made the request.")
    created_at: LocalTime
    session: SessionSummary


class EnrolmentChange(EnrolmentOut):
    promoted: list[int] = Field(
        description="Enrolments that got the freed place (confirmed, offered or pending "
        "approval), in order."
    )


class EnrolmentList(Page):
    items: list[EnrolmentOut]


# -- answers ------------------------------------------------------------------------------------


def not_found() -> NotFound:
    return NotFound(_l("No such enrolment."), code="enrolment_not_found")


@contextmanager
def hidden_from_strangers(actor: User, enrolment_id: int) -> Iterator[None]:
    """A service's 403 becomes a 404 for someone who may not even read the enrolment, so
    strangers cannot probe which enrolments exist. The service has loaded the enrolment and
    its person by then, so the check costs no query."""
    try:
        yield
    except PermissionDenied:
        enrolment = db.session.get(Enrolment, enrolment_id)
        if enrolment is None or not may_read(actor, enrolment.user):
            raise not_found() from None
        raise


def booker_emails(enrolments: Iterable[Enrolment], known: Iterable[User] = ()) -> dict[int, str]:
    """E-mail addresses of whoever booked these enrolments: known people (the caller, the
    participants) without a query, the others in one."""
    enrolments = list(enrolments)
    emails = {u.id: u.email for u in known}
    for e in enrolments:
        if "user" in e.__dict__ and e.user is not None:  # loaded: no lazy load here
            emails[e.user.id] = e.user.email
    missing = {e.booked_by_id for e in enrolments if e.booked_by_id} - set(emails)
    if missing:
        rows = db.session.execute(select(User.id, User.email).where(User.id.in_(missing)))
        emails.update({row.id: row.email for row in rows})
    return emails


def loaded_session(session_id: int) -> Session:
    """The session with what an enrolment answer reads (course, seats), for the caller to
    hold while answering. The engine's session object may be gone from the (weak) identity
    map once its service returned: then this is one statement instead of three lazy loads;
    while it is still there, none."""
    return db.session.get(
        Session, session_id, options=[joinedload(Session.course), joinedload(Session.seats)]
    )


def session_summary(session: Session) -> SessionSummary:
    return SessionSummary(
        id=session.id,
        course_id=session.course_id,
        course_title=session.course.title,
        mode=session.mode,
        status=session.status,
        starts_at=iso_local(session.starts_at),
        ends_at=iso_local(session.ends_at),
    )


def enrolment_out(
    enrolment: Enrolment,
    position: int | None,
    emails: dict[int, str],
    model: type[EnrolmentOut] = EnrolmentOut,
    **extra: Any,
) -> Any:
    """The enrolment as the API answers it. Reads only what is loaded: the enrolment, its
    person, its session with course and seats; build it before the commit expires them."""
    person = enrolment.user
    return model(
        id=enrolment.id,
        session_id=enrolment.session_id,
        participant=person.email,
        participant_name=person.name,
        mode=enrolment.mode,
        status=enrolment.status,
        waitlist_position=position,
        waiting_for=enrolment.waiting_for,
        online_available=online_available(enrolment),
        offer_expires_at=iso_local(enrolment.offer_expires_at),
        approval_expires_at=iso_local(enrolment.approval_expires_at),
        confirmed_at=iso_local(enrolment.confirmed_at),
        cancelled_at=iso_local(enrolment.cancelled_at),
        late_cancel=enrolment.late_cancel,
        booked_by=emails.get(enrolment.booked_by_id) if enrolment.booked_by_id else None,
        created_at=iso_local(enrolment.created_at),
        session=session_summary(enrolment.session),
        **extra,
    )


def change_answer(outcome: CancelOutcome, actor: User) -> EnrolmentChange:
    """The changed enrolment and whoever got a freed place, read inside the unit of work."""
    enrolment = outcome.enrolment
    session = loaded_session(enrolment.session_id)  # noqa: F841 - held while answering
    emails = booker_emails([enrolment], known=[actor])
    return enrolment_out(
        enrolment,
        places.position(enrolment),
        emails,
        EnrolmentChange,
        promoted=[e.id for e in outcome.promoted],
    )


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
