"""The catalogue as it is offered: courses with their coming sessions and the places free for
the reader. Scheduling's, because it adds sessions to the catalogue's courses (which sit a
layer below, docs/architecture.md); the course filters themselves are the catalogue's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from booking.catalogue.models import Course
from booking.catalogue.queries import matching
from booking.core.db import utcnow
from booking.extensions import db
from booking.scheduling.models import Session, SessionSeats, SessionStatus
from booking.scheduling.queries import free_for, visible_to


@dataclass
class CourseRow:
    course: Course
    next_start: datetime | None
    upcoming: int
    free_places: int


@dataclass
class SearchResult:
    rows: list[CourseRow]
    total: int
    page: int
    pages: int


def search_courses(
    user,
    *,
    q: str | None = None,
    category: str | None = None,
    target_group: str | None = None,
    format: str | None = None,
    include_unpublished: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Courses matching the filters, each with its next session, how many are coming and the
    places free for `user` (scheduling.queries.free_for); three queries whatever the number
    of rows."""
    now = utcnow()
    # Per seat row first: free_for may be a correlated subquery, which PostgreSQL will not
    # evaluate inside an aggregate grouped by session only.
    per_mode = select(SessionSeats.session_id, free_for(user, now).label("free")).subquery()
    seat_totals = (
        select(per_mode.c.session_id, func.sum(per_mode.c.free).label("free"))
        .group_by(per_mode.c.session_id)
        .subquery()
    )
    upcoming = (
        select(
            Session.course_id.label("course_id"),
            func.min(Session.starts_at).label("next_start"),
            func.count(Session.id).label("upcoming"),
            func.coalesce(func.sum(seat_totals.c.free), 0).label("free"),
        )
        .join(seat_totals, seat_totals.c.session_id == Session.id)
        .where(
            Session.status == SessionStatus.SCHEDULED,
            Session.starts_at > now,
            Session.event_id.is_(None),  # an event's items are listed with their event
            visible_to(user),
        )
        .group_by(Session.course_id)
        .subquery()
    )
    query = select(Course, upcoming.c.next_start, upcoming.c.upcoming, upcoming.c.free).outerjoin(
        upcoming, upcoming.c.course_id == Course.id
    )
    # A festival workshop (a course whose sessions all belong to events) is part of its event,
    # not a course of its own in the catalogue.
    in_event = exists().where(Session.course_id == Course.id, Session.event_id.is_not(None))
    standalone = exists().where(Session.course_id == Course.id, Session.event_id.is_(None))
    query = query.where(or_(~in_event, standalone))
    query = matching(
        query,
        q=q,
        category=category,
        target_group=target_group,
        format=format,
        include_unpublished=include_unpublished,
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    query = (
        query.options(
            selectinload(Course.target_groups),
            selectinload(Course.funding_programmes),
            selectinload(Course.speakers),
        )
        # Courses with a coming session first, soonest first; then the rest by title.
        .order_by(upcoming.c.next_start.is_(None), upcoming.c.next_start, Course.title)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = [
        CourseRow(course=c, next_start=n, upcoming=u or 0, free_places=int(f or 0))
        for c, n, u, f in db.session.execute(query)
    ]
    return SearchResult(rows=rows, total=total, page=page, pages=pages)
