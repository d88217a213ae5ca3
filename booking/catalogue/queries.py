"""Read-only catalogue queries: courses matching filters, one course, categories, target groups.

Listings of courses with their coming sessions and free places are built on `matching` in
`booking.scheduling.listing`: sessions are scheduling's, which sits above the catalogue.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from booking.catalogue.models import Category, Course, TargetGroup, course_target_groups
from booking.extensions import db


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(
    query,
    *,
    q: str | None = None,
    category: str | None = None,
    target_group: str | None = None,
    format: str | None = None,
    include_unpublished: bool = False,
):
    """`query` (selecting from Course) narrowed to the courses the filters match: free text
    in title, summary, description and speaker; a category or target group by slug; a
    format; published courses only unless asked."""
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
    return query


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
