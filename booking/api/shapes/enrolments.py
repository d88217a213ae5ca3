"""An enrolment as the API takes it and shows it: the request and answer shapes, and how an
enrolment is answered (`enrolment_out`, `change_answer`), by the enrolment, approval and roster
endpoints alike. Answers read only what is loaded; build them inside the unit of work, before
the commit expires the objects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from flask import g
from flask_babel import lazy_gettext as _l
from pydantic import Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import User
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
from booking.core.db import utcnow
from booking.core.errors import NotFound, PermissionDenied
from booking.core.timez import iso_local
from booking.enrolment import places
from booking.enrolment.common import CancelOutcome, may_join, may_read, online_available
from booking.enrolment.join_links import join_link
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
    join_url: str | None = Field(
        default=None,
        description="The place's join link (/deelnemen/<token>), only for the participant "
        "themselves, for a confirmed online place from an hour before the start until the "
        "end; else null (also for a team leader, HR or an organiser reading the place).",
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


def _caller_id() -> int | None:
    caller = g.get("api_user")
    return caller.id if caller is not None else None


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
        join_url=join_link(enrolment) if may_join(enrolment, utcnow(), _caller_id()) else None,
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
