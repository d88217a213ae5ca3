"""What a person's place goes through: enrol, cancel, stop waiting for the other mode,
offers accepted or declined, approvals decided, organisers moving people between modes.
(Team bookings build on `enrol` in `team.py`; organisers' session-wide actions in
`organiser.py`.)

Each function runs inside the caller's unit of work (`booking.core.db.atomic`, which commits
once and retries when a concurrent transaction won a race). Each locks the session first
(`scheduling.services.lock_session`), then decides, then changes counters and writes the
messages it owes people to the outbox, all in the same transaction (invariants 1 and 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from booking.accounts.models import User
from booking.accounts.services import email_key
from booking.catalogue.models import Course
from booking.core.db import utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied
from booking.core.labels import label
from booking.core.models import audit
from booking.enrolment import places
from booking.enrolment.common import (
    CancelOutcome,
    check_open,
    choose_mode,
    leads,
    lock_enrolment,
    may_act_for,
)
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import ACTIVE, Enrolment, EnrolmentStatus
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.labels import SEAT_MODES
from booking.scheduling.models import SeatMode, Session
from booking.scheduling.queries import is_visible, session_not_found
from booking.scheduling.services import lock_visible

S = EnrolmentStatus


@dataclass
class EnrolOutcome:
    enrolment: Enrolment
    created: bool
    position: int | None = None


@dataclass
class _Person:
    user: User
    existing: Enrolment | None
    queued: dict[str, int]  # how many wait per mode in this session


def _lock_person(session_id: int, participant: User | str) -> _Person:
    """In one statement: the person (by account or e-mail address) with their row locked,
    their active enrolment in the session, and the length of the session's queue per mode
    (a newcomer's position follows from it, without another query)."""
    waiting = {
        mode: select(func.count(Enrolment.id))
        .where(
            Enrolment.session_id == session_id,
            places.IN_QUEUE,
            places.queued_mode == mode,
        )
        .scalar_subquery()
        for mode in SeatMode
    }
    query = select(User, Enrolment, *waiting.values()).outerjoin(
        Enrolment,
        and_(
            Enrolment.user_id == User.id,
            Enrolment.session_id == session_id,
            Enrolment.status.in_(ACTIVE),
        ),
    )
    if isinstance(participant, str):
        query = query.where(User.email == email_key(participant))  # stored lower case
    else:
        query = query.where(User.id == participant.id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=User)
    row = db.session.execute(query).first()
    if row is None or not row[0].active:
        message = _l("No such person.")
        raise NotFound(message, code="person_not_found", fields={"participant": message})
    return _Person(row[0], row[1], dict(zip(waiting, row[2:], strict=True)))


def _clash_error(found) -> Conflict:
    title = db.session.get(Course, found.course_id).title
    return Conflict(
        _l("You already have a place in '%(course)s' at that time.", course=title),
        code="clash",
        fields={"session_id": str(found.id)},
    )


# -- enrol --------------------------------------------------------------------------------------


def enrol(
    session_id: int,
    participant: User | str,
    *,
    actor: User,
    mode: str | None = None,
    accept_online: bool = False,
    override_reason: str | None = None,
    now: datetime | None = None,
) -> EnrolOutcome:
    """A place if one is free (or a held place pending approval), else the waitlist.
    `participant` is a person or an e-mail address (any case).

    A repeat of the same request returns the existing enrolment (created=False): a double
    submit never makes a second place (invariant 2, one active enrolment).
    """
    session = lock_visible(session_id, actor)  # invariant 7 first: hidden is as missing
    now = now or utcnow()  # after the lock: queue times follow lock order
    found = _lock_person(session.id, participant)
    person = found.user
    if not may_act_for(actor, person):
        raise PermissionDenied(_l("You may not enrol this person."), code="not_your_person")
    if not is_visible(session, person) and not actor.is_organiser:
        raise session_not_found()
    if override_reason and not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers may allow overlapping places."))
    if found.existing is not None:
        existing = found.existing
        return EnrolOutcome(existing, created=False, position=places.position(existing))
    check_open(session, actor, now)
    mode = choose_mode(session, mode)

    enrolment = Enrolment(
        session=session,
        user=person,
        organisation_id=person.organisation_id,
        mode=mode,
        booked_by_id=actor.id,
        needs_approval=session.needs_approval and actor.id == person.id and not actor.is_organiser,
        override_reason=(override_reason or "").strip() or None,
    )
    with db.session.no_autoflush:  # the row is written once its status is decided
        db.session.add(enrolment)
        _decide_place(session, enrolment, accept_online, now)
    position = None
    if enrolment.status == S.WAITLISTED or enrolment.waiting_for:
        # The newest in line (its time was taken under the lock): last in its queue.
        position = found.queued[enrolment.waiting_for or enrolment.mode] + 1
    if enrolment.status == S.WAITLISTED:
        queue(
            person, MessageKind.WAITLISTED, session=session, enrolment=enrolment, position=position
        )
    if actor.id != person.id and actor.is_organiser:  # an organiser's action on a person
        db.session.flush()
        audit(
            actor,
            "enrolment.added",
            enrolment,
            after={"user_id": person.id, "status": enrolment.status, "mode": enrolment.mode},
        )
    if enrolment.override_reason:  # the organiser's decision, also when it waits for a place
        db.session.flush()
        audit(
            actor,
            "enrolment.overlap_allowed",
            enrolment,
            after={"reason": enrolment.override_reason},
        )
    db.session.flush()  # ids for the caller's answer; the same INSERTs the commit would send
    return EnrolOutcome(enrolment, created=True, position=position)


def _decide_place(
    session: Session, enrolment: Enrolment, accept_online: bool, now: datetime
) -> None:
    """Place, place online while waiting for in person, or queue."""
    mode, person = enrolment.mode, enrolment.user
    reservation = places.active_reservation(session, person.organisation_id, mode, now)
    if places.can_place(session, mode, reservation):
        _place(session, enrolment, reservation, now)
        return
    if (
        accept_online
        and mode == SeatMode.IN_PERSON
        and places.can_place(session, SeatMode.ONLINE, None)
    ):
        # Full in person, free online: take the online place now, keep waiting for in person
        # (set before the row is written; a request pending approval waits for one thing).
        enrolment.mode = SeatMode.ONLINE
        if not enrolment.needs_approval:
            enrolment.waiting_for, enrolment.queued_at = SeatMode.IN_PERSON, now
        _place(session, enrolment, None, now)
        return
    enrolment.status, enrolment.queued_at = S.WAITLISTED, now


def _place(session: Session, enrolment: Enrolment, reservation, now: datetime) -> None:
    if not enrolment.override_reason:
        found = places.clash(enrolment.user.id, session.id)  # user_id is set at flush
        if found is not None:
            raise _clash_error(found)
    person = enrolment.user
    if enrolment.needs_approval:
        places.take_seat(session, enrolment, S.PENDING_APPROVAL, reservation)
        enrolment.approval_expires_at = places.approval_deadline(now)
        places.add_slots(enrolment, overridden=bool(enrolment.override_reason))
        places.request_approval(session, enrolment)
        return
    places.take_seat(session, enrolment, S.CONFIRMED, reservation)
    enrolment.confirmed_at = now
    places.add_slots(enrolment, overridden=bool(enrolment.override_reason))
    queue(person, MessageKind.ENROLMENT_CONFIRMED, session=session, enrolment=enrolment)


# -- cancel -------------------------------------------------------------------------------------


@dataclass
class Cancelled(CancelOutcome):
    ended: str | None = None  # the status this cancel ended; None when it had already ended


def cancel(
    enrolment_id: int,
    *,
    actor: User,
    reason: str | None = None,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Cancelled:
    """Cancel a place, a pending request or a waitlist position; the freed place goes to the
    next in line in the same transaction. After the cancellation deadline only a team leader
    or organiser can cancel a confirmed place, and it is recorded as late.

    `expected_status` is the status the actor saw: an enrolment that has changed since (a
    waitlist position promoted to a place, say) is not given up by a click meant for what it
    was (409 `changed`). Checked under the session lock, so no change slips in between.
    """
    session, enrolment = lock_enrolment(enrolment_id, actor)
    now = now or utcnow()  # after the lock: queue times follow lock order
    person = enrolment.user
    if not may_act_for(actor, person):
        raise PermissionDenied(_l("You may not cancel this enrolment."))
    if not enrolment.is_active:
        return Cancelled(enrolment)  # already over: saying so twice changes nothing
    if expected_status is not None and enrolment.status != expected_status:
        raise Conflict(
            _l("This enrolment has changed in the meantime; check its status and try again."),
            code="changed",
        )
    ended = enrolment.status
    deadline = session.cancellation_deadline or session.starts_at
    if enrolment.status == S.CONFIRMED and now > deadline:
        if actor.id == person.id and not actor.is_organiser and not leads(actor, person):
            raise PermissionDenied(
                _l(
                    "The cancellation deadline has passed; ask your team leader or the "
                    "organiser to cancel."
                ),
                code="deadline_passed",
            )
        enrolment.late_cancel = True
    places.end_place(session, enrolment, S.CANCELLED, now)
    enrolment.cancelled_at, enrolment.cancelled_by_id = now, actor.id
    enrolment.cancel_reason = (reason or "").strip() or None
    queue(
        person,
        MessageKind.CANCELLED,
        session=session,
        enrolment=enrolment,
        by_self=actor.id == person.id,
        late=enrolment.late_cancel,
    )
    if actor.id != person.id:  # someone else's place: a team leader's or organiser's action
        audit(
            actor,
            "enrolment.cancelled",
            enrolment,
            before={"status": ended},
            after={
                "status": S.CANCELLED,
                "late": enrolment.late_cancel,
                "reason": enrolment.cancel_reason,
            },
        )
    return Cancelled(enrolment, places.fill_free_places(session, now), ended=ended)


def leave_queue_for_other_mode(enrolment_id: int, *, actor: User) -> Enrolment:
    """Keep the place held, stop waiting for the other mode. Only a confirmed place waiting
    for the other mode has such a queue time to give up: a plain waitlist entry keeps its
    own (the database refuses one without), and a place promoted meanwhile has none."""
    _session, enrolment = lock_enrolment(enrolment_id, actor)
    if not may_act_for(actor, enrolment.user):
        raise PermissionDenied(_l("You may not change this enrolment."))
    if enrolment.status != S.CONFIRMED or not enrolment.waiting_for:
        raise Conflict(_l("This enrolment is not waiting for another place."), code="not_waiting")
    enrolment.waiting_for, enrolment.queued_at = None, None
    return enrolment


# -- offers -------------------------------------------------------------------------------------


def answer_offer(
    enrolment_id: int, *, actor: User, accept: bool, now: datetime | None = None
) -> CancelOutcome:
    session, enrolment = lock_enrolment(enrolment_id, actor)
    now = now or utcnow()  # after the lock: queue times follow lock order
    person = enrolment.user
    if actor.id != person.id and not actor.is_organiser:
        raise PermissionDenied(_l("Only the person offered the place can answer."))
    if enrolment.status != S.OFFERED:
        raise Conflict(_l("There is no open offer for this enrolment."), code="no_offer")
    if enrolment.offer_expires_at <= now:
        expire(session, enrolment, now)
        return CancelOutcome(enrolment, places.fill_free_places(session, now))
    if actor.id != person.id:  # an organiser answered for the person
        audit(
            actor,
            "enrolment.offer_answered",
            enrolment,
            before={"status": S.OFFERED},
            after={"status": S.CONFIRMED if accept else S.DECLINED},
        )
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
    session, enrolment = lock_enrolment(enrolment_id, actor)
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
    audit(
        actor,
        "enrolment.approved" if approve else "enrolment.approval_declined",
        enrolment,
        before={"status": S.PENDING_APPROVAL},
        after={
            "status": S.CONFIRMED if approve else S.DECLINED,
            "reason": enrolment.decision_reason,
        },
    )
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
    session, enrolment = lock_enrolment(enrolment_id, actor)
    now = now or utcnow()  # after the lock: queue times follow lock order
    mode = choose_mode(session, mode)
    if not enrolment.is_active or enrolment.mode == mode:
        return CancelOutcome(enrolment)
    audit(
        actor,
        "enrolment.moved",
        enrolment,
        before={"mode": enrolment.mode, "status": enrolment.status},
        after={"mode": mode},
    )
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
