"""Team leaders book their team, and ask for closed in-company sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from booking.accounts.models import Role, User
from booking.catalogue.models import Course
from booking.core.db import for_update, utcnow
from booking.core.errors import Conflict, NotFound, PermissionDenied, ValidationError, collect
from booking.enrolment import places
from booking.enrolment.common import check_open, choose_mode, leads
from booking.enrolment.messages import MessageKind
from booking.enrolment.models import (
    ACTIVE,
    Enrolment,
    EnrolmentStatus,
    InCompanyRequest,
    InCompanyStatus,
)
from booking.extensions import db
from booking.notifications.services import queue
from booking.scheduling.models import Session
from booking.scheduling.queries import is_visible
from booking.scheduling.services import lock_visible

S = EnrolmentStatus
MAX_TEAM_BOOKING = 200


@dataclass
class BookingLine:
    """What happened to one person of a team booking."""

    user: User
    outcome: str  # confirmed, pending_approval, waitlisted, already_enrolled, clash
    enrolment: Enrolment | None = None
    position: int | None = None


def book_team(
    session_id: int,
    member_ids: list[int],
    *,
    actor: User,
    mode: str | None = None,
    all_or_nothing: bool = False,
    now: datetime | None = None,
) -> list[BookingLine]:
    """Book several members of the leader's own team at once.

    All-or-nothing books nobody unless everyone gets a place now; otherwise as many as fit get
    a place, in the order given, and the rest join the waitlist. People already enrolled keep
    what they have; people with an overlapping place are not booked (and named).
    """
    ids = list(dict.fromkeys(member_ids))  # keep the leader's order, drop repeats
    if not ids:
        raise ValidationError(
            _l("Choose at least one team member."),
            code="no_members",
            fields={"members": _l("Choose at least one team member.")},
        )
    if len(ids) > MAX_TEAM_BOOKING:
        raise ValidationError(_l("At most %(n)d people at once.", n=MAX_TEAM_BOOKING))
    session = lock_visible(session_id, actor)  # invariant 7 first: hidden is as missing
    now = now or utcnow()  # after the lock: queue times follow lock order
    if not (actor.is_organiser or actor.role == Role.TEAM_LEADER):
        raise PermissionDenied(_l("Only team leaders and organisers book for a team."))
    check_open(session, actor, now)
    mode = choose_mode(session, mode)
    people = places.lock_users(ids)
    missing = [i for i in ids if i not in people]
    if missing:
        raise NotFound(_l("No such person: %(ids)s.", ids=", ".join(map(str, missing))))
    strangers = [p.name for p in people.values() if not (actor.is_organiser or leads(actor, p))]
    if strangers:
        raise PermissionDenied(
            _l("Not in your team: %(names)s.", names=", ".join(strangers)), code="not_your_team"
        )
    hidden = [p.name for p in people.values() if not is_visible(session, p)]
    if hidden and not actor.is_organiser:
        raise PermissionDenied(
            _l("This session is not open to: %(names)s.", names=", ".join(hidden))
        )

    existing = {
        e.user_id: e
        for e in db.session.scalars(
            select(Enrolment).where(
                Enrolment.session_id == session.id,
                Enrolment.user_id.in_(ids),
                Enrolment.status.in_(ACTIVE),
            )
        )
    }
    clashing = places.clashing_users([i for i in ids if i not in existing], session.id)
    to_book = [people[i] for i in ids if i not in existing and i not in clashing]
    if all_or_nothing and clashing:
        names = ", ".join(people[i].name for i in ids if i in clashing)
        raise Conflict(
            _l("Already booked at that time: %(names)s; nobody was booked.", names=names),
            code="clash",
        )
    if all_or_nothing:
        free = places.seats_of(session)[mode].free
        reservation = places.active_reservation(session, actor.organisation_id, mode, now)
        free += reservation.remaining if reservation else 0
        if len(to_book) > free:
            raise Conflict(
                _l(
                    "Only %(free)d places are free for %(wanted)d people; nobody was booked.",
                    free=free,
                    wanted=len(to_book),
                ),
                code="not_enough_places",
            )

    lines: dict[int, BookingLine] = {}
    with db.session.no_autoflush:
        for person in to_book:
            lines[person.id] = _book_one(session, person, mode, actor, now)
    for user_id, enrolment in existing.items():
        lines[user_id] = BookingLine(
            people[user_id], "already_enrolled", enrolment, places.position(enrolment)
        )
    for user_id in clashing:
        lines[user_id] = BookingLine(people[user_id], "clash")
    result = [lines[i] for i in ids]
    queue(
        actor,
        MessageKind.TEAM_BOOKING_SUMMARY,
        session=session,
        lines=[
            {"name": line.user.name, "outcome": line.outcome, "position": line.position}
            for line in result
        ],
    )
    return result


def _book_one(session, person: User, mode: str, actor: User, now: datetime) -> BookingLine:
    enrolment = Enrolment(
        session=session,
        user=person,
        organisation_id=person.organisation_id,
        mode=mode,
        booked_by_id=actor.id,
        needs_approval=False,
    )
    db.session.add(enrolment)
    reservation = places.active_reservation(session, person.organisation_id, mode, now)
    if places.can_place(session, mode, reservation):
        places.take_seat(session, enrolment, S.CONFIRMED, reservation)
        enrolment.confirmed_at = now
        places.add_slots(enrolment)
        queue(
            person,
            MessageKind.ENROLMENT_CONFIRMED,
            session=session,
            enrolment=enrolment,
            booked_by=actor.name,
        )
        return BookingLine(person, S.CONFIRMED, enrolment)
    enrolment.status, enrolment.queued_at = S.WAITLISTED, now
    db.session.flush()
    at = places.position(enrolment)
    queue(
        person,
        MessageKind.WAITLISTED,
        session=session,
        enrolment=enrolment,
        position=at,
        booked_by=actor.name,
    )
    return BookingLine(person, S.WAITLISTED, enrolment, at)


def request_in_company(
    *,
    actor: User,
    topic: str,
    group_size: int | None,
    preferred_dates: str = "",
    course_id: int | None = None,
    note: str = "",
) -> InCompanyRequest:
    """A team leader asks the centre for a closed session just for their team: on a topic of
    their own, or for a course (from its page; the topic is then the course's title)."""
    if actor.role != Role.TEAM_LEADER or actor.team_id is None:
        raise PermissionDenied(_l("Only team leaders can ask for an in-company session."))
    errors: dict = {}
    course = db.session.get(Course, course_id) if course_id is not None else None
    topic = (topic or "").strip() or (course.title[:300] if course else "")
    if not topic:
        errors["topic"] = _l("Say what the session should be about.")
    elif len(topic) > 300:
        errors["topic"] = _l("Use at most 300 characters.")
    if not isinstance(group_size, int) or isinstance(group_size, bool) or group_size < 1:
        errors["group_size"] = _l("Give the number of participants.")
    elif group_size > 500:
        errors["group_size"] = _l("At most %(n)d people.", n=500)
    if len(preferred_dates or "") > 2000:
        errors["preferred_dates"] = _l("Use at most 2000 characters.")
    if len(note or "") > 2000:
        errors["note"] = _l("Use at most 2000 characters.")
    if course_id is not None and course is None:
        errors["course_id"] = _l("Choose a course.")
    collect(errors)
    request = InCompanyRequest(
        team_id=actor.team_id,
        requested_by_id=actor.id,
        topic=topic,
        group_size=group_size,
        preferred_dates=(preferred_dates or "").strip(),
        note=(note or "").strip(),
        course_id=course_id,
    )
    db.session.add(request)
    db.session.flush()
    organisers = db.session.scalars(
        select(User).where(User.role == Role.ORGANISER, User.active.is_(True))
    )
    for organiser in organisers:
        queue(
            organiser,
            MessageKind.IN_COMPANY_REQUESTED,
            team=actor.team.name,
            organisation=actor.team.organisation.name,
            topic=topic,
            group_size=group_size,
            request_id=request.id,
            requested_by=actor.name,
        )
    return request


def settle_in_company(
    request_id: int,
    *,
    actor: User,
    session_id: int | None = None,
    decline_reason: str | None = None,
) -> InCompanyRequest:
    """An organiser links the closed session made for a request, or declines it."""
    if not actor.is_organiser:
        raise PermissionDenied(_l("Only organisers handle in-company requests."))
    request = db.session.scalar(  # two organisers at once: the second sees it handled
        for_update(select(InCompanyRequest).where(InCompanyRequest.id == request_id))
    )
    if request is None:
        raise NotFound(_l("No such request."))
    if request.status != InCompanyStatus.OPEN:
        raise Conflict(_l("This request has already been handled."), code="request_closed")
    if session_id is not None:
        session = db.session.get(Session, session_id)
        if session is None or session.team_id != request.team_id:
            raise ValidationError(_l("Choose a closed session for this team."))
        request.session_id, request.status = session.id, InCompanyStatus.SCHEDULED
    else:
        request.status = InCompanyStatus.DECLINED
        request.answer = (decline_reason or "").strip() or None
    return request
