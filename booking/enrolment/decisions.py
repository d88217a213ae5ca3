"""Answers to a held place: offers accepted or declined, approvals decided, and organisers
moving people between in person and online. Same transaction rules as services.py."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from booking.accounts.models import User
from booking.core.db import utcnow
from booking.core.errors import Conflict, PermissionDenied
from booking.core.labels import SEAT_MODES, label
from booking.enrolment import places
from booking.enrolment.common import CancelOutcome, choose_mode, leads, lock_enrolment
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import Enrolment, EnrolmentStatus
from booking.notifications.services import queue
from booking.scheduling.models import Session

S = EnrolmentStatus


# -- offers -------------------------------------------------------------------------------------


def answer_offer(
    enrolment_id: int, *, actor: User, accept: bool, now: datetime | None = None
) -> CancelOutcome:
    session, enrolment = lock_enrolment(enrolment_id)
    now = now or utcnow()  # after the lock: queue times follow lock order
    person = enrolment.user
    if actor.id != person.id and not actor.is_organiser:
        raise PermissionDenied(_l("Only the person offered the place can answer."))
    if enrolment.status != S.OFFERED:
        raise Conflict(_l("There is no open offer for this enrolment."), code="no_offer")
    if enrolment.offer_expires_at <= now:
        expire(session, enrolment, now)
        return CancelOutcome(enrolment, places.fill_free_places(session, now))
    if accept:
        places.confirm_held(session, enrolment)
        enrolment.confirmed_at = now
        queue(person, MessageKind.ENROLMENT_CONFIRMED, session=session, enrolment=enrolment)
        return CancelOutcome(enrolment)
    places.end_place(session, enrolment, S.DECLINED, now)
    queue(person, MessageKind.OFFER_DECLINED, session=session, enrolment=enrolment)
    return CancelOutcome(enrolment, places.fill_free_places(session, now))


def expire(session: Session, enrolment: Enrolment, now: datetime) -> None:
    """An offer or approval request that was not answered in time lets its place go."""
    kind = (
        MessageKind.OFFER_EXPIRED if enrolment.status == S.OFFERED else MessageKind.APPROVAL_EXPIRED
    )
    places.end_place(session, enrolment, S.EXPIRED, now)
    queue(enrolment.user, kind, session=session, enrolment=enrolment)


# -- approvals ----------------------------------------------------------------------------------


def decide(
    enrolment_id: int,
    *,
    actor: User,
    approve: bool,
    reason: str | None = None,
    now: datetime | None = None,
) -> CancelOutcome:
    """The team leader (or an organiser) approves or declines a pending request."""
    session, enrolment = lock_enrolment(enrolment_id)
    now = now or utcnow()  # after the lock: queue times follow lock order
    person = enrolment.user
    if not (actor.is_organiser or leads(actor, person)) or actor.id == person.id:
        raise PermissionDenied(_l("Only the person's team leader or an organiser can decide."))
    if enrolment.status != S.PENDING_APPROVAL:
        raise Conflict(_l("This request is not waiting for a decision."), code="not_pending")
    enrolment.decided_by_id, enrolment.decided_at = actor.id, now
    enrolment.decision_reason = (reason or "").strip() or None
    if enrolment.approval_expires_at and enrolment.approval_expires_at <= now:
        expire(session, enrolment, now)
        return CancelOutcome(enrolment, places.fill_free_places(session, now))
    if approve:
        places.confirm_held(session, enrolment)
        enrolment.needs_approval = False
        enrolment.confirmed_at = now
        queue(
            person,
            MessageKind.APPROVED,
            session=session,
            enrolment=enrolment,
            reason=enrolment.decision_reason,
        )
        return CancelOutcome(enrolment)
    places.end_place(session, enrolment, S.DECLINED, now)
    queue(
        person,
        MessageKind.APPROVAL_DECLINED,
        session=session,
        enrolment=enrolment,
        reason=enrolment.decision_reason,
    )
    return CancelOutcome(enrolment, places.fill_free_places(session, now))


# -- organisers move people between modes -------------------------------------------------------


def move_mode(
    enrolment_id: int, *, actor: User, mode: str, now: datetime | None = None
) -> CancelOutcome:
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers can move people between modes."))
    session, enrolment = lock_enrolment(enrolment_id)
    now = now or utcnow()  # after the lock: queue times follow lock order
    mode = choose_mode(session, mode)
    if not enrolment.is_active or enrolment.mode == mode:
        return CancelOutcome(enrolment)
    if enrolment.status == S.WAITLISTED:
        enrolment.mode = mode  # keeps its time in the queue
        return CancelOutcome(enrolment)
    if not places.can_place(session, mode, None):
        message = _l("There is no free place %(mode)s.", mode=label(SEAT_MODES, mode))
        raise Conflict(message, code="no_free_place", fields={"mode": message})
    status = enrolment.status
    places.give_back_seat(session, enrolment, now)
    enrolment.mode = mode
    if enrolment.waiting_for == mode:
        enrolment.waiting_for, enrolment.queued_at = None, None
    places.take_seat(session, enrolment, status)
    enrolment.revision += 1
    queue(enrolment.user, MessageKind.MODE_CHANGED, session=session, enrolment=enrolment, mode=mode)
    return CancelOutcome(enrolment, places.fill_free_places(session, now))
