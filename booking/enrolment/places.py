"""The mechanics under every enrolment rule: locks, seat counters, time slots, the queue.

Everything here runs inside a transaction that holds the session's row lock
(`scheduling.services.lock_session`), so the counters in `session_seats` change one
transaction at a time (invariant 1, capacity). People's
rows are locked after the session's, in id order, so two transactions never wait for each
other in a circle over the same two rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, func, insert, literal, or_, select, tuple_

from booking.accounts.models import Role, User
from booking.core.db import for_update, utcnow
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import (
    PLACED,
    BookedSlot,
    Enrolment,
    EnrolmentStatus,
)
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.models import (
    Meeting,
    Promotion,
    SeatReservation,
    Session,
    SessionSeats,
    SessionStatus,
)

S = EnrolmentStatus


# -- locks --------------------------------------------------------------------------------------


def lock_users(user_ids) -> dict[int, User]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    query = for_update(select(User).where(User.id.in_(ids)).order_by(User.id))
    return {u.id: u for u in db.session.scalars(query)}


def seats_of(session: Session) -> dict[str, SessionSeats]:
    return {s.mode: s for s in session.seats}


# -- seats --------------------------------------------------------------------------------------


def active_reservation(session: Session, organisation_id: int | None, mode: str, now: datetime):
    """The organisation's reservation with seats left, if the counters say there may be one."""
    seats = seats_of(session).get(mode)
    if organisation_id is None or seats is None or seats.reserved == 0:
        return None  # no query when nothing is reserved: the common case stays cheap
    return db.session.scalar(
        select(SeatReservation).where(
            SeatReservation.session_id == session.id,
            SeatReservation.organisation_id == organisation_id,
            SeatReservation.mode == mode,
            SeatReservation.released_at.is_(None),
            SeatReservation.until > now,
            SeatReservation.used < SeatReservation.seats,
        )
    )


def can_place(session: Session, mode: str, reservation) -> bool:
    seats = seats_of(session).get(mode)
    return seats is not None and (reservation is not None or seats.free > 0)


def take_seat(session: Session, enrolment: Enrolment, status: str, reservation=None) -> None:
    """Give `enrolment` a seat of its mode as `status` (confirmed, or held while pending)."""
    seats = seats_of(session)[enrolment.mode]
    if reservation is not None:
        seats.reserved -= 1
        reservation.used += 1
        enrolment.reservation = reservation
    if status == S.CONFIRMED:
        seats.confirmed += 1
    else:
        seats.held += 1
    enrolment.status = status


def give_back_seat(session: Session, enrolment: Enrolment, now: datetime) -> None:
    """The seat returns to its reservation while that runs, else to everyone."""
    seats = seats_of(session)[enrolment.mode]
    if enrolment.status == S.CONFIRMED:
        seats.confirmed -= 1
    elif enrolment.status in (S.PENDING_APPROVAL, S.OFFERED):
        seats.held -= 1
    else:
        return
    reservation = enrolment.reservation
    if reservation is not None and reservation.released_at is None and reservation.until > now:
        reservation.used -= 1
        seats.reserved += 1
    enrolment.reservation = None


def confirm_held(session: Session, enrolment: Enrolment) -> None:
    seats = seats_of(session)[enrolment.mode]
    seats.held -= 1
    seats.confirmed += 1
    enrolment.status = S.CONFIRMED


# -- time slots (invariant 3, no double booking) -----------------------------------------------


def _meetings_overlapping(session_id: int):
    """The session's meetings (aliased) and the condition that one overlaps a booked slot."""
    mine = Meeting.__table__.alias("mine")
    overlap = and_(
        mine.c.session_id == session_id,
        mine.c.starts_at < BookedSlot.ends_at,
        mine.c.ends_at > BookedSlot.starts_at,
    )
    return mine, overlap


