"""Read-only queries for sessions: who may see which, listings with their places loaded."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from booking.accounts.models import Role
from booking.catalogue.models import Course
from booking.core.db import utcnow
from booking.core.errors import NotFound
from booking.extensions import db
from booking.scheduling.models import (
    Event,
    Room,
    SeatMode,
    SeatReservation,
    Session,
    SessionMode,
    SessionSeats,
    SessionStatus,
    Venue,
    Visibility,
)


def visible_to(user):
    """The SQL condition for sessions this person may see (invariant 7, organisations walled off).

    Open sessions are for everyone; a closed session only for its own organisation or team
    (and that organisation's HR contacts); organisers and administrators see everything.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return Session.visibility == Visibility.OPEN
    if user.is_organiser:
        return true()
    clauses = [Session.visibility == Visibility.OPEN]
    if user.organisation_id:
        clauses.append(
            and_(
                Session.visibility == Visibility.ORGANISATION,
                Session.organisation_id == user.organisation_id,
            )
        )
        if user.role == Role.HR:
            clauses.append(
                and_(
                    Session.visibility == Visibility.TEAM,
                    Session.organisation_id == user.organisation_id,
                )
            )
    if user.team_id:
        clauses.append(and_(Session.visibility == Visibility.TEAM, Session.team_id == user.team_id))
    return or_(*clauses)


def is_visible(session: Session, user) -> bool:
    """The same rule as `visible_to`, for a session already loaded (no query)."""
    if session.visibility == Visibility.OPEN:
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_organiser:
        return True
    if session.visibility == Visibility.ORGANISATION:
        return user.organisation_id is not None and user.organisation_id == session.organisation_id
    if user.role == Role.HR and user.organisation_id == session.organisation_id:
        return True
    return user.team_id is not None and user.team_id == session.team_id


def session_not_found() -> NotFound:
    """The one answer for a session id that does not exist and for a session the reader may
    not see (invariant 7): the same code, message and status, so neither leaks."""
    return NotFound(_l("No such session."), code="session_not_found")


def require_visible(session: Session | None, user) -> Session:
    """The session, if this person may see it; else `session_not_found`. Every path that
    takes a session id from a person calls this (or `scheduling.services.lock_visible`)
    before any other check, so a closed session of another organisation answers exactly as
    a missing one, whatever its state or rules."""
    if session is None or not is_visible(session, user):
        raise session_not_found()
    return session


def free_for(user, now: datetime | None = None):
    """The one definition of "places free for this person", as SQL over a SessionSeats row.

    Free for anyone is capacity minus confirmed, held and reserved seats. A logged-in person
    of an organisation may also take what is left of an active reservation for that
    organisation (not released, `until` still ahead): enrolment places them there first. The
    catalogue, the course page and the API's `available` filter all count with this.
    """
    anyone = (
        SessionSeats.capacity - SessionSeats.confirmed - SessionSeats.held - SessionSeats.reserved
    )
    authenticated = getattr(user, "is_authenticated", False)
    organisation_id = getattr(user, "organisation_id", None) if authenticated else None
    if organisation_id is None:
        return anyone
    own = (
        select(func.coalesce(func.sum(SeatReservation.seats - SeatReservation.used), 0))
        .where(
            SeatReservation.session_id == SessionSeats.session_id,
            SeatReservation.mode == SessionSeats.mode,
            SeatReservation.organisation_id == organisation_id,
            SeatReservation.released_at.is_(None),
            SeatReservation.until > (now or utcnow()),
        )
        .correlate(SessionSeats)
        .scalar_subquery()
    )
    return anyone + own


def free_places(user, session_ids) -> dict[tuple[int, str], int]:
    """`free_for` per (session id, attendance mode) of these sessions: one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(SessionSeats.session_id, SessionSeats.mode, free_for(user)).where(
            SessionSeats.session_id.in_(ids)
        )
    )
    return {(session_id, mode): max(int(free), 0) for session_id, mode, free in rows}


def place_and_times() -> tuple:
    """Loader options for what invites, feeds and messages say of a session: its course,
    venue, room and online venue (joined) and its meetings (one more statement)."""
    return (
        joinedload(Session.course),
        joinedload(Session.venue),
        joinedload(Session.room),
        joinedload(Session.online_venue),
        selectinload(Session.meetings),
    )


def _with_details(query):
    return query.options(
        selectinload(Session.speakers),
        selectinload(Session.course).selectinload(Course.speakers),
        selectinload(Session.meetings),
        selectinload(Session.seats),
        selectinload(Session.venue),
        selectinload(Session.room),
        selectinload(Session.online_venue),
        selectinload(Session.organisation),
        selectinload(Session.team),
    )


def upcoming_for_course(course_id: int, user) -> list[Session]:
    query = (
        select(Session)
        .where(
            Session.course_id == course_id,
            Session.status == SessionStatus.SCHEDULED,
            Session.ends_at > utcnow(),
            visible_to(user),
        )
        .order_by(Session.starts_at)
    )
    return list(db.session.scalars(_with_details(query)))


def session_detail(session_id: int, user) -> Session | None:
    query = select(Session).where(Session.id == session_id, visible_to(user))
    query = _with_details(query).options(selectinload(Session.course))
    return db.session.scalar(query)


def list_sessions(
    user,
    *,
    course_id: int | None = None,
    starts_from: datetime | None = None,
    starts_to: datetime | None = None,
    mode: str | None = None,
    available: bool | None = None,
    include_cancelled: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[Session]:
    """Sessions for listings and the API; `mode` is a session mode or an attendance mode."""
    query = select(Session).where(visible_to(user))
    if not include_cancelled:
        query = query.where(Session.status == SessionStatus.SCHEDULED)
    if course_id is not None:
        query = query.where(Session.course_id == course_id)
    if starts_from is not None:
        query = query.where(Session.starts_at >= starts_from)
    if starts_to is not None:
        query = query.where(Session.starts_at < starts_to)
    if mode in set(SessionMode):
        query = query.where(Session.mode == mode)
    elif mode in set(SeatMode):
        query = query.where(
            exists().where(SessionSeats.session_id == Session.id, SessionSeats.mode == mode)
        )
    if available is not None:
        has_free = exists().where(
            SessionSeats.session_id == Session.id,
            free_for(user) > 0,
            *([SessionSeats.mode == mode] if mode in set(SeatMode) else []),
        )
        query = query.where(has_free if available else ~has_free)
    query = query.order_by(Session.starts_at, Session.id).limit(limit).offset(offset)
    return list(db.session.scalars(_with_details(query).options(selectinload(Session.course))))


def organiser_sessions(*, upcoming: bool = True) -> list[Session]:
    now = utcnow()
    query = select(Session)
    query = query.where(Session.ends_at > now) if upcoming else query.where(Session.ends_at <= now)
    query = query.order_by(Session.starts_at if upcoming else Session.starts_at.desc())
    return list(db.session.scalars(_with_details(query).options(selectinload(Session.course))))


def team_sessions(team_id: int) -> list[Session]:
    """Closed in-company sessions of one team, coming first."""
    query = (
        select(Session)
        .where(
            Session.team_id == team_id,
            Session.visibility == Visibility.TEAM,
            Session.ends_at > utcnow(),
        )
        .order_by(Session.starts_at)
    )
    return list(db.session.scalars(_with_details(query).options(selectinload(Session.course))))


def all_venues(kind: str | None = None, active_only: bool = False) -> list[Venue]:
    query = select(Venue).options(selectinload(Venue.rooms)).order_by(Venue.name)
    if kind:
        query = query.where(Venue.kind == kind)
    if active_only:
        query = query.where(Venue.active.is_(True))
    return list(db.session.scalars(query))


def room_choices() -> list[tuple[Room, Venue]]:
    query = select(Room, Venue).join(Venue).order_by(Venue.name, Room.name)
    return list(db.session.execute(query).tuples())


def event_programme(slug: str, user) -> tuple[Event | None, list[Session]]:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        return None, []
    query = (
        select(Session)
        .where(
            Session.event_id == event.id,
            Session.status == SessionStatus.SCHEDULED,
            visible_to(user),
        )
        .order_by(Session.starts_at, Session.id)
    )
    return event, list(
        db.session.scalars(_with_details(query).options(selectinload(Session.course)))
    )


def upcoming_events() -> list[Event]:
    now = utcnow()
    has_future = exists().where(Session.event_id == Event.id, Session.ends_at > now)
    return list(
        db.session.scalars(
            select(Event).where(has_future, Event.cancelled_at.is_(None)).order_by(Event.title)
        )
    )
