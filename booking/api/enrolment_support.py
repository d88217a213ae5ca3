"""What the enrolment endpoints share: finding the participant, who may read an enrolment,
and the enrolment answer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.accounts.models import Role, User
from booking.api.enrolment_schemas import EnrolmentOut, ReservationOut, SessionSummary
from booking.core.errors import NotFound, PermissionDenied
from booking.core.timez import iso_local
from booking.enrolment.models import Enrolment, EnrolmentStatus, SeatReservation
from booking.enrolment.services import leads
from booking.extensions import db
from booking.scheduling.models import SeatMode, Session, SessionStatus

S = EnrolmentStatus


# -- people -------------------------------------------------------------------------------------


def participant_key(actor: User, email: str | None) -> User | str:
    """Whom an enrolment request is for: the caller, or an e-mail address the engine looks up
    in the same statement that locks the person (the request's budget is eight statements).
    Participants may only name themselves."""
    if email is None or email.strip().lower() == actor.email.lower():
        return actor
    if not (actor.is_organiser or actor.is_team_leader):
        raise PermissionDenied(_l("You may enrol only yourself."))
    return email.strip().lower()


def find_person(actor: User, email: str | None, field: str = "participant") -> User:
    """The participant named by e-mail (any case), as far as the caller may book for them.

    Participants may only name themselves. A team leader finds only the members of their own
    team and an organiser finds anyone; someone out of reach is answered as unknown, so the
    API does not tell which addresses exist in other organisations.
    """
    if email is None:
        return actor
    wanted = email.strip().lower()
    if wanted == actor.email.lower():
        return actor
    if not (actor.is_organiser or actor.is_team_leader):
        raise PermissionDenied(_l("You may enrol only yourself."))
    found = find_people(actor, [wanted]).get(wanted)
    if found is None:
        message = _l("No such person.")
        raise NotFound(message, code="person_not_found", fields={field: message})
    return found


def find_people(actor: User, emails: Iterable[str]) -> dict[str, User]:
    """Active people by lower-case e-mail, within the caller's reach, in one query.

    Addresses are stored lower case (accounts.services.normalise_email), so comparing with
    the lower-cased input is case-insensitive and can use the unique index.
    """
    wanted = sorted({e.strip().lower() for e in emails})
    if not wanted:
        return {}
    query = select(User).where(User.email.in_(wanted), User.active.is_(True))
    if not actor.is_organiser:
        if not (actor.is_team_leader and actor.team_id is not None):
            return {e: actor for e in wanted if e == actor.email.lower()}
        query = query.where(User.team_id == actor.team_id)
    return {u.email.lower(): u for u in db.session.scalars(query)}


def may_read(actor: User, person: User) -> bool:
    """The person, their team leader, HR of their organisation, organisers."""
    if actor.id == person.id or actor.is_organiser or leads(actor, person):
        return True
    return (
        actor.role == Role.HR
        and actor.organisation_id is not None
        and actor.organisation_id == person.organisation_id
    )


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


# -- answers ------------------------------------------------------------------------------------


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


def online_available(enrolment: Enrolment) -> bool:
    session = enrolment.session
    return (
        enrolment.status == S.WAITLISTED
        and enrolment.mode == SeatMode.IN_PERSON
        and session.status == SessionStatus.SCHEDULED
        and session.free(SeatMode.ONLINE) > 0
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