def clash(user_id: int, session_id: int):
    """Another session in which this person holds a place at an overlapping time, or None.
    Places an organiser allowed to overlap still count: the exception was for that pair."""
    mine, overlap = _meetings_overlapping(session_id)
    query = (
        select(Session.id, Session.course_id, Session.starts_at)
        .select_from(BookedSlot)
        .join(Enrolment, Enrolment.id == BookedSlot.enrolment_id)
        .join(Session, Session.id == Enrolment.session_id)
        .join(mine, overlap)
        .where(BookedSlot.user_id == user_id, Enrolment.session_id != session_id)
        .limit(1)
    )
    return db.session.execute(query).first()


def clashing_users(user_ids, session_id: int) -> set[int]:
    """Of these people, those holding a place that overlaps this session (one query)."""
    if not user_ids:
        return set()
    mine, overlap = _meetings_overlapping(session_id)
    query = (
        select(BookedSlot.user_id)
        .join(Enrolment, Enrolment.id == BookedSlot.enrolment_id)
        .join(mine, overlap)
        .where(
            BookedSlot.user_id.in_(list(user_ids)),
            Enrolment.session_id != session_id,
        )
        .distinct()
    )
    return set(db.session.scalars(query))


def add_slots(enrolment: Enrolment, overridden: bool = False) -> None:
    """Copy the session's meetings into the person's booked slots (one INSERT ... SELECT)."""
    db.session.flush()
    source = select(
        literal(enrolment.id),
        literal(enrolment.user_id),
        Meeting.starts_at,
        Meeting.ends_at,
        literal(overridden),
    ).where(Meeting.session_id == enrolment.session_id)
    db.session.execute(
        insert(BookedSlot).from_select(
            ["enrolment_id", "user_id", "starts_at", "ends_at", "overridden"], source
        )
    )


def remove_slots(enrolment: Enrolment) -> None:
    db.session.execute(delete(BookedSlot).where(BookedSlot.enrolment_id == enrolment.id))


# -- the queue ----------------------------------------------------------------------------------

queued_mode = case(  # the mode a queue entry waits for
    (Enrolment.status == S.WAITLISTED, Enrolment.mode), else_=Enrolment.waiting_for
)
IN_QUEUE = or_(
    Enrolment.status == S.WAITLISTED,
    and_(Enrolment.status == S.CONFIRMED, Enrolment.waiting_for.is_not(None)),
)


def position(enrolment: Enrolment) -> int | None:
    """1 for the first in line of the enrolment's queue; None when not waiting."""
    if not (enrolment.status == S.WAITLISTED or enrolment.waiting_for):
        return None
    mode = enrolment.mode if enrolment.status == S.WAITLISTED else enrolment.waiting_for
    ahead = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.session_id == enrolment.session_id,
            IN_QUEUE,
            queued_mode == mode,
            tuple_(Enrolment.queued_at, Enrolment.id) < (enrolment.queued_at, enrolment.id),
        )
    )
    return ahead + 1


def positions(enrolment_ids) -> dict[int, int]:
    """Queue positions of many enrolments in one query (window function)."""
    if not enrolment_ids:
        return {}
    ranked = (
        select(
            Enrolment.id,
            func.row_number()
            .over(
                partition_by=(Enrolment.session_id, queued_mode),
                order_by=(Enrolment.queued_at, Enrolment.id),
            )
            .label("position"),
        )
        .where(
            IN_QUEUE,
            Enrolment.session_id.in_(
                select(Enrolment.session_id).where(Enrolment.id.in_(list(enrolment_ids)))
            ),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.position).where(ranked.c.id.in_(list(enrolment_ids)))
    )
    return {row.id: row.position for row in rows}


def _next_in_line(session: Session, mode: str, skip: set[int]) -> Enrolment | None:
    query = (
        select(Enrolment)
        .where(Enrolment.session_id == session.id, IN_QUEUE, queued_mode == mode)
        .order_by(Enrolment.queued_at, Enrolment.id)
        .limit(1)
    )
    if skip:
        query = query.where(Enrolment.id.not_in(skip))
    return db.session.scalar(query)


def offer_deadline(session: Session, now: datetime) -> datetime:
    """The session's offer time, but at most half the time left before it starts."""
    hours = timedelta(hours=session.offer_hours)
    left = session.starts_at - now
    return now + max(min(hours, left / 2), min(timedelta(minutes=30), left))


