"""Organisers' levers on a whole session: cancel it, reserve seats, react to changes; and the
periodic duties that let unanswered offers, approvals and unused reservations go."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from booking.accounts.models import Organisation, User
from booking.core.db import utcnow
from booking.core.errors import NotFound, PermissionDenied, collect
from booking.core.labels import label
from booking.core.models import audit
from booking.enrolment import places
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import (
    ACTIVE,
    PLACED,
    BookedSlot,
    Enrolment,
    EnrolmentStatus,
)
from booking.enrolment.services import expire
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.labels import SEAT_MODES
from booking.scheduling.models import SeatReservation, Session, SessionStatus, Visibility
from booking.scheduling.services import lock_session

S = EnrolmentStatus


def mail_recording(session: Session, url: str) -> int:
    """Mail the recording link to every confirmed place (in person and online), once per
    URL: a corrected link is mailed again (with the new URL), the same URL never twice
    (`Enrolment.recording_mailed_url`, written under the session lock)."""
    owed = db.session.scalars(
        select(Enrolment)
        .where(
            Enrolment.session_id == session.id,
            Enrolment.status == EnrolmentStatus.CONFIRMED,
            or_(Enrolment.recording_mailed_url.is_(None), Enrolment.recording_mailed_url != url),
        )
        .options(selectinload(Enrolment.user))
    ).all()
    for enrolment in owed:
        queue(
            enrolment.user,
            MessageKind.RECORDING,
            session=session,
            enrolment=enrolment,
            recording_url=url,
        )
        enrolment.recording_mailed_url = url
    return len(owed)


def _organiser(actor: User) -> None:
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can do this."))


def cancel_session(
    session_id: int, *, actor: User, reason: str | None = None, now: datetime | None = None
) -> int:
    """Cancel the session and every place and waitlist position in it; returns how many
    people were told."""
    _organiser(actor)
    session = lock_session(session_id)
    now = now or utcnow()  # after the lock: times follow lock order
    if session.status == SessionStatus.CANCELLED:
        return 0
    active = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status.in_(ACTIVE))
        .options(selectinload(Enrolment.user))
    ).all()
    placed_ids = [e.id for e in active if e.status in PLACED]
    if placed_ids:
        db.session.execute(
            BookedSlot.__table__.delete().where(BookedSlot.enrolment_id.in_(placed_ids))
        )
    for enrolment in active:
        if enrolment.status in PLACED:
            enrolment.revision += 1  # with the session's revision: the CANCEL's SEQUENCE
        enrolment.status = S.CANCELLED
        enrolment.waiting_for = enrolment.queued_at = None
        enrolment.reservation = None
        enrolment.cancelled_at, enrolment.cancelled_by_id = now, actor.id
        enrolment.cancel_reason = _cancel_note(reason)
        queue(
            enrolment.user,
            MessageKind.SESSION_CANCELLED,
            session=session,
            enrolment=enrolment,
            reason=(reason or "").strip() or None,
        )
    for seats in session.seats:
        seats.confirmed = seats.held = seats.reserved = 0
    db.session.execute(
        update(SeatReservation)
        .where(SeatReservation.session_id == session.id, SeatReservation.released_at.is_(None))
        .values(released_at=now)
    )
    session.status, session.cancelled_at = SessionStatus.CANCELLED, now
    session.revision += 1
    audit(actor, "session.cancelled", session, after={"reason": reason, "people": len(active)})
    return len(active)


def _cancel_note(reason: str | None) -> str:
    reason = (reason or "").strip()
    return f"session cancelled: {reason}" if reason else "session cancelled"


def reserve_seats(
    session_id: int,
    *,
    actor: User,
    organisation_id: int | None,
    mode: str | None,
    seats: int | None,
    until: datetime | None,
    now: datetime | None = None,
) -> SeatReservation:
    """Keep seats of an open session for one organisation until a date; what is unused then
    goes back to everyone (and to the waitlist)."""
    _organiser(actor)
    session = lock_session(session_id)
    now = now or utcnow()  # after the lock: times follow lock order
    errors: dict = {}
    if session.visibility != Visibility.OPEN:
        errors["session"] = _l("Only open sessions have seats to reserve.")
    if not organisation_id or db.session.get(Organisation, organisation_id) is None:
        errors["organisation_id"] = _l("Choose an organisation.")
    if mode not in session.seat_modes:
        errors["mode"] = _l("This session has no places %(mode)s.", mode=label(SEAT_MODES, mode))
    if not isinstance(seats, int) or isinstance(seats, bool) or seats < 1:
        errors["seats"] = _l("Reserve at least one seat.")
    elif mode in session.seat_modes and seats > places.seats_of(session)[mode].free:
        errors["seats"] = _l("Only %(n)d seats are free.", n=places.seats_of(session)[mode].free)
    if until is None or until <= now:
        errors["until"] = _l("Give a moment in the future.")
    elif until > session.starts_at:
        errors["until"] = _l("Reserved seats must be released before the session starts.")
    collect(errors)
    reservation = SeatReservation(
        session_id=session.id,
        organisation_id=organisation_id,
        mode=mode,
        seats=seats,
        until=until,
        created_by_id=actor.id,
    )
    db.session.add(reservation)
    places.seats_of(session)[mode].reserved += seats
    db.session.flush()
    audit(
        actor,
        "seats.reserved",
        reservation,
        after={"organisation_id": organisation_id, "seats": seats, "mode": mode},
    )
    return reservation


def release_reservation(reservation_id: int, *, actor: User, now: datetime | None = None):
    _organiser(actor)
    reservation = db.session.get(SeatReservation, reservation_id)
    if reservation is None:
        raise NotFound(_l("No such reservation."), code="reservation_not_found")
    session = lock_session(reservation.session_id)
    now = now or utcnow()  # after the lock: times follow lock order
    db.session.refresh(reservation)
    _release(session, reservation, now)
    return places.fill_free_places(session, now)


def _release(session: Session, reservation: SeatReservation, now: datetime) -> None:
    if reservation.released_at is None:
        places.seats_of(session)[reservation.mode].reserved -= reservation.remaining
        reservation.released_at = now


# -- periodic duties ----------------------------------------------------------------------------


def process_session(session_id: int, now: datetime | None = None) -> dict:
    """Let this session's overdue offers, approvals and reservations go, then fill the places.
    Idempotent: a second run finds nothing due."""
    session = lock_session(session_id)
    now = now or utcnow()  # after the lock: times follow lock order
    overdue = db.session.scalars(
        select(Enrolment)
        .where(
            Enrolment.session_id == session.id,
            or_(
                (Enrolment.status == S.OFFERED) & (Enrolment.offer_expires_at <= now),
                (Enrolment.status == S.PENDING_APPROVAL) & (Enrolment.approval_expires_at <= now),
            ),
        )
        .execution_options(populate_existing=True)
    ).all()
    for enrolment in overdue:
        expire(session, enrolment, now)
    reservations = db.session.scalars(
        select(SeatReservation).where(
            SeatReservation.session_id == session.id,
            SeatReservation.released_at.is_(None),
            SeatReservation.until <= now,
        )
    ).all()
    for reservation in reservations:
        _release(session, reservation, now)
    promoted = places.fill_free_places(session, now)
    return {"expired": len(overdue), "released": len(reservations), "promoted": len(promoted)}


def sessions_due(now: datetime | None = None) -> list[int]:
    """Sessions with an overdue offer, approval or reservation (to process one by one)."""
    now = now or utcnow()
    enrolments = select(Enrolment.session_id).where(
        or_(
            (Enrolment.status == S.OFFERED) & (Enrolment.offer_expires_at <= now),
            (Enrolment.status == S.PENDING_APPROVAL) & (Enrolment.approval_expires_at <= now),
        )
    )
    reservations = select(SeatReservation.session_id).where(
        SeatReservation.released_at.is_(None), SeatReservation.until <= now
    )
    return sorted(set(db.session.scalars(enrolments.union(reservations))))


# -- when the session itself changes ------------------------------------------------------------


def session_changed(
    session: Session, *, times: bool, place: bool, capacity: bool, now: datetime | None = None
) -> list[Enrolment]:
    """Called by scheduling.update_session inside its lock: keep slots in step with the new
    times, tell people what changed, and give new places to the waitlist."""
    now = now or utcnow()
    active = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id, Enrolment.status.in_(ACTIVE))
        .options(selectinload(Enrolment.user))
    ).all()
    if times:
        _resync_slots(session, [e for e in active if e.status in PLACED])
    if times or place:
        for enrolment in active:
            queue(
                enrolment.user,
                MessageKind.SESSION_CHANGED,
                session=session,
                enrolment=enrolment,
                times=times,
                place=place,
            )
    return places.fill_free_places(session, now) if capacity else []


def _resync_slots(session: Session, placed: list[Enrolment]) -> None:
    """New times for everyone placed. Where the new time overlaps another place a person
    holds, the slot is kept as overridden: the organiser moved the session, not the person;
    they are told and can choose."""
    if not placed:
        return
    db.session.execute(
        BookedSlot.__table__.delete().where(BookedSlot.enrolment_id.in_([e.id for e in placed]))
    )
    clashing = places.clashing_users([e.user_id for e in placed], session.id)
    for enrolment in placed:
        overridden = bool(enrolment.override_reason) or enrolment.user_id in clashing
        places.add_slots(enrolment, overridden=overridden)
