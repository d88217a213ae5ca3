"""Read-only catalogue queries: search with filters, each course with its next session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from booking.catalogue.models import Category, Course, TargetGroup, course_target_groups
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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    """Courses matching the filters; three queries whatever the number of rows."""
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
        .where(Session.status == SessionStatus.SCHEDULED, Session.starts_at > now, visible_to(user))
        .group_by(Session.course_id)
        .subquery()
    )
    query = select(Course, upcoming.c.next_start, upcoming.c.upcoming, upcoming.c.free).outerjoin(
        upcoming, upcoming.c.course_id == Course.id
    )
    if not include_unpublished:
        query = query.where(Course.published.is_(True))
    if q and q.strip():
        pattern = f"%{_escape_like(q.strip().lower())}%"
        query = query.where(
            or_(
                func.lower(Course.title).like(pattern, escape="\\"),
                func.lower(Course.summary).like(pattern, escape="\\"),
                func.lower(Course.description).like(pattern, escape="\\"),
                func.lower(func.coalesce(Course.speaker, "")).like(pattern, escape="\\"),
            )
        )
    if category:
        query = query.join(Category, Category.id == Course.category_id).where(
            Category.slug == category
        )
    if target_group:
        query = query.where(
            Course.id.in_(
                select(course_target_groups.c.course_id)
                .join(TargetGroup, TargetGroup.id == course_target_groups.c.target_group_id)
                .where(TargetGroup.slug == target_group)
            )
        )
    if format:
        query = query.where(Course.format == format)

    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    query = (
        query.options(selectinload(Course.target_groups))
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


def course_by_slug(slug: str, include_unpublished: bool = False) -> Course | None:
    query = select(Course).where(Course.slug == slug).options(selectinload(Course.target_groups))
    if not include_unpublished:
        query = query.where(Course.published.is_(True))
    return db.session.scalar(query)


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))


def target_groups() -> list[TargetGroup]:
    return list(db.session.scalars(select(TargetGroup).order_by(TargetGroup.name)))


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title)))