def approval_deadline(now: datetime) -> datetime:
    return now + timedelta(days=current_app.config["APPROVAL_EXPIRY_DAYS"])


def fill_free_places(session: Session, now: datetime | None = None) -> list[Enrolment]:
    """Give free places to the longest-waiting eligible people (invariant 4, fair waitlist), in this
    transaction. People who would clash with a place they hold keep their position."""
    now = now or utcnow()
    if session.status != SessionStatus.SCHEDULED or now >= session.starts_at:
        return []  # nobody is promoted after the session has started
    promoted: list[Enrolment] = []
    skip: set[int] = set()
    progress = True
    while progress:
        progress = False
        for mode, seats in sorted(seats_of(session).items()):
            while seats.free > 0:
                candidate = _next_in_line(session, mode, skip)
                if candidate is None:
                    break
                lock_users([candidate.user_id])
                if not candidate.override_reason and clash(candidate.user_id, session.id):
                    skip.add(candidate.id)
                    continue
                _promote(session, candidate, mode, now)
                promoted.append(candidate)
                progress = True
    return promoted


def _promote(session: Session, enrolment: Enrolment, mode: str, now: datetime) -> None:
    person = enrolment.user
    if enrolment.status == S.CONFIRMED:  # holds the other mode and waited for this one
        give_back_seat(session, enrolment, now)
        enrolment.mode, enrolment.waiting_for, enrolment.queued_at = mode, None, None
        take_seat(session, enrolment, S.CONFIRMED)
        enrolment.revision += 1  # the invite's place changes
        queue(person, MessageKind.MODE_CHANGED, session=session, enrolment=enrolment, mode=mode)
        return
    enrolment.queued_at = None
    if enrolment.needs_approval:
        take_seat(session, enrolment, S.PENDING_APPROVAL)
        enrolment.approval_expires_at = approval_deadline(now)
        add_slots(enrolment, overridden=bool(enrolment.override_reason))
        request_approval(session, enrolment)
    elif session.promotion == Promotion.OFFER:
        take_seat(session, enrolment, S.OFFERED)
        enrolment.offer_expires_at = offer_deadline(session, now)
        add_slots(enrolment, overridden=bool(enrolment.override_reason))
        queue(
            person,
            MessageKind.OFFER,
            session=session,
            enrolment=enrolment,
            expires_at=enrolment.offer_expires_at.isoformat(),
        )
    else:
        take_seat(session, enrolment, S.CONFIRMED)
        enrolment.confirmed_at = now
        add_slots(enrolment, overridden=bool(enrolment.override_reason))
        queue(person, MessageKind.PROMOTED, session=session, enrolment=enrolment)


def request_approval(session: Session, enrolment: Enrolment) -> None:
    """Tell the person it waits for approval, and their team leaders (or else the organisers)
    that they have a decision to make."""
    person = enrolment.user
    queue(
        person,
        MessageKind.APPROVAL_PENDING,
        session=session,
        enrolment=enrolment,
        expires_at=enrolment.approval_expires_at.isoformat(),
    )
    for approver in approvers_of(person):
        queue(
            approver,
            MessageKind.APPROVAL_REQUESTED,
            session=session,
            enrolment=enrolment,
            participant=person.name,
            expires_at=enrolment.approval_expires_at.isoformat(),
        )


def approvers_of(person: User) -> list[User]:
    if person.team_id:
        leaders = db.session.scalars(
            select(User).where(
                User.team_id == person.team_id,
                User.role == Role.TEAM_LEADER,
                User.active.is_(True),
                User.id != person.id,
            )
        ).all()
        if leaders:
            return list(leaders)
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.ORGANISER, User.active.is_(True)).limit(5)
        )
    )


def end_place(session: Session, enrolment: Enrolment, status: str, now: datetime) -> None:
    """Take an active enrolment out of the session: seat back, slots gone, queue left."""
    if enrolment.status in PLACED:
        give_back_seat(session, enrolment, now)
        remove_slots(enrolment)
        enrolment.revision += 1  # its invite is cancelled with a higher SEQUENCE
    enrolment.status = status
    enrolment.waiting_for = None
    enrolment.queued_at = None
