"""Read-only enrolment queries for pages and the API; each a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from booking.accounts.models import Role, Team, User
from booking.core.db import utcnow
from booking.enrolment.models import (
    ACTIVE,
    Enrolment,
    EnrolmentStatus,
    InCompanyRequest,
    InCompanyStatus,
)
from booking.enrolment.places import positions
from booking.extensions import db
from booking.scheduling.models import SeatReservation, Session
from booking.scheduling.queries import place_and_times

S = EnrolmentStatus


def _with_session(query):
    return query.options(
        selectinload(Enrolment.session).selectinload(Session.course),
        selectinload(Enrolment.session).selectinload(Session.meetings),
        selectinload(Enrolment.session).selectinload(Session.seats),
        selectinload(Enrolment.session).selectinload(Session.venue),
        selectinload(Enrolment.session).selectinload(Session.room),
        selectinload(Enrolment.session).selectinload(Session.online_venue),
    )


@dataclass
class Listed:
    enrolment: Enrolment
    position: int | None = None


def with_positions(enrolments: list[Enrolment]) -> list[Listed]:
    found = positions([e.id for e in enrolments if e.status == S.WAITLISTED or e.waiting_for])
    return [Listed(e, found.get(e.id)) for e in enrolments]


def _of_person(user_id: int, statuses, *, upcoming_only: bool, limit: int, offset: int):
    """A person's enrolments (of these statuses; None: all), soonest session first."""
    query = (
        select(Enrolment)
        .join(Session, Session.id == Enrolment.session_id)
        .where(Enrolment.user_id == user_id)
        .order_by(Session.starts_at, Enrolment.id)
        .limit(limit)
        .offset(offset)
    )
    if statuses is not None:
        query = query.where(Enrolment.status.in_(statuses))
    if upcoming_only:
        query = query.where(Session.ends_at > utcnow())
    return query


def for_user(
    user_id: int,
    *,
    active_only: bool = True,
    upcoming_only: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[Listed]:
    """A person's enrolments, soonest session first, with waitlist positions and all a page
    shows of their sessions."""
    query = _of_person(
        user_id,
        ACTIVE if active_only else None,
        upcoming_only=upcoming_only,
        limit=limit,
        offset=offset,
    )
    return with_positions(list(db.session.scalars(_with_session(query))))


def my_enrolments(
    user_id: int, *, status: str = "active", upcoming_only: bool = False, limit: int, offset: int
) -> list[Enrolment]:
    """A person's enrolments of one status, "active" or "all", soonest session first, with
    their sessions' courses and seats (what an enrolment answer reads; no positions: the
    caller takes them for the rows it keeps)."""
    statuses = ACTIVE if status == "active" else None if status == "all" else (status,)
    query = _of_person(
        user_id, statuses, upcoming_only=upcoming_only, limit=limit, offset=offset
    ).options(
        selectinload(Enrolment.session).selectinload(Session.course),
        selectinload(Enrolment.session).selectinload(Session.seats),
    )
    return list(db.session.scalars(query))


def get(enrolment_id: int) -> Listed | None:
    enrolment = db.session.scalar(
        _with_session(select(Enrolment).where(Enrolment.id == enrolment_id)).options(
            selectinload(Enrolment.user)
        )
    )
    if enrolment is None:
        return None
    return with_positions([enrolment])[0]


def for_invite(enrolment_id: int) -> Enrolment | None:
    """The enrolment with its person, session, course, venues and meetings (2 statements):
    all a calendar invite reads."""
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(
            joinedload(Enrolment.user),
            joinedload(Enrolment.session).options(*place_and_times()),
        )
    )


@dataclass
class Roster:
    """A session's people as an organiser manages them."""

    confirmed: list[Enrolment] = field(default_factory=list)
    pending: list[Enrolment] = field(default_factory=list)
    offered: list[Enrolment] = field(default_factory=list)
    waitlist: dict[str, list[Listed]] = field(default_factory=dict)  # per mode, in order
    ended: list[Enrolment] = field(default_factory=list)
    reservations: list[SeatReservation] = field(default_factory=list)


def roster(session_id: int, include_ended: bool = False) -> Roster:
    query = (
        select(Enrolment)
        .where(Enrolment.session_id == session_id)
        .options(
            selectinload(Enrolment.user).selectinload(User.organisation),
            selectinload(Enrolment.user).selectinload(User.team),
            selectinload(Enrolment.booked_by),
        )
        .order_by(Enrolment.queued_at, Enrolment.created_at, Enrolment.id)
    )
    if not include_ended:
        query = query.where(Enrolment.status.in_(ACTIVE))
    result = Roster()
    enrolments = list(db.session.scalars(query))
    listed = with_positions(enrolments)
    for item in listed:
        e = item.enrolment
        if e.status == S.CONFIRMED:
            result.confirmed.append(e)
        elif e.status == S.PENDING_APPROVAL:
            result.pending.append(e)
        elif e.status == S.OFFERED:
            result.offered.append(e)
        elif not e.is_active:
            result.ended.append(e)
        if item.position is not None:
            mode = e.mode if e.status == S.WAITLISTED else e.waiting_for
            result.waitlist.setdefault(mode, []).append(item)
    for items in result.waitlist.values():
        items.sort(key=lambda item: item.position)
    result.confirmed.sort(key=lambda e: e.user.name)
    result.reservations = list(
        db.session.scalars(
            select(SeatReservation)
            .where(SeatReservation.session_id == session_id)
            .options(selectinload(SeatReservation.organisation))
            .order_by(SeatReservation.until)
        )
    )
    return result


def pending_approvals(approver: User) -> list[Enrolment]:
    """Requests waiting for this person's decision: their team's (team leader), or the ones
    without a team leader to decide (organisers)."""
    query = (
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.status == S.PENDING_APPROVAL, User.id != approver.id)
    )
    if approver.role == Role.TEAM_LEADER and approver.team_id:
        query = query.where(User.team_id == approver.team_id)
    elif approver.is_organiser:
        leaders = select(User.team_id).where(
            User.role == Role.TEAM_LEADER, User.active.is_(True), User.team_id.is_not(None)
        )
        query = query.where(or_(User.team_id.is_(None), User.team_id.not_in(leaders)))
    else:
        return []
    query = _with_session(query.order_by(Enrolment.approval_expires_at)).options(
        selectinload(Enrolment.user)
    )
    return list(db.session.scalars(query))


def team_enrolments(team_id: int, upcoming_only: bool = True) -> list[Listed]:
    query = (
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .join(Session, Session.id == Enrolment.session_id)
        .where(User.team_id == team_id, Enrolment.status.in_(ACTIVE))
        .order_by(Session.starts_at, User.name)
        .options(selectinload(Enrolment.user))
    )
    if upcoming_only:
        query = query.where(Session.ends_at > utcnow())
    return with_positions(list(db.session.scalars(_with_session(query))))


def in_company_requests(
    *, team_id: int | None = None, course_id: int | None = None, open_only: bool = False
):
    query = (
        select(InCompanyRequest)
        .options(
            selectinload(InCompanyRequest.team).selectinload(Team.organisation),
            selectinload(InCompanyRequest.requested_by),
            selectinload(InCompanyRequest.course),
            selectinload(InCompanyRequest.session).selectinload(Session.course),
        )
        .order_by(InCompanyRequest.created_at.desc())
    )
    if team_id is not None:
        query = query.where(InCompanyRequest.team_id == team_id)
    if course_id is not None:
        query = query.where(InCompanyRequest.course_id == course_id)
    if open_only:
        query = query.where(InCompanyRequest.status == InCompanyStatus.OPEN)
    return list(db.session.scalars(query))
