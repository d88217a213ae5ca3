"""Read-only catalogue queries: courses matching filters, one course, categories, target groups.

Listings of courses with their coming sessions and free places are built on `matching` in
`booking.scheduling.listing`: sessions are scheduling's, which sits above the catalogue.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from booking.catalogue.models import (
    Category,
    Course,
    FundingProgramme,
    ListedName,
    Speaker,
    TargetGroup,
    course_funding_programmes,
    course_speakers,
    course_target_groups,
)
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


def listed(model: type[ListedName], *, include_retired: bool = False, keep=()) -> list:
    """A list in its order: only current items (and those in `keep`, the ones a course being
    edited already has), or everything for the organisers' list pages."""
    query = select(model).order_by(model.position, model.name)
    if not include_retired:
        kept = [item.id for item in keep]
        query = query.where(or_(model.retired.is_(False), model.id.in_(kept)))
    return list(db.session.scalars(query))


def categories(**kwargs) -> list[Category]:
    return listed(Category, **kwargs)


def target_groups(**kwargs) -> list[TargetGroup]:
    return listed(TargetGroup, **kwargs)


def funding_programmes(**kwargs) -> list[FundingProgramme]:
    return listed(FundingProgramme, **kwargs)


def course_key(model: type[ListedName]):
    """The column that ties a course to an item of this list (its category, or the link
    tables of target groups and funding programmes): what both counts group or filter by."""
    if model is Category:
        return Course.category_id
    if model is TargetGroup:
        return course_target_groups.c.target_group_id
    return course_funding_programmes.c.funding_programme_id


def courses_per_item(model: type[ListedName]) -> dict[int, int]:
    """How many courses use each item of a list, in one statement."""
    key = course_key(model)
    return dict(db.session.execute(select(key, func.count()).group_by(key)).all())


def courses_using(item: ListedName) -> int:
    key = course_key(type(item))
    return db.session.scalar(select(func.count()).where(key == item.id)) or 0


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title)))


def speakers() -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).order_by(Speaker.name, Speaker.id)))


def courses_per_speaker() -> dict[int, int]:
    key = course_speakers.c.speaker_id
    return dict(db.session.execute(select(key, func.count()).group_by(key)).all())
