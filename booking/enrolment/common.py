"""What the enrolment services share: outcomes, who may act for (and read) whose enrolments,
the session's open window and modes, and locking an enrolment through its session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.core.errors import Conflict, NotFound, ValidationError
from booking.core.labels import label
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.scheduling.labels import SEAT_MODES
from booking.scheduling.models import SeatMode, Session, SessionStatus
from booking.scheduling.services import lock_session


@dataclass
class CancelOutcome:
    enrolment: Enrolment
    promoted: list[Enrolment] = field(default_factory=list)


# -- who may act for whom -----------------------------------------------------------------------


def leads(actor: User, person: User) -> bool:
    return (
        actor.role == Role.TEAM_LEADER
        and actor.team_id is not None
        and actor.team_id == person.team_id
    )


def may_act_for(actor: User, person: User) -> bool:
    return actor.id == person.id or actor.is_organiser or leads(actor, person)


def may_read(actor: User, person: User) -> bool:
    """Who may see a person's enrolments: the person, their team leader, HR of their
    organisation (invariant 7, organisations walled off: only their own), organisers."""
    if may_act_for(actor, person):
        return True
    return (
        actor.role == Role.HR
        and actor.organisation_id is not None
        and actor.organisation_id == person.organisation_id
    )


def may_see_invite(actor: User, person: User) -> bool:
    """The participant, their team leader and organisers: the invite is the person's own
    calendar entry (HR of the organisation reads the enrolment, not its invite)."""
    return may_act_for(actor, person)


# -- the join link (issue 9) ----------------------------------------------------------------------

JOIN_WINDOW = timedelta(hours=1)  # the link shows from an hour before the start until the end


class JoinState:
    OPEN = "open"
    TOO_EARLY = "too_early"
    ENDED = "ended"
    NOT_YOURS = "not_yours"  # not a confirmed online place, or the session is off


def join_opens_at(session: Session) -> datetime:
    return session.starts_at - JOIN_WINDOW


def join_state(enrolment: Enrolment, now: datetime) -> str:
    """The one rule for the join link, for the place page, the mails, the API and
    `/deelnemen/<token>` alike: only a confirmed online place of a session that takes place,
    from an hour before its start until its end."""
    session = enrolment.session
    if not (
        enrolment.status == EnrolmentStatus.CONFIRMED
        and enrolment.mode == SeatMode.ONLINE
        and session.status == SessionStatus.SCHEDULED
    ):
        return JoinState.NOT_YOURS
    if now < join_opens_at(session):
        return JoinState.TOO_EARLY
    if now >= session.ends_at:
        return JoinState.ENDED
    # Read last: a place page or list of coming places never loads the venue.
    online = session.online_venue
    return JoinState.OPEN if online is not None and online.join_url else JoinState.NOT_YOURS


def may_join(enrolment: Enrolment, now: datetime, reader_id: int | None) -> bool:
    """Only the person themselves is given their link: opening it says they joined."""
    return reader_id == enrolment.user_id and join_state(enrolment, now) == JoinState.OPEN


def online_available(enrolment: Enrolment) -> bool:
    """A person waiting for a place in person could take an online place now (and keep
    waiting): the session is hybrid, still on, and has a free online place."""
    session = enrolment.session
    return (
        enrolment.status == EnrolmentStatus.WAITLISTED
        and enrolment.mode == SeatMode.IN_PERSON
        and session.status == SessionStatus.SCHEDULED
        and session.free(SeatMode.ONLINE) > 0
    )


def check_open(session: Session, actor: User, now: datetime) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(_l("This session has been cancelled."), code="session_cancelled")
    if now >= session.starts_at:
        raise Conflict(_l("This session has already started."), code="session_started")
    if actor.is_organiser:
        return  # organisers may add people outside the enrolment window
    if session.enrolment_opens_at and now < session.enrolment_opens_at:
        raise Conflict(_l("Enrolment has not opened yet."), code="enrolment_not_open")
    if session.enrolment_closes_at and now > session.enrolment_closes_at:
        raise Conflict(_l("Enrolment for this session has closed."), code="enrolment_closed")


def choose_mode(session: Session, mode: str | None) -> str:
    offered = session.seat_modes
    if mode is None:
        if len(offered) == 1:
            return offered[0]
        message = _l("Choose in person or online.")
        raise ValidationError(message, code="mode_required", fields={"mode": message})
    if mode not in offered:
        message = _l("This session has no places %(mode)s.", mode=label(SEAT_MODES, mode))
        raise ValidationError(message, code="mode_not_offered", fields={"mode": message})
    return mode


def enrolment_not_found() -> NotFound:
    return NotFound(_l("No such enrolment."), code="enrolment_not_found")


def lock_enrolment(enrolment_id: int, actor: User | None = None) -> tuple[Session, Enrolment]:
    """The place and its session, locked. With the person acting: a place they may not even
    read (`may_read`) is a 404 like a missing one, before any other check, so nobody probes
    which places exist, nor places in another organisation's closed sessions (invariant 7)."""
    session_id = db.session.scalar(select(Enrolment.session_id).where(Enrolment.id == enrolment_id))
    if session_id is None:
        raise enrolment_not_found()
    session = lock_session(session_id)
    enrolment = db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .execution_options(populate_existing=True)
    )
    if actor is not None and not may_read(actor, enrolment.user):
        raise enrolment_not_found()
    return session, enrolment
